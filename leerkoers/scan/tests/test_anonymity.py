"""A layer of 4 respondents shows no figure anywhere: page, API, PDF, export."""

import csv
import io
import re

import pytest
from pypdf import PdfReader

from leerkoers.scan.models import Layer, ScanRound
from leerkoers.scan.tests.conftest import add_responses

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_layer_round(open_round):
    """Managers 8 × all 5 (100), employees 9 × all 3 (50), board 5 × all 5, HR 4 × all 2 (25).

    HR's 25 would also be shown by no one else: the only 25s come from HR.
    """
    add_responses(open_round, Layer.MANAGERS, 8, 5)
    add_responses(open_round, Layer.EMPLOYEES, 9, 3)
    add_responses(open_round, Layer.BOARD, 5, 5)
    add_responses(open_round, Layer.HR, 4, 2)
    ScanRound.objects.filter(pk=open_round.pk).update(status=ScanRound.Status.CLOSED)
    return open_round


def test_a_layer_of_four_shows_no_figure_on_the_page(admin_client, small_layer_round):
    html = admin_client.get(
        f"/o/demo/scan/rounds/{small_layer_round.public_id}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert ">25<" not in html  # HR's score
    assert "<dd data-count>4</dd>" not in html and "n = 4" not in html  # nor their exact count
    assert "HR / L&amp;D</strong>: Fewer than 5 respondents" in html
    heatmap = html[html.index('class="heatmap"') : html.index("</table>", html.index('class="heatmap"'))]
    # The HR column (last) holds only dashes.
    for row in re.findall(r"<tr><th scope=\"row\">.*?</tr>", heatmap, re.S):
        assert row.rstrip("</tr>").split("<td")[-1].count("—") == 1


def test_a_layer_of_four_shows_no_figure_in_the_api(admin_client, small_layer_round):
    base = f"/api/v1/orgs/demo/scan/rounds/{small_layer_round.public_id}"
    results = admin_client.get(f"{base}/results").json()
    hr = next(g for g in results["layers"] if g["key"] == "hr")
    assert hr == {**hr, "shown": False, "overall": None, "level": None, "dimensions": {}, "respondents": "<5"}
    assert all(gap["high_layer"] != "hr" and gap["low_layer"] != "hr" for gap in results["gaps"])
    counts = admin_client.get(f"{base}/counts").json()
    assert counts["layers"]["hr"] == "<5"
    rounds = admin_client.get("/api/v1/orgs/demo/scan/rounds").json()
    assert next(r for r in rounds if r["id"] == str(small_layer_round.public_id))["respondents"] == 26


def test_a_layer_of_four_shows_no_figure_in_the_pdf(admin_client, small_layer_round):
    response = admin_client.get(
        f"/o/demo/scan/rounds/{small_layer_round.public_id}/report.pdf", HTTP_ACCEPT_LANGUAGE="en"
    )
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "HR / L&D" in text and "100" in text and "50" in text  # the other layers are there
    assert "25" not in text and " 4 " not in f" {text} "


def test_a_layer_of_four_shows_no_figure_in_the_export(admin_client, small_layer_round):
    response = admin_client.get(
        f"/o/demo/scan/rounds/{small_layer_round.public_id}/results.csv", HTTP_ACCEPT_LANGUAGE="en"
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))[1:]
    hr_rows = [row for row in rows if row[0].startswith("HR")]
    assert hr_rows and all(row[1] == "fewer than 5" and row[3] == "" for row in hr_rows)
    assert not any(row[3] == "25" for row in rows)


def test_the_overall_cannot_be_used_to_work_out_the_small_layer(admin_client, small_layer_round):
    results = admin_client.get(f"/api/v1/orgs/demo/scan/rounds/{small_layer_round.public_id}/results").json()
    shown = [g for g in results["layers"] if g["shown"]]
    hidden = [g for g in results["layers"] if not g["shown"]]
    # The board (5, the smallest shown layer) is hidden as well: overall minus the shown
    # layers now mixes 9 people, not HR's 4.
    assert {g["key"] for g in hidden} == {"hr", "board"}
    assert {g["key"] for g in shown} == {"managers", "employees"}
    assert results["overall"]["shown"] and results["overall"]["respondents"] == 26


def test_the_threshold_can_be_raised_but_not_lowered(admin_client, small_layer_round, settings):
    settings.ANONYMITY_THRESHOLD = 9
    results = admin_client.get(f"/api/v1/orgs/demo/scan/rounds/{small_layer_round.public_id}/results").json()
    assert [g["key"] for g in results["layers"] if g["shown"]] == ["employees"] or results["threshold"] == 9
    settings.ANONYMITY_THRESHOLD = 2
    results = admin_client.get(f"/api/v1/orgs/demo/scan/rounds/{small_layer_round.public_id}/results").json()
    assert results["threshold"] == 5
    assert not next(g for g in results["layers"] if g["key"] == "hr")["shown"]
