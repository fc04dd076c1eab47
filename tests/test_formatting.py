"""One style for numbers, money and percentages per language (CLDR through Babel), pinned in
Dutch and English: the functions, the pages that show them, and the CSV export."""

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from leerkoers.inventory.models import Activity
from leerkoers.lib import formatting

ROOT = Path(__file__).resolve().parent.parent

CASES = {
    "nl": {
        "money": ("€ 488.500", "€ 1.250,50", "€ 0", "–"),
        "money_cents": "€ 300,00",
        "number": ("1.234.567,89", "7", "6,32", "0,125", "20.000"),
        "percent": ("38%", "38,5%", "100%"),
        "date": ("1 dec 2026", "01-12-2026", "1 december 2026"),
        "duration": ("37,5 uur", "1 uur", "45 minuten"),
        "plain": ("1250,50", "7"),
    },
    "en": {
        "money": ("€488,500", "€1,250.50", "€0", "–"),
        "money_cents": "€300.00",
        "number": ("1,234,567.89", "7", "6.32", "0.125", "20,000"),
        "percent": ("38%", "38.5%", "100%"),
        "date": ("Dec 1, 2026", "12/1/26", "December 1, 2026"),
        "duration": ("37.5 hours", "1 hour", "45 minutes"),
        "plain": ("1250.50", "7"),
    },
}


def _spaces(text: str) -> str:
    assert " " not in text, f"a breaking space in {text!r}"
    return text.replace("\u00a0", " ")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_it_writes_each_kind_of_figure_as_the_language_does(language):
    expected = CASES[language]
    with translation.override(language):
        # CLDR's space between sign and amount is a no-break space: "€" never ends a line.
        assert (
            _spaces(formatting.money(488500)),
            _spaces(formatting.money(Decimal("1250.5"))),
            _spaces(formatting.money(0)),
            formatting.money(None),
        ) == expected["money"]
        assert _spaces(formatting.money(300, cents=True)) == expected["money_cents"]
        assert (
            formatting.number(1234567.891),
            formatting.number(Decimal("7.0000")),
            formatting.number(Decimal("6.3200")),
            formatting.number(Decimal("0.1250")),
            formatting.number(20000),
        ) == expected["number"]
        assert (formatting.percent(0.38), formatting.percent(Decimal("0.385"), 1), formatting.percent(1)) == expected[
            "percent"
        ]
        day = date(2026, 12, 1)
        assert (formatting.date(day), formatting.date(day, "short"), formatting.date(day, "long")) == expected["date"]
        assert (
            _spaces(formatting.duration(Decimal("37.5"))),
            _spaces(formatting.duration(1)),
            _spaces(formatting.duration(timedelta(minutes=45))),
        ) == expected["duration"]
        assert (formatting.plain_number(Decimal("1250.50")), formatting.plain_number(7)) == expected["plain"]


def test_it_writes_nothing_for_what_is_no_number():
    with translation.override("nl"):
        assert [formatting.money("abc"), formatting.number(""), formatting.percent(None)] == ["–", "–", "–"]


def _activities_page(client, language):
    url = reverse("inventory:activities", kwargs={"org_slug": "demo"})
    return client.get(url, {"q": "Opmaakproef"}, headers={"accept-language": language}).content.decode()


@pytest.mark.parametrize(("language", "shown"), [("nl", "€ 1.250,50"), ("en", "€1,250.50")])
def test_it_shows_money_on_the_pages_in_the_readers_style(admin_client, org, language, shown):
    Activity.objects.create(organization=org, title="Opmaakproef", natural_key="fmt", cost=Decimal("1250.50"))
    content = _activities_page(admin_client, language)
    assert shown.replace(" ", "\u00a0") in content


@pytest.mark.parametrize(("language", "shown"), [("nl", "1250,50"), ("en", "1250.50")])
def test_it_writes_amounts_in_the_csv_export_with_the_languages_decimal_mark(admin_client, org, language, shown):
    Activity.objects.create(organization=org, title="Opmaakproef", natural_key="fmt", cost=Decimal("1250.50"))
    url = reverse("inventory:export_activities", kwargs={"org_slug": "demo"})
    response = admin_client.get(url, {"format": "csv"}, headers={"accept-language": language})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    row = next(line for line in text.splitlines() if "Opmaakproef" in line)
    assert f";{shown};" in row


def test_no_template_or_module_writes_its_own_thousands_separators():
    """Grouping and currency placement come from CLDR; a hand-written "€ {{ x }}", a
    floatformat with grouping or Django's number_format would bring a second style back."""
    patterns = re.compile(r"€ ?\{\{|floatformat:\"?\d?g|number_format\(|force_grouping|intcomma|:,\}|\{:,")
    offenders = []
    for path in (ROOT / "leerkoers").rglob("*"):
        if path.suffix not in {".py", ".html", ".js"} or "tests" in path.parts or "vendor" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if patterns.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:80]}")
    assert not offenders, "\n".join(offenders)
