"""Every catalogue is complete, and the journey reads right in Dutch (default) and English."""

import re
from pathlib import Path

import polib
import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted((ROOT / "leerkoers").glob("**/locale/*/LC_MESSAGES/*.po"))


def test_it_finds_the_catalogues():
    names = {path.relative_to(ROOT).parts[1] for path in CATALOGUES}
    assert {"locale", "accounts", "orgs", "audit", "jobs"} <= names


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_it_translates_every_message(path):
    catalogue = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_it_keeps_the_placeholders_of_every_message(path):
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
    wrong = []
    for entry in polib.pofile(str(path)).translated_entries():
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            if sorted(set(placeholder.findall(entry.msgid))) != sorted(set(placeholder.findall(translation))):
                wrong.append(entry.msgid)
    assert not wrong, wrong


DIRECTIVE = re.compile(r"%(\(\w+\))?[-#0 +]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa%])")


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_it_keeps_every_format_directive_where_a_message_is_formatted(path):
    # What `msgfmt -c` checks: a python-format message's translation has the same % directives
    # (a stray "%" in a translation breaks the `%` that fills it in). Percentages in a message
    # that is never formatted are marked no-python-format in the catalogue.
    wrong = []
    for entry in polib.pofile(str(path)).translated_entries():
        if "python-format" not in entry.flags:
            continue
        expected = sorted(DIRECTIVE.findall(entry.msgid_plural or entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            found = sorted(DIRECTIVE.findall(translation))
            if found != expected and not (entry.msgid_plural and set(found) < set(expected)):
                wrong.append((entry.msgid, translation))
    assert not wrong, wrong


def _journey_in(language: str | None, user) -> str:
    client = Client()  # no Accept-Language: the site's default, or the language chosen below
    client.force_login(user)
    if language:
        response = client.post("/i18n/setlang/", {"language": language, "next": "/o/demo/"})
        assert response["Location"] == "/o/demo/"
    return client.get("/o/demo/").content.decode()


def test_it_shows_the_journey_in_dutch_by_default(admin_user):
    page = _journey_in(None, admin_user)
    assert '<html lang="nl">' in page
    for text in [
        "Jullie route naar een strategisch leerbeleid",
        "Breng de huidige situatie in kaart",
        "Een gezamenlijke visie op leren",
        "Eigenaarschap in alle lagen",
        "Start klein, toets en leer bij",
        "Leerbeleidsplan",
        "Uitloggen",
        "HR / L&amp;D (beheerder)",
    ]:
        assert text in page, text
    assert "Map the current situation" not in page


def test_it_switches_the_journey_to_english_and_back(admin_user):
    page = _journey_in("en", admin_user)
    assert '<html lang="en">' in page
    for text in [
        "Your route to a strategic learning policy",
        "Map the current situation",
        "Learning policy document",
        "Sign out",
    ]:
        assert text in page, text
    assert "Breng de huidige situatie in kaart" not in page
    assert "Breng de huidige situatie in kaart" in _journey_in("nl", admin_user)


def test_it_ignores_a_language_it_does_not_offer(admin_user):
    assert '<html lang="nl">' in _journey_in("xx", admin_user)


def test_no_message_is_translated_two_ways():
    """Django merges the apps' catalogues into one (LOCALE_PATHS first, then the apps in
    INSTALLED_APPS order), so a message two apps translate differently shows the first one's
    wording in both, silently: step 4's sign-off button once read "Eens" (step 2's vote).
    Where the meaning differs, give the message a context (pgettext); else use one wording."""
    conflicts = {}
    for path in CATALOGUES:
        language = path.parts[-3]
        for entry in polib.pofile(str(path)).translated_entries():
            text = tuple(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
            key = (language, entry.msgctxt, entry.msgid)
            conflicts.setdefault(key, {}).setdefault(text, []).append(str(path.relative_to(ROOT)))
    twice = {key: texts for key, texts in conflicts.items() if len(texts) > 1}
    assert not twice, twice
