"""The inventory API: activities and participations CRUD, exports, imports, analysis."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from leerkoers.inventory.models import Activity, ImportRun, Participation
from leerkoers.inventory.tests.files import activity_rows, write_csv
from leerkoers.orgs.models import Team
from leerkoers.orgs.services import api_token_create

API = "/api/v1/orgs/demo"
pytestmark = pytest.mark.django_db


def _token_client(org, user, *, can_write):
    _token, raw = api_token_create(organization=org, name="test", can_write=can_write, created_by=user)
    return Client(headers={"authorization": f"Bearer {raw}", "accept-language": "en"})


@pytest.fixture
def writer(org, admin_user):
    return _token_client(org, admin_user, can_write=True)


@pytest.fixture
def reader(org, admin_user):
    return _token_client(org, admin_user, can_write=False)


def test_it_lists_activities_paginated_with_filters(reader, org, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        body = reader.get(f"{API}/activities", {"limit": 3, "q": "klant", "sort": "title"}).json()
    assert body["count"] == Activity.objects.filter(organization=org, title__icontains="klant").count()
    assert len(body["items"]) == min(3, body["count"])
    first = body["items"][0]
    assert set(first) >= {
        "id",
        "title",
        "kind",
        "provider",
        "initiator",
        "teams",
        "start_date",
        "end_date",
        "participants",
        "hours_per_participant",
        "cost",
        "goal",
        "result",
        "external_id",
    }
    assert reader.get(f"{API}/activities", {"sort": "password"}).status_code == 422


def test_it_creates_reads_updates_and_deletes_an_activity(writer, org):
    team = Team.objects.filter(organization=org).first()
    created = writer.post(
        f"{API}/activities",
        {
            "title": "API-training",
            "kind": "workshop",
            "initiator": "manager",
            "teams": [team.pk],
            "cost": "99.50",
            "external_id": "API-1",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["teams"] == [team.pk] and data["cost"] == "99.50"
    url = f"{API}/activities/{data['id']}"
    assert writer.get(url).json()["title"] == "API-training"
    updated = writer.put(url, {"title": "API-training 2", "kind": "training"}, content_type="application/json")
    assert updated.status_code == 200 and updated.json()["teams"] == []
    assert writer.delete(url).status_code == 204
    assert not Activity.objects.filter(pk=data["id"]).exists()


def test_it_rejects_bad_activity_input_as_json(writer):
    response = writer.post(f"{API}/activities", {"title": "", "cost": "-5"}, content_type="application/json")
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} >= {"title", "cost"}


def test_it_refuses_writes_to_a_read_only_token(reader):
    response = reader.post(f"{API}/activities", {"title": "x"}, content_type="application/json")
    assert response.status_code == 403


def test_it_refuses_a_duplicate_external_id(writer, org):
    existing = Activity.objects.filter(organization=org).exclude(external_id="").first()
    response = writer.post(
        f"{API}/activities", {"title": "Dubbel", "external_id": existing.external_id}, content_type="application/json"
    )
    assert response.status_code == 409


def test_it_manages_participations(writer, org):
    activity = Activity.objects.filter(organization=org).first()
    created = writer.post(
        f"{API}/participations",
        {"activity": activity.pk, "person": "extern@elders.example", "status": "completed", "hours": "2.5"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["person_key"].startswith("~") and data["member"] is None
    again = writer.post(
        f"{API}/participations",
        {"activity": activity.pk, "person": "EXTERN@elders.example"},
        content_type="application/json",
    )
    assert again.status_code == 409
    listed = writer.get(f"{API}/participations", {"activity": activity.pk, "limit": 500}).json()
    assert data["id"] in [p["id"] for p in listed["items"]]
    assert writer.delete(f"{API}/participations/{data['id']}").status_code == 204
    activity.refresh_from_db()
    assert activity.participation_count == Participation.objects.filter(activity=activity).count()


def test_it_exports_with_formulas_neutralised(writer, org):
    Activity.objects.create(organization=org, title="+SUM(A1:A9)", natural_key="f")
    response = writer.get(f"{API}/activities/export", {"format": "csv"})
    assert "'+SUM(A1:A9)" in b"".join(response.streaming_content).decode("utf-8-sig")
    assert writer.get(f"{API}/activities/export", {"format": "pdf"}).status_code == 422


def test_it_checks_an_upload_without_writing_in_a_dry_run(writer, org, tmp_path):
    data = Path(write_csv(tmp_path, activity_rows())).read_bytes()
    response = writer.post(
        f"{API}/imports", {"kind": "activities", "file": SimpleUploadedFile("a.csv", data), "dry_run": "true"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["valid_rows"] == 2 and not response.json()["written"]
    assert ImportRun.objects.filter(organization=org).latest("created").stored_path == ""  # not kept
    assert not Activity.objects.filter(organization=org, external_id="A-1").exists()


def test_it_imports_an_upload_in_the_background_and_can_be_polled(writer, org, tmp_path):
    rows = activity_rows()
    rows[2][5] = "gisteren"
    data = Path(write_csv(tmp_path, rows)).read_bytes()
    response = writer.post(f"{API}/imports", {"kind": "activities", "file": SimpleUploadedFile("a.csv", data)})
    assert response.status_code == 202, response.content
    body = response.json()
    job = writer.get(f"{API}/jobs/{body['job']}").json()
    assert job["status"] == "failed"  # all or nothing: one bad row
    detail = writer.get(f"{API}/imports/{body['id']}").json()
    assert detail["errors"][0]["row"] == 3 and detail["errors"][0]["column"] == "Startdatum"
    assert not Activity.objects.filter(organization=org, external_id="A-1").exists()
    assert ImportRun.objects.get(uuid=body["id"]).status == "failed"


def test_it_refuses_an_upload_of_junk_as_json(writer):
    response = writer.post(f"{API}/imports", {"kind": "activities", "file": SimpleUploadedFile("a.csv", b"\x00" * 50)})
    assert response.status_code == 202  # stored; the task refuses it
    assert writer.get(f"{API}/jobs/{response.json()['job']}").json()["message"].startswith("The file contains binary")


def test_it_gives_the_analysis_figures(reader):
    body = reader.get(f"{API}/analysis").json()
    assert body["activities"] > 0
    assert body["overlaps"] and body["overlaps"][0]["spend"]
    assert body["with_goal"]["total"] == body["activities"]
    assert body["starting_point"]


def test_it_counts_participations_from_the_kept_counts_and_they_agree(reader, org, django_assert_max_num_queries):
    activity = Activity.objects.filter(organization=org, participation_count__gt=0).first()
    with django_assert_max_num_queries(8):
        everything = reader.get(f"{API}/participations", {"limit": 5}).json()
    assert everything["count"] == Participation.objects.filter(organization=org).count()
    one = reader.get(f"{API}/participations", {"activity": activity.pk, "limit": 500}).json()
    assert one["count"] == Participation.objects.filter(activity=activity).count() == len(one["items"])
    done = reader.get(f"{API}/participations", {"status": "completed", "limit": 1}).json()
    assert done["count"] == Participation.objects.filter(organization=org, status="completed").count()
    assert reader.get(f"{API}/participations", {"limit": 0}).status_code == 422
