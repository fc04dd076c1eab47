"""xAPI 1.0.3 statements through POST /api/v1/orgs/{org_slug}/xapi/statements and the command."""

import json
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from leerkoers.inventory.importing.keys import pseudonym
from leerkoers.inventory.models import Activity, Participation, XapiStatement
from leerkoers.orgs.services import api_token_create

URL = "/api/v1/orgs/demo/xapi/statements"
pytestmark = pytest.mark.django_db


@pytest.fixture
def lrs(org, admin_user):
    _token, raw = api_token_create(organization=org, name="lms", can_write=True, created_by=admin_user)
    return Client(headers={"authorization": f"Bearer {raw}", "accept-language": "en"})


def statement(**overrides):
    base = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": "mailto:leerling@elders.example"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
        "object": {"id": "https://lms.example/courses/privacy", "definition": {"name": {"nl-NL": "Privacy en AVG"}}},
        "result": {"score": {"scaled": 0.85}, "success": True, "duration": "PT1H30M"},
        "timestamp": "2026-02-03T10:15:00+01:00",
    }
    base.update(overrides)
    return base


def _post(client, payload):
    return client.post(URL, json.dumps(payload), content_type="application/json")


def test_it_stores_a_statement_as_a_participation(lrs, org):
    s = statement()
    response = _post(lrs, s)
    assert response.status_code == 200 and response.json() == [s["id"]]
    activity = Activity.objects.get(organization=org, external_id="https://lms.example/courses/privacy")
    assert activity.title == "Privacy en AVG" and activity.participation_count == 1
    record = Participation.objects.get(organization=org, activity=activity)
    assert record.person_key == pseudonym("leerling@elders.example")
    assert record.status == "completed" and str(record.completion_date) == "2026-02-03"
    assert str(record.score) == "85.00" and str(record.hours) == "1.50"


def test_it_is_idempotent_by_statement_id(lrs, org):
    s = statement()
    assert _post(lrs, s).status_code == 200
    assert _post(lrs, [s]).status_code == 200
    assert XapiStatement.objects.filter(organization=org, statement_id=s["id"]).count() == 1
    assert Participation.objects.filter(organization=org, statement_id=s["id"]).count() == 1


def test_it_answers_409_for_the_same_id_with_other_content(lrs, org):
    s = statement()
    _post(lrs, s)
    changed = {**s, "result": {"score": {"scaled": 0.1}}}
    response = _post(lrs, changed)
    assert response.status_code == 409 and response.json()["ids"] == [s["id"]]
    assert str(Participation.objects.get(organization=org, statement_id=s["id"]).score) == "85.00"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id": "not-a-uuid"}, "id"),
        ({"actor": {"name": "Geen mailbox"}}, "actor"),
        ({"verb": {"id": "completed"}}, "verb.id"),
        ({"object": {"id": "geen iri"}}, "object.id"),
        ({"timestamp": "gisteren"}, "timestamp"),
        ({"result": {"score": {"scaled": 1.5}}}, "result.score.scaled"),
        ({"result": {"score": {"raw": 120, "min": 0, "max": 100}}}, "result.score.raw"),
        ({"result": {"duration": "anderhalf uur"}}, "result.duration"),
    ],
)
def test_it_rejects_invalid_statements_and_stores_none_of_the_batch(lrs, org, change, field):
    good, bad = statement(), statement(**change)
    response = _post(lrs, [good, bad])
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "statement": 1,
        "field": field,
        "message": response.json()["errors"][0]["message"],
    }
    assert not XapiStatement.objects.filter(statement_id=good["id"]).exists()


def test_it_does_not_undo_a_completion_with_a_later_attempt(lrs, org):
    _post(lrs, statement())
    _post(lrs, statement(verb={"id": "http://adlnet.gov/expapi/verbs/attempted"}, result=None))
    record = Participation.objects.get(organization=org, activity__external_id="https://lms.example/courses/privacy")
    assert record.status == "completed"


def test_it_rejects_a_body_that_is_not_json(lrs):
    assert lrs.post(URL, "{nope", content_type="application/json").status_code == 400


def test_the_command_stores_statements_from_a_file(org, tmp_path):
    path = tmp_path / "statements.json"
    path.write_text(json.dumps([statement(), statement(actor={"account": {"homePage": "https://hr", "name": "E77"}})]))
    call_command("import_xapi", str(path), "--org", "demo")
    assert XapiStatement.objects.filter(organization=org).count() == 2
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([statement(id="x")]))
    with pytest.raises(CommandError):
        call_command("import_xapi", str(bad), "--org", "demo")


def test_a_completion_on_another_date_is_a_retake_and_an_attempt_completes_nothing_twice(lrs, org):
    registered = "http://adlnet.gov/expapi/verbs/registered"
    attempted = "http://adlnet.gov/expapi/verbs/attempted"
    assert (
        _post(lrs, statement(verb={"id": registered}, result={}, timestamp="2025-02-01T09:00:00Z")).status_code == 200
    )
    assert _post(lrs, statement(timestamp="2025-03-01T10:00:00Z")).status_code == 200  # completes the enrolment
    assert _post(lrs, statement(verb={"id": attempted}, result={}, timestamp="2025-04-01T10:00:00Z")).status_code == 200
    assert _post(lrs, statement(timestamp="2026-03-02T10:00:00Z")).status_code == 200  # the yearly refresher
    records = Participation.objects.filter(organization=org, person_key=pseudonym("leerling@elders.example"))
    assert sorted((str(r.completion_date), r.status) for r in records) == [
        ("2025-03-01", "completed"),
        ("2026-03-02", "completed"),
    ]
    assert (
        Activity.objects.get(organization=org, external_id="https://lms.example/courses/privacy").participation_count
        == 2
    )
