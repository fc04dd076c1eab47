"""A visitor takes the public readiness scan on a phone: one group per screen, answers kept
over a reload, the result at once, and a PDF whose text holds every dimension's name and score."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from leerkoers.scan import instrument, scoring
from leerkoers.scan.models import ScanRound
from tests.browser.helpers import axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _answer(index: int):
    """A spread of answers with some "I don't know" (and vision with too few answers)."""
    if index in (5, 6, 7):  # three of vision's five: not enough information there
        return None
    if index % 7 == 3:
        return None
    return index % 5 + 1


def test_a_visitor_completes_the_scan_on_a_phone_and_downloads_the_report(browser_page):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    definition = instrument.definition(instrument.current_version())
    dimensions = definition["dimensions"]
    answers = {item_id: _answer(i) for i, item_id in enumerate(instrument.item_ids(definition["version"]))}

    page.goto("/scan/")
    axe_check(page)
    steps = page.locator("[data-step]")
    assert steps.count() == len(dimensions) + 1
    for number, dimension in enumerate(dimensions):
        # One group at a time, with the progress shown.
        assert steps.nth(number).is_visible()
        assert sum(steps.nth(i).is_visible() for i in range(steps.count())) == 1
        assert f"{number + 1}" in page.locator("#scan-progress-label").inner_text()
        for item in dimension["items"]:
            value = answers[item["id"]]
            page.locator(f'input[name="{item["id"]}"][value="{value or "dk"}"]').check()
        if number == 1:
            # A reload keeps the answers and the place.
            page.reload()
            assert page.locator(f'input[name="{dimension["items"][-1]["id"]}"]:checked').count() == 1
            assert steps.nth(number).is_visible()
        page.locator("[data-next]").click()

    page.select_option("#id_sector", "care")
    page.locator("[data-submit]").click()
    page.wait_for_url("**/scan/resultaat/**")
    axe_check(page)

    expected = scoring.score_answers(definition, answers)
    shown = {}
    for dimension in dimensions:
        cell = page.locator(f'tr[data-dimension="{dimension["id"]}"] [data-score]').inner_text().strip()
        shown[dimension["id"]] = cell
        score = scoring.round_score(expected.dimensions[dimension["id"]])
        if score is None:
            assert not cell.isdigit()  # "not enough information"
        else:
            assert cell == str(score)
    assert shown["vision"] and not shown["vision"].isdigit()
    assert page.locator("[data-overall]").inner_text() == str(scoring.round_score(expected.overall))
    assert page.locator("canvas#radar").is_visible()
    href = page.locator("[data-booking]").get_attribute("href")
    assert href.startswith("/sessie/?scan=")

    with page.expect_download() as download:
        page.locator("[data-report]").click()
    content = Path(download.value.path()).read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).replace("\n", " ")
    for dimension in dimensions:
        assert dimension["name"]["nl"] in text
        assert shown[dimension["id"]] in text


def test_an_admin_opens_a_round_and_reads_the_results_of_the_last_one(browser_page):
    page = browser_page
    login(page, "admin@demo.example")
    page.goto("/o/demo/scan/")
    axe_check(page)
    page.locator("#id_title").fill("Najaar 2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/scan/rounds/**")
    assert page.locator('input[readonly][value*="/scan/r/"]').count() == 4
    assert page.locator("#counts[hx-trigger]").count() == 1  # live counts while open
    axe_check(page)

    scan_round = ScanRound.objects.get(title="Scan voorjaar 2026")
    page.goto(f"/o/demo/scan/rounds/{scan_round.public_id}/")
    heatmap = page.locator("table.heatmap")
    assert heatmap.is_visible()
    # HR answered with 3 people: their column holds no figure.
    assert set(heatmap.locator("tbody tr td:last-child").all_inner_texts()) == {"—"}
    assert page.locator("ul.gaps li").count() >= 1
    assert page.locator("canvas#radar").is_visible()
    axe_check(page)
