"""The public scan: the form, the result page, the PDF, respondents' links."""

import io

import pytest
from pypdf import PdfReader

from leerkoers.jobs.invitations import PERSONAL_PREFIX
from leerkoers.orgs.models import hash_token
from leerkoers.scan import instrument
from leerkoers.scan.models import RoundLink, ScanInvitation, ScanResponse
from leerkoers.scan.services import start_issue
from leerkoers.scan.tests.conftest import old_start

pytestmark = pytest.mark.django_db


def form_data(value="4", **extra):
    data = dict.fromkeys(instrument.item_ids(instrument.current_version()), value)
    return data | {"started": start_issue()} | extra


def stored_from(response) -> ScanResponse:
    """The response a form post redirected to (ids are random: there is no 'latest')."""
    return ScanResponse.objects.get(public_id=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def test_it_shows_every_statement_grouped_by_dimension(client):
    response = client.get("/scan/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    for dimension in instrument.definition(1)["dimensions"]:
        assert dimension["name"]["en"] in html
        for item in dimension["items"]:
            assert f'name="{item["id"]}"' in html
    assert html.count('value="dk"') == 30  # "I don't know" on every statement
    assert 'name="sector"' in html and 'name="size_band"' in html
    # no personal data is asked
    assert 'type="email"' not in html and 'name="name"' not in html and 'name="email"' not in html


def test_it_stores_the_answers_and_shows_the_result_at_once(client):
    response = client.post("/scan/", form_data("4", sector="education"))
    assert response.status_code == 302
    stored = stored_from(response)
    assert response["Location"] == f"/scan/resultaat/{stored.public_id}/"
    assert stored.sector == "education" and stored.overall_score == 75
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Established" in page and "Current situation" in page
    assert f"/sessie/?scan={stored.public_id}" in page
    assert 'id="radar"' in page and "<table" in page


def test_it_keeps_the_answers_and_says_what_is_missing(client):
    before = ScanResponse.objects.count()
    data = form_data("2")
    del data["vision_3"]
    data["strategy_1"] = "7"
    response = client.post("/scan/", data, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 422
    assert "Answer every statement" in html
    assert html.count("statement--missing") == 2
    assert 'name="vision_1" value="2" checked' in html
    assert ScanResponse.objects.count() == before


def test_it_rejects_an_unknown_sector_from_the_form(client):
    before = ScanResponse.objects.count()
    response = client.post("/scan/", form_data(sector="moon"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422 and "Choose a sector" in response.content.decode()
    assert ScanResponse.objects.count() == before


def test_it_marks_a_form_sent_without_a_valid_start_as_too_fast(client):
    forged = stored_from(client.post("/scan/", form_data() | {"started": "forged"}))
    assert forged.seconds_taken is None and forged.too_fast
    data = form_data()
    del data["started"]
    missing = stored_from(client.post("/scan/", data))
    assert missing.seconds_taken is None and missing.too_fast


def test_it_marks_a_form_answered_in_seconds_as_too_fast(client):
    assert stored_from(client.post("/scan/", form_data())).too_fast
    assert not stored_from(client.post("/scan/", form_data() | {"started": old_start(300)})).too_fast


def test_a_start_used_twice_counts_as_too_fast(client):
    start = old_start(300)
    assert not stored_from(client.post("/scan/", form_data() | {"started": start})).too_fast
    assert stored_from(client.post("/scan/", form_data() | {"started": start})).too_fast


def test_thirty_instant_submissions_through_a_layer_link_are_all_flagged(client, open_round):
    link = RoundLink.objects.get(round=open_round, layer="employees")
    data = form_data("3")
    del data["started"]  # a script posting the form without loading it
    for _ in range(15):
        assert client.post(f"/scan/r/{link.token}/", data).status_code == 302
    for _ in range(15):  # or loading it each time and posting at once
        assert client.post(f"/scan/r/{link.token}/", form_data("3")).status_code == 302
    stored = ScanResponse.objects.filter(round=open_round)
    assert stored.count() == 30 and stored.filter(too_fast=True).count() == 30


def test_it_rate_limits_the_form_with_429(client, settings):
    settings.SCAN_RATE_LIMIT = 1
    assert client.post("/scan/", form_data()).status_code == 302
    response = client.post("/scan/", form_data())
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_the_pdf_report_holds_every_dimensions_name_and_score(client):
    stored = stored_from(client.post("/scan/", form_data("4") | {"situation_1": "1", "situation_2": "dk"}))
    response = client.get(f"/scan/resultaat/{stored.public_id}/rapport.pdf", HTTP_ACCEPT_LANGUAGE="nl")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    # situation: 0, 75, 75, 75 → 56.25 → 56
    for dimension in instrument.definition(1)["dimensions"]:
        assert dimension["name"]["nl"] in text.replace("\n", " ")
    assert "56" in text and "75" in text


def test_it_answers_404_for_an_unknown_result(client):
    assert client.get("/scan/resultaat/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/scan/resultaat/not-a-uuid/").status_code == 404


def test_a_layer_link_counts_the_answer_in_its_layer(client, open_round):
    link = RoundLink.objects.get(round=open_round, layer="employees")
    page = client.get(f"/scan/r/{link.token}/")
    assert page.status_code == 200 and 'name="sector"' not in page.content.decode()
    response = client.post(f"/scan/r/{link.token}/", form_data("3"))
    assert response.status_code == 302
    stored = stored_from(response)
    assert (stored.round, stored.layer, stored.organization) == (open_round, "employees", open_round.organization)


def test_a_personal_link_works_once(client, open_round, employee_user, org):
    raw = PERSONAL_PREFIX + "test-token"
    member = org.memberships.get(user=employee_user)
    ScanInvitation.objects.create(
        organization=org, round=open_round, membership=member, layer="employees", token_hash=hash_token(raw)
    )
    assert client.post(f"/scan/r/{raw}/", form_data()).status_code == 302
    before = ScanResponse.objects.count()
    again = client.post(f"/scan/r/{raw}/", form_data())
    assert again.status_code == 410
    assert client.get(f"/scan/r/{raw}/").status_code == 410
    assert ScanResponse.objects.count() == before
    # The response does not point back at the person.
    stored = ScanResponse.objects.filter(round=open_round).get()
    assert not any(f.name in ("membership", "invitation", "user") for f in stored._meta.fields)


def test_a_closed_rounds_link_refuses_answers(client, closed_round):
    link = RoundLink.objects.get(round=closed_round, layer="board")
    before = ScanResponse.objects.count()
    assert client.get(f"/scan/r/{link.token}/").status_code == 410
    assert client.post(f"/scan/r/{link.token}/", form_data()).status_code == 410
    assert ScanResponse.objects.count() == before


def test_an_unknown_link_is_404(client):
    assert client.get("/scan/r/nope/").status_code == 404


def test_it_serves_no_benchmark_reference_view(client):
    for path in ["/scan/bench/reference/", "/bench/reference/"]:
        assert client.post(path, "x", content_type="text/plain").status_code == 404
