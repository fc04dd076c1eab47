"""Step 4 in a real browser: an employee starts a POP from their home, adds a goal and shares
it; their manager finds it on their own home and agrees it; HR sees the indicator move. axe on
each home and on the POP page, and both homes at a phone's width."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from leerkoers.ownership.models import Pop
from tests.browser.helpers import axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGREED_LABEL = "Medewerkers met een afgesproken POP"


def _agreed_count(page) -> int:
    """The part of the step page's 'members with an agreed POP' figure, e.g. '40 % (4/10)' → 4."""
    page.goto("/o/demo/ownership/")
    figure = page.locator("dl.figures > div", has=page.locator("dt", has_text=AGREED_LABEL)).first
    match = re.search(r"\((\d+)/(\d+)\)", figure.locator("dd").inner_text())
    assert match, figure.inner_text()
    return int(match.group(1))


def _log_out(page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def test_an_employee_shares_a_pop_the_manager_agrees_and_the_indicator_moves(browser_page):
    page = browser_page
    # The demo gives the employee a shared POP of this year; start from none, as a new member.
    Pop.objects.filter(member__user__email="employee@demo.example", year=timezone.localdate().year).delete()

    login(page, "admin@demo.example")
    before = _agreed_count(page)
    _log_out(page)

    # The employee lands on their home, which says what to do: start a plan.
    login(page, "employee@demo.example")
    expect(page).to_have_url(re.compile(r"/o/demo/$"))
    own = page.locator("section#home-own, section[aria-labelledby=home-own]")
    expect(own).to_contain_text("Je hebt nog geen persoonlijk ontwikkelplan")
    axe_check(page)
    own.locator(".next-action a").click()
    page.get_by_role("button", name="Plan starten").click()
    expect(page.locator("h1")).to_contain_text("Jouw POP")

    page.get_by_label("Doel", exact=True).fill("Leren coachen op de werkvloer")
    page.get_by_role("button", name="Doel toevoegen").click()
    expect(page.locator("main")).to_contain_text("Leren coachen op de werkvloer")
    axe_check(page)
    page.get_by_role("button", name="Delen met mijn leidinggevende").click()
    expect(page.locator("dl.figures")).to_contain_text("Gedeeld met de leidinggevende")
    _log_out(page)

    # The manager's home lists the plan waiting for agreement; they open it and agree.
    login(page, "manager@demo.example")
    expect(page).to_have_url(re.compile(r"/o/demo/$"))
    requests = page.locator("section[aria-labelledby=home-requests]")
    axe_check(page)
    requests.get_by_role("link", name="Sven Bakker").click()
    expect(page.locator("main")).to_contain_text("Leren coachen op de werkvloer")
    page.get_by_role("button", name="Akkoord", exact=True).click()
    expect(page.locator("dl.figures")).to_contain_text("Afgesproken")
    expect(page.locator("main")).to_contain_text("Afgesproken op")
    axe_check(page)
    page.goto("/o/demo/")
    expect(page.locator("section[aria-labelledby=home-requests]")).not_to_contain_text("Sven Bakker")
    _log_out(page)

    login(page, "admin@demo.example")
    assert _agreed_count(page) == before + 1


@pytest.mark.parametrize("email", ["employee@demo.example", "manager@demo.example"])
def test_the_homes_fit_a_phone(browser_page, email):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, email)
    expect(page).to_have_url(re.compile(r"/o/demo/$"))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    for heading in page.locator("main h2").all():
        box = heading.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    axe_check(page)
