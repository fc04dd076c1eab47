"""Malformed requests get a clear 4xx and change nothing — never a 500.

Each case was once a server error: ids and years outside what the database or `datetime` can
hold, JSON nested a thousand deep, hundreds of thousands of ids in one list, a multipart body
without its boundary, a mapping with a number where a column name belongs. Pages answer 400/404;
the API answers with its error shape `{"detail": ..., "errors": [...]}`.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from leerkoers.alignment.models import Kpi, LearningGoal, StrategicGoal
from leerkoers.audit.models import AuditEvent
from leerkoers.inventory.models import Activity, ImportRun
from leerkoers.orgs.models import Team
from leerkoers.orgs.services import api_token_create
from leerkoers.scan.models import ScanRound
from leerkoers.vision.models import VisionRound

pytestmark = pytest.mark.django_db

API = "/api/v1/orgs/demo"
HUGE = "99999999999999999999"  # > 2^64
JUST_TOO_BIG = str(2**63)


@pytest.fixture
def writer(org, admin_user):
    raw = api_token_create(organization=org, name="script", can_write=True, created_by=admin_user)[1]
    return Client(headers={"authorization": f"Bearer {raw}", "accept-language": "en"})


def _assert_api_error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["content-type"].startswith("application/json")
    assert isinstance(response.json()["detail"], str) and response.json()["detail"]


# --- years and ids in the query ---------------------------------------------------------


@pytest.mark.parametrize("year", ["0", "0000", "10000", "-5", "99999999999999999999"])
@pytest.mark.parametrize("path", ["activities", "activities/export"])
def test_it_refuses_a_year_out_of_range_on_pages(admin_client, path, year):
    response = admin_client.get(f"/o/demo/inventory/{path}/", {"year": year})
    assert response.status_code == 400
    assert "The year must be a number from 1900 to 2200." in response.content.decode()


def test_it_says_the_year_in_dutch_for_a_dutch_reader(admin_client):
    response = admin_client.get("/o/demo/inventory/activities/", {"year": "0"}, headers={"accept-language": "nl"})
    assert response.status_code == 400
    assert "Het jaar moet een getal van 1900 tot 2200 zijn." in response.content.decode()


def test_it_still_filters_by_a_real_year(admin_client, org):
    year = Activity.objects.filter(organization=org, start_date__isnull=False).first().start_date.year
    response = admin_client.get("/o/demo/inventory/activities/", {"year": str(year)})
    assert response.status_code == 200


@pytest.mark.parametrize("year", ["0", "10000", "-5", HUGE])
def test_it_refuses_a_year_out_of_range_in_the_api(writer, year):
    response = writer.get(f"{API}/activities", {"year": year})
    _assert_api_error(response, 422)
    assert response.json()["errors"][0]["field"] == "year"


@pytest.mark.parametrize("value", [HUGE, JUST_TOO_BIG, "0", "-1", "abc"])
@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/o/demo/inventory/activities/", "team"),
        ("/o/demo/inventory/activities/export/", "team"),
        ("/o/demo/inventory/participations/", "team"),
        ("/o/demo/inventory/participations/", "activity"),
    ],
)
def test_it_refuses_an_id_that_cannot_be_one_on_pages(admin_client, path, param, value):
    response = admin_client.get(path, {param: value})
    assert response.status_code == 400
    assert f"is not a valid value for {param}." in response.content.decode()


@pytest.mark.parametrize("value", [HUGE, JUST_TOO_BIG, "0"])
@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("activities", "team"),
        ("participations", "team"),
        ("participations", "activity"),
        ("kpis", "strategic_goal"),
    ],
)
def test_it_refuses_an_id_that_cannot_be_one_in_the_api(writer, path, param, value):
    response = writer.get(f"{API}/{path}", {param: value})
    _assert_api_error(response, 422)
    assert response.json()["errors"][0]["field"] == param


# --- ids in the path ------------------------------------------------------------------


@pytest.mark.parametrize("value", [HUGE, JUST_TOO_BIG])
def test_it_answers_404_for_a_path_id_beyond_the_database_on_pages(admin_client, value):
    for path in (
        f"/o/demo/inventory/activities/{value}/",
        f"/o/demo/alignment/kpis/{value}/",
        f"/o/demo/alignment/goals/{value}/",
        f"/o/demo/teams/{value}/",
    ):
        assert admin_client.get(path).status_code == 404, path


@pytest.mark.parametrize("value", [HUGE, JUST_TOO_BIG, "0"])
def test_it_answers_404_for_a_path_id_beyond_the_database_in_the_api(writer, org, value):
    kpi = Kpi.objects.filter(organization=org).first()
    for method, path in (
        ("delete", f"{API}/kpis/{value}/measurements/1"),
        ("delete", f"{API}/kpis/{kpi.pk}/measurements/{value}"),
        ("get", f"{API}/activities/{value}"),
        ("get", f"{API}/teams/{value}"),
        ("get", f"/api/v1/booking/advisors/{value}/slots?start=2030-01-01&end=2030-01-02"),
    ):
        response = getattr(writer, method)(path)
        _assert_api_error(response, 404)
        assert response.json() == {"detail": "Not found."}, path


# --- bodies ---------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [100, 900, 1000, 5000])
def test_it_refuses_json_nested_too_deeply(writer, org, depth):
    body = '{"title": "Deep", "goal": ' + "[" * depth + "]" * depth + "}"
    before = Activity.objects.filter(organization=org).count()
    response = writer.post(f"{API}/activities", body, content_type="application/json")
    _assert_api_error(response, 400)
    assert response.json()["detail"] == "The JSON is nested too deeply (at most 64 levels)."
    assert Activity.objects.filter(organization=org).count() == before


def test_it_refuses_deep_json_for_xapi_too(writer):
    body = "[" * 1000 + "]" * 1000
    response = writer.post(f"{API}/xapi/statements", body, content_type="application/json")
    _assert_api_error(response, 400)


def test_it_refuses_a_bare_string_as_a_body(writer, org):
    before = ScanRound.objects.filter(organization=org).count()
    response = writer.post(f"{API}/scan/rounds", '"AAA"', content_type="application/json")
    _assert_api_error(response, 400)
    assert ScanRound.objects.filter(organization=org).count() == before


def test_it_refuses_300000_teams_on_an_activity(writer, org):
    team = Team.objects.filter(organization=org).first()
    body = {"title": "Many teams", "teams": [team.pk] * 300_000}
    response = writer.post(f"{API}/activities", body, content_type="application/json")
    _assert_api_error(response, 400)
    assert not Activity.objects.filter(organization=org, title="Many teams").exists()


def test_it_refuses_more_ids_than_a_list_may_hold(writer, org):
    team = Team.objects.filter(organization=org).first()
    body = {"title": "Many teams", "teams": [team.pk] * 1001}
    response = writer.post(f"{API}/activities", body, content_type="application/json")
    _assert_api_error(response, 422)
    assert response.json()["errors"][0]["field"] == "teams"
    assert not Activity.objects.filter(organization=org, title="Many teams").exists()


@pytest.mark.parametrize("field", ["strategic_goals", "target_teams"])
@pytest.mark.parametrize("count", [1001, 300_000])
def test_it_refuses_a_learning_goal_with_too_many_ids(writer, org, field, count):
    goal = StrategicGoal.objects.filter(organization=org).first()
    team = Team.objects.filter(organization=org).first()
    one = goal.pk if field == "strategic_goals" else team.pk
    body = {"title": "Too many", field: [one] * count}
    response = writer.post(f"{API}/learning-goals", body, content_type="application/json")
    assert response.status_code in (400, 422)
    _assert_api_error(response, response.status_code)
    assert not LearningGoal.objects.filter(organization=org, title="Too many").exists()


def test_it_refuses_a_multipart_body_without_a_boundary(writer, org):
    before = ImportRun.objects.filter(organization=org).count()
    response = writer.generic(
        "POST",
        f"{API}/imports",
        b"--x\r\nContent-Disposition: form-data; name=kind\r\n\r\nactivities\r\n--x--\r\n",
        content_type="multipart/form-data",
    )
    _assert_api_error(response, 400)
    assert ImportRun.objects.filter(organization=org).count() == before


@pytest.mark.parametrize("mapping", [{"title": 5}, {"title": ["Titel"]}, {"title": None}, {"5": {"a": 1}}])
def test_it_refuses_an_import_mapping_whose_values_are_not_column_names(writer, org, mapping):
    upload = SimpleUploadedFile("a.csv", b"Titel;Kosten\nCursus;10\n", content_type="text/csv")
    response = writer.post(
        f"{API}/imports", {"file": upload, "kind": "activities", "mapping": json.dumps(mapping), "dry_run": "true"}
    )
    _assert_api_error(response, 422)
    assert response.json()["detail"] == "mapping must be a JSON object of field names to column names."


# --- scan rounds with a token -----------------------------------------------------------


def test_it_opens_a_scan_round_with_a_read_write_token(writer, org):
    response = writer.post(f"{API}/scan/rounds", {"title": "Via de API"}, content_type="application/json")
    assert response.status_code == 201, response.content[:300]
    scan_round = ScanRound.objects.get(organization=org, title="Via de API")
    assert scan_round.opened_by is None  # a token is no person; the audit log names it
    assert len(response.json()["links"]) == scan_round.links.count() > 0
    event = AuditEvent.objects.get(organization=org, action="scan.round_open", object_id=str(scan_round.pk))
    assert event.actor_label.startswith("API token script")


def test_it_closes_a_scan_round_with_a_read_write_token(writer, org):
    round_id = writer.post(f"{API}/scan/rounds", {"title": "Open en dicht"}, content_type="application/json").json()[
        "id"
    ]
    response = writer.post(f"{API}/scan/rounds/{round_id}/close")
    assert response.status_code == 200 and response.json()["status"] == "closed"


def test_it_opens_a_vision_round_with_a_read_write_token(writer, org):
    body = {"title": "Visie via de API", "closes_on": "2099-12-31"}
    response = writer.post(f"{API}/vision/rounds", body, content_type="application/json")
    assert response.status_code == 201, response.content[:300]
    assert VisionRound.objects.get(organization=org, title="Visie via de API").opened_by is None
