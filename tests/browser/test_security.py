"""The pages of every step run under the Content-Security-Policy without a single refusal
(the browser_page fixture fails a test on any), and what moved out of the markup still works:
bars drawn from data-percent, the confirm question, a link field selected on a click."""

import pytest
from playwright.sync_api import expect

from leerkoers.scan.models import ScanRound
from leerkoers.vision.models import VisionRound
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIGNED_IN_PAGES = [
    "/o/demo/",
    "/o/demo/members/",
    "/o/demo/teams/",
    "/o/demo/audit/",
    "/o/demo/scan/",
    "/o/demo/inventory/",
    "/o/demo/inventory/activities/",
    "/o/demo/inventory/import/",
    "/o/demo/alignment/",
    "/o/demo/alignment/goals/",
    "/o/demo/alignment/kpis/",
    "/o/demo/alignment/learning-goals/",
    "/o/demo/sessions/",
    "/o/demo/vision/",
]


def test_every_step_runs_under_the_policy(browser_page):
    page = browser_page
    refused = []
    page.on(
        "console",
        lambda message: refused.append((page.url, message.text)) if "Security Policy" in message.text else None,
    )
    for path in ["/scan/", "/sessie/", "/accounts/password-reset/"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
    login(page, "admin@demo.example")
    scan_round = ScanRound.objects.filter(organization__slug="demo").first()
    vision_round = VisionRound.objects.filter(organization__slug="demo").first()
    extra = [f"/o/demo/scan/rounds/{scan_round.public_id}/"] if scan_round else []
    extra += [f"/o/demo/vision/rounds/{vision_round.public_id}/"] if vision_round else []
    for path in SIGNED_IN_PAGES + extra:
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "private, no-store"
        page.wait_for_load_state("networkidle")
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info")).to_be_visible(timeout=20_000)  # a large bundle; slow on a busy machine
    assert refused == []
    assert extra, "the demo data has scan and vision rounds to visit"


def test_the_journey_bar_is_drawn_from_its_percentage(browser_page):
    page = browser_page
    login(page, "admin@demo.example")
    bar = page.locator(".overall-progress > div")
    percent = float(bar.get_attribute("data-percent"))
    assert percent > 0
    outer = page.locator(".overall-progress").bounding_box()["width"]
    assert bar.bounding_box()["width"] == pytest.approx(outer * percent / 100, abs=2)


def test_a_form_with_a_question_asks_first(browser_page):
    page = browser_page
    login(page, "admin@demo.example")
    page.goto("/o/demo/members/")
    remove = page.locator("form[data-confirm] button[type=submit]").first
    rows = page.locator("form[data-confirm]").count()
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    remove.click()
    page.wait_for_timeout(300)
    assert asked and "verwijderen?" in asked[0]
    assert page.locator("form[data-confirm]").count() == rows  # dismissed: nothing was sent


def test_a_round_link_is_selected_on_a_click(browser_page):
    page = browser_page
    login(page, "admin@demo.example")
    from leerkoers.accounts.models import User
    from leerkoers.orgs.models import Organization
    from leerkoers.scan.services import round_open

    admin = User.objects.get(email="admin@demo.example")
    scan_round = round_open(organization=Organization.objects.get(slug="demo"), title="Voorjaar", actor=admin)
    page.goto(f"/o/demo/scan/rounds/{scan_round.public_id}/")
    field = page.locator("input[data-select-on-click]").first
    field.click()
    selected = page.evaluate(
        "() => window.getSelection().toString() || document.activeElement.value.substring(document.activeElement.selectionStart, document.activeElement.selectionEnd)"
    )
    assert selected == field.input_value()
