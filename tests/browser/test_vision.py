"""Step 2 in a real browser: a participant on a phone answers a question, proposes a statement
and rates others'; the admin sees it in moderation, hides one and sees the results move; a
board member approves the vision. axe on the participant's pages and the round page."""

import datetime
import os
from pathlib import Path

import pytest

from leerkoers.accounts.models import User
from leerkoers.orgs.models import Organization
from leerkoers.vision.models import VisionApproval, VisionStatement
from leerkoers.vision.services import round_open, statement_propose
from tests.browser.helpers import axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "var/screenshots"))


def test_a_participant_on_a_phone_takes_part_and_the_board_approves(browser_page):
    page = browser_page
    org = Organization.objects.get(slug="demo")
    admin = User.objects.get(email="admin@demo.example")
    vision_round = round_open(
        organization=org,
        title="Visie in de browser",
        closes_on=datetime.date.today() + datetime.timedelta(days=7),
        layer_links=True,
        actor=admin,
    )
    statement_propose(vision_round=vision_round, text="Leren hoort bij het werk, niet ernaast.")
    statement_propose(vision_round=vision_round, text="HR bepaalt welke opleidingen er zijn.")
    link = vision_round.layer_links.get(layer="employees")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/visie/l/{link.token}/")
    axe_check(page)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/visie/d/**")
    participant_url = page.url

    # Answer a guiding question.
    page.locator("a[href$='/questions/']").click()
    page.locator("textarea").first.fill("Dat we vakmensen blijven en van elkaar leren.")
    page.locator("main button[type=submit]").click()
    assert page.locator("[role=status]").is_visible()
    axe_check(page)
    page.goto(participant_url)

    # Propose a statement.
    page.locator("#id_text").fill("Leertijd is gewone werktijd.")
    page.locator("#propose button[type=submit]").click()
    assert VisionStatement.objects.filter(round=vision_round, text="Leertijd is gewone werktijd.").exists()

    # Rate the two others; results appear only after rating.
    assert page.locator("#just-rated").count() == 0
    for _ in range(2):
        page.locator(".vision-votes button[value='1']").click()
        page.wait_for_url("**rated=**")
        assert page.locator("#just-rated").is_visible()
    assert page.locator(".vision-rate").count() == 0  # nothing left: their own statement is never offered
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= 390, f"the participant page scrolls sideways ({scroll_width}px)"
    axe_check(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "vision-participant-390.png"), full_page=True)

    # The admin sees the new statement in moderation and hides one; the results move.
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "admin@demo.example")
    round_url = f"/o/demo/vision/rounds/{vision_round.public_id}/"
    page.goto(round_url)
    axe_check(page)
    assert page.locator("main", has_text="HR bepaalt welke opleidingen er zijn.").count() == 1
    page.goto(round_url + "moderation/")
    axe_check(page)
    assert page.locator("tr", has_text="Leertijd is gewone werktijd.").count() == 1
    hidden = VisionStatement.objects.get(round=vision_round, text="HR bepaalt welke opleidingen er zijn.")
    page.locator(f"tr[data-statement='{hidden.public_id}'] button[value=hide]").click()
    page.wait_for_load_state()
    page.goto(round_url)
    assert "HR bepaalt welke opleidingen er zijn." not in page.locator("main").inner_text()

    # HR drafts the vision and saves a version; the board approves it.
    page.goto(round_url + "draft/")
    page.locator("#id_text").fill("Leren hoort bij het werk, niet ernaast.")
    page.locator("button[name=save][value=version]").click()
    page.wait_for_load_state()
    version = vision_round.versions.get()
    page.context.clear_cookies()
    login(page, "director@demo.example")
    page.goto(f"/o/demo/vision/versions/{version.public_id}/")
    axe_check(page)
    page.locator("form[action$='/approve/'] button").click()
    page.wait_for_load_state()
    assert page.locator(".message--success").first.is_visible()
    assert VisionApproval.objects.get(version=version).approved_by.email == "director@demo.example"
