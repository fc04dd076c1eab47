"""The results PDF: the same figures, intervals and suppression as the round page."""

import io

import pytest
from pypdf import PdfReader

from leerkoers.vision.models import VisionRound
from leerkoers.vision.tests.conftest import add_votes, seed_statement

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_it_shows_shares_with_intervals_and_a_dash_where_a_layer_has_too_few(admin_client, vision_round):
    statement = seed_statement(vision_round, "Leren hoort bij het werk.")
    add_votes(vision_round, statement, "board", agree=5, disagree=1)  # (5+1)/(6+2) = 75 %, Wilson 44–97 %
    add_votes(vision_round, statement, "managers", agree=3)  # 3: no count, no share
    add_votes(vision_round, statement, "hr", agree=2)  # hidden with the managers (3 + 2 = 5)
    response = admin_client.get(f"/o/demo/vision/rounds/{vision_round.public_id}/report.pdf")
    assert f'filename="vision-{vision_round.public_id}.pdf"' in response["Content-Disposition"]
    text = _text(response)
    assert "Vision round: Testronde visie" in text and "Leren hoort bij het werk." in text
    assert "75%" in text and "44–97%" in text and "n = 6" in text
    assert "fewer than 5" in text and "—" in text
    assert "n = 3" not in text and "n = 2" not in text
    # the page shows the same cell
    html = admin_client.get(f"/o/demo/vision/rounds/{vision_round.public_id}/").content.decode()
    assert "44–97%" in html and "n = 6" in html and "n = 3" not in html


def test_it_holds_the_opinion_groups_of_the_demo_in_dutch(admin_client, org):
    demo_round = VisionRound.objects.get(organization=org, title="Visie op leren 2026")
    text = _text(
        admin_client.get(f"/o/demo/vision/rounds/{demo_round.public_id}/report.pdf", headers={"accept-language": "nl"})
    )
    assert "Visieronde: Visie op leren 2026" in text and "Groep 2" in text and "Breed draagvlak in elke laag" in text


def test_it_is_refused_to_employees_and_another_organisation(employee_client, outsider_client, vision_round):
    url = f"/o/demo/vision/rounds/{vision_round.public_id}/report.pdf"
    assert employee_client.get(url).status_code == 403
    assert outsider_client.get(url).status_code in (403, 404)
