"""Log in, see the journey in Dutch, switch to English; axe on the pages; a phone-sized view."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_check, login

pytestmark = pytest.mark.browser

STEPS_NL = [
    "Quickscan",
    "Breng de huidige situatie in kaart",
    "Een gezamenlijke visie op leren",
    "Koppel leerdoelen aan de strategie",
    "Eigenaarschap in alle lagen",
    "Start klein, toets en leer bij",
    "Leerbeleidsplan",
]


def test_it_passes_axe_on_the_login_page(browser_page):
    browser_page.goto("/accounts/login/")
    expect(browser_page.locator("h1")).to_have_text("Inloggen")
    axe_check(browser_page)


def test_it_explains_a_wrong_password_in_the_browser(browser_page):
    browser_page.goto("/accounts/login/")
    browser_page.get_by_label("E-mailadres").fill("admin@demo.example")
    browser_page.get_by_label("Wachtwoord").fill("niet-goed")
    browser_page.locator("main button[type=submit]").click()
    expect(browser_page.get_by_role("alert")).to_contain_text("Het e-mailadres of wachtwoord klopt niet.")
    axe_check(browser_page)


def test_it_shows_the_journey_in_dutch_then_in_english(browser_page):
    page = browser_page
    login(page, "admin@demo.example")
    expect(page).to_have_url(re.compile(r"/o/demo/$"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("h1")).to_have_text("Jullie route naar een strategisch leerbeleid")
    steps = page.locator("ol.journey > li")
    expect(steps).to_have_count(len(STEPS_NL))
    for index, title in enumerate(STEPS_NL):
        expect(steps.nth(index).locator("h2")).to_contain_text(title)
        expect(steps.nth(index).locator(".status:not(.status--next)")).to_have_text(
            re.compile("Nog niet begonnen|Bezig|Afgerond")
        )
    expect(page.locator(".journey-coming")).to_have_count(0)  # every step exists: nothing is still to come
    axe_check(page)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/o/demo/$"))
    expect(page.locator("h1")).to_have_text("Your route to a strategic learning policy")
    expect(steps.nth(1).locator("h2")).to_contain_text("Map the current situation")
    axe_check(page)

    page.get_by_role("button", name="Nederlands").click()
    expect(page.locator("h1")).to_have_text("Jullie route naar een strategisch leerbeleid")


def test_it_passes_axe_on_the_members_teams_and_tokens_pages(browser_page):
    page = browser_page
    login(page, "admin@demo.example")
    page.get_by_role("navigation", name="Route").get_by_role("link", name="Gebruikers").click()
    expect(page.locator("h1")).to_have_text("Gebruikers")
    expect(page.locator("table tbody tr").first).to_be_visible()
    axe_check(page)
    page.locator("summary").click()  # the invitation form, opened
    expect(page.locator("#id_email")).to_be_visible()
    axe_check(page)
    for link, heading in [("Teams", "Teams"), ("Logboek", "Logboek"), ("API", "API-tokens")]:
        page.get_by_role("navigation", name="Route").get_by_role("link", name=link, exact=True).click()
        expect(page.locator("h1")).to_have_text(heading)
        axe_check(page)


def test_it_invites_someone_from_the_browser(browser_page):
    page = browser_page
    login(page, "admin@demo.example")
    page.goto("/o/demo/members/")
    page.locator("summary").click()
    page.locator("#id_email").fill("nieuwe.collega@demo.example")
    page.locator("#id_role").select_option("manager")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.get_by_role("status")).to_contain_text("Uitnodiging verstuurd naar nieuwe.collega@demo.example")


def test_it_lets_the_advisor_switch_organisations(browser_page):
    page = browser_page
    login(page, "advisor@demo.example")
    expect(page.locator("h1")).to_have_text("Je organisaties")
    page.get_by_role("link", name="Zorggroep Demo").click()
    page.get_by_label("Organisatie").select_option(label="Techniek Andere BV")
    page.get_by_role("button", name="Wisselen").click()
    expect(page).to_have_url(re.compile(r"/o/demo-other/$"))
    expect(page.locator(".context-line")).to_contain_text("Techniek Andere BV · Adviseur")
    axe_check(page)


def test_it_keeps_the_journey_usable_on_a_phone(browser_page):
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, "employee@demo.example")
    # An employee lands on their own home; it fits the screen too.
    expect(page).to_have_url(re.compile(r"/o/demo/$"))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    page.goto("/o/demo/journey/")
    expect(page.locator("ol.journey > li")).to_have_count(len(STEPS_NL))
    expect(page.locator(".journey-coming")).to_have_count(0)
    # Nothing wider than the screen: no sideways scrolling of the page itself.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    # Every step's title is on the screen and readable.
    for title in page.locator("ol.journey h2").all():
        box = title.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375
    # Tap targets of the header are big enough to hit (WCAG 2.5.5 asks 44px; AA needs 24px).
    for button in page.locator("header button").all():
        assert button.bounding_box()["height"] >= 24
    # Wide tables scroll inside their own box; the page does not.
    page.goto("/o/demo/teams/")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    axe_check(page)


def test_it_keeps_the_members_page_inside_a_phone_screen(browser_page):
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, "admin@demo.example")
    page.goto("/o/demo/members/")
    expect(page.locator("table tbody tr").first).to_be_visible()
    # The table scrolls inside its own box; the page itself does not scroll sideways.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    axe_check(page)


def test_it_passes_axe_on_the_account_pages_and_errors(browser_page):
    page = browser_page
    for path, heading in [
        ("/accounts/password-reset/", "Nieuw wachtwoord aanvragen"),
        ("/accounts/invitation/not-a-real-token/", "Deze uitnodiging kan niet worden gebruikt"),
        ("/accounts/reset/MQ/not-a-token/", "Deze link kan niet worden gebruikt"),
    ]:
        page.goto(path)
        expect(page.locator("h1")).to_have_text(heading)
        axe_check(page)
    page.goto("/accounts/password-reset/")
    page.locator("#id_email").fill("geen adres")
    page.get_by_role("button", name="Stuur de link").click()
    expect(page.locator(".errorlist")).to_be_visible()
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")
    axe_check(page)


def test_it_passes_axe_on_the_team_page_and_a_missing_page(browser_page):
    page = browser_page
    login(page, "admin@demo.example")
    page.goto("/o/demo/teams/")
    page.get_by_role("link", name="Zorg Zuid").click()
    expect(page.locator("h1")).to_have_text("Team Zorg Zuid")
    axe_check(page)
    page.goto("/o/no-such-organisation/")
    expect(page.locator("h1")).to_have_text("Pagina niet gevonden")
    axe_check(page)
