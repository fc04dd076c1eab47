"""Scan rounds inside an organisation: pages for opening, links, live counts, closing, results."""

import pytest
from django.core import mail

from leerkoers.jobs.models import Job
from leerkoers.scan.models import Layer, ScanInvitation, ScanResponse, ScanRound
from leerkoers.scan.tests.conftest import add_responses

pytestmark = pytest.mark.django_db


def test_it_lists_the_rounds_and_the_trend_for_the_admin(admin_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        response = admin_client.get("/o/demo/scan/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nulmeting 2025" in html and "Scan voorjaar 2026" in html
    assert "Trend over rounds" in html and 'id="trend"' in html


def test_an_employee_sees_the_rounds_but_no_results_or_actions(employee_client):
    html = employee_client.get("/o/demo/scan/").content.decode()
    assert "Nulmeting 2025" in html and 'name="title"' not in html and 'id="trend"' not in html
    scan_round = ScanRound.objects.filter(organization__slug="demo").first()
    assert employee_client.get(f"/o/demo/scan/rounds/{scan_round.public_id}/").status_code == 403
    assert employee_client.post("/o/demo/scan/rounds/", {"title": "x"}).status_code == 403


def test_it_opens_a_round_and_shows_a_private_link_per_layer(admin_client, org):
    response = admin_client.post("/o/demo/scan/rounds/", {"title": "Najaar"})
    scan_round = ScanRound.objects.get(organization=org, title="Najaar")
    assert response["Location"] == f"/o/demo/scan/rounds/{scan_round.public_id}/"
    html = admin_client.get(response["Location"]).content.decode()
    for link in scan_round.links.all():
        assert f"/scan/r/{link.token}/" in html
    assert scan_round.links.count() == 4 and 'hx-trigger="every 5s"' in html


def test_it_refuses_a_round_without_a_title(admin_client, org):
    before = ScanRound.objects.count()
    admin_client.post("/o/demo/scan/rounds/", {"title": "  "})
    assert ScanRound.objects.count() == before


def test_the_live_counts_follow_the_answers(admin_client, open_round):
    url = f"/o/demo/scan/rounds/{open_round.public_id}/counts/"
    add_responses(open_round, Layer.EMPLOYEES, 6)
    add_responses(open_round, Layer.MANAGERS, 7)
    add_responses(open_round, Layer.BOARD, 2)
    html = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<dd data-count>7</dd>" in html
    assert "<dd data-count>fewer than 5</dd>" in html  # the board's 2
    # …and the employees' 6 not at all, or the total would give the board away: 15 − 7 − 6.
    assert "<dd data-count>not shown</dd>" in html and "<dd data-count>6</dd>" not in html
    assert "<dd data-count-total>15</dd>" in html


def test_it_emails_a_personal_link_to_every_member_once(admin_client, open_round, org):
    members = org.memberships.count()
    response = admin_client.post(f"/o/demo/scan/rounds/{open_round.public_id}/invite/")
    assert len(mail.outbox) == members
    job = Job.objects.get(kind=f"scan-invite:{open_round.public_id}")
    assert job.status == Job.Status.DONE and job.result == {"sent": members}
    page = admin_client.get(response["Location"]).content.decode()
    assert f'id="job-{job.pk}"' in page
    assert ScanInvitation.objects.filter(round=open_round).count() == members
    assert "/scan/r/p-" in mail.outbox[0].body
    layers = dict(ScanInvitation.objects.filter(round=open_round).values_list("membership__user__email", "layer"))
    assert layers["director@demo.example"] == "board" and layers["admin@demo.example"] == "hr"
    admin_client.post(f"/o/demo/scan/rounds/{open_round.public_id}/invite/")
    assert len(mail.outbox) == members  # nobody twice


def test_closing_shows_the_results_with_heatmap_and_gaps(admin_client, open_round):
    add_responses(open_round, Layer.MANAGERS, 5, 5)
    add_responses(open_round, Layer.EMPLOYEES, 5, 2)
    admin_client.post(f"/o/demo/scan/rounds/{open_round.public_id}/close/")
    open_round.refresh_from_db()
    assert open_round.status == "closed" and open_round.closed_at
    html = admin_client.get(f"/o/demo/scan/rounds/{open_round.public_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Perception gap" in html and "heat-4" in html and "heat-1" in html
    assert "Managers rate “Current situation” 75 points higher than employees (95% interval 75 to 75)." in html
    assert "/scan/r/" not in html  # the links are gone once closed


def test_answers_after_closing_are_refused(client, admin_client, open_round):
    from leerkoers.scan.tests.test_public import form_data

    link = open_round.links.get(layer="hr")
    admin_client.post(f"/o/demo/scan/rounds/{open_round.public_id}/close/")
    assert client.post(f"/scan/r/{link.token}/", form_data()).status_code == 410
    assert not ScanResponse.objects.filter(round=open_round).exists()


def test_the_journey_shows_the_scans_status_and_figures(admin_client):
    html = admin_client.get("/o/demo/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Readiness scan" in html and "Overall score" in html


def test_the_round_page_keeps_its_queries_bounded(admin_client, closed_round, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        assert admin_client.get(f"/o/demo/scan/rounds/{closed_round.public_id}/").status_code == 200


def test_the_trend_hides_a_round_with_too_few_respondents(admin_client, open_round):
    add_responses(open_round, Layer.EMPLOYEES, 3, 1)
    ScanRound.objects.filter(pk=open_round.pk).update(status=ScanRound.Status.CLOSED)
    html = admin_client.get("/o/demo/scan/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    trend = html[html.index("Trend over rounds") :]
    assert "Testronde" in trend and "not shown" in trend
    assert ">0<" not in trend  # their overall of 0 is not on the page
