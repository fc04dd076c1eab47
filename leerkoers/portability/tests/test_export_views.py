"""The export page: admins start an export (a background task with progress) and download it."""

import io
import json

import openpyxl
import pytest
from django.urls import reverse

from leerkoers.jobs.models import Job
from leerkoers.portability.exporting import SCHEMA_VERSION
from leerkoers.portability.services import EXPORT_KIND

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _start(client, org, fmt="json"):
    return client.post(reverse("portability:export", kwargs={"org_slug": org.slug}), {"format": fmt})


def _latest(org):
    return Job.objects.filter(organization=org, kind=EXPORT_KIND).latest("created")


def _download(client, org, job):
    url = reverse("portability:download", kwargs={"org_slug": org.slug, "job_id": job.pk})
    response = client.get(url)
    return response, b"".join(response.streaming_content) if response.status_code == 200 else b""


def test_it_exports_all_data_as_json_in_the_background_and_offers_the_download(admin_client, org):
    response = _start(admin_client, org)
    assert response.status_code == 302
    job = _latest(org)
    assert job.status == Job.Status.DONE and job.done == job.total > 0
    page = admin_client.get(reverse("portability:data", kwargs={"org_slug": org.slug}))
    assert f'id="job-{job.pk}"' in page.content.decode()
    response, body = _download(admin_client, org, job)
    assert response.status_code == 200
    document = json.loads(body)
    assert document["schema_version"] == SCHEMA_VERSION
    assert document["organization"]["slug"] == "demo"
    assert {"orgs.membership", "inventory.participation", "vision.visionrating"} <= set(document["tables"])
    emails = {u["email"] for u in document["users"]}
    assert "admin@demo.example" in emails and "admin@other.example" not in emails


def test_it_exports_a_workbook_with_a_sheet_per_table_and_formulas_neutralised(admin_client, org):
    from leerkoers.inventory.models import Activity

    Activity.objects.create(organization=org, title='=HYPERLINK("http://evil")', natural_key="x")
    _start(admin_client, org, "xlsx")
    response, body = _download(admin_client, org, _latest(org))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    assert {"export", "orgs.membership", "inventory.activity", "users", "files"} <= set(workbook.sheetnames)
    header = list(next(workbook["inventory.activity"].iter_rows(values_only=True)))
    titles = [
        row[header.index("title")] for row in workbook["inventory.activity"].iter_rows(min_row=2, values_only=True)
    ]
    assert '\'=HYPERLINK("http://evil")' in titles
    assert not any(isinstance(t, str) and t.startswith("=") for t in titles)


def test_it_refuses_an_unknown_format(admin_client, org):
    response = _start(admin_client, org, "csv")
    assert response.status_code == 422
    assert not Job.objects.filter(organization=org, kind=EXPORT_KIND).exists()


def test_it_keeps_only_the_latest_export_file(admin_client, org):
    _start(admin_client, org)
    first = _latest(org)
    _start(admin_client, org)
    assert _download(admin_client, org, first)[0].status_code == 404
    assert _download(admin_client, org, _latest(org))[0].status_code == 200


def test_it_refuses_the_export_to_every_role_but_admin(director_client, advisor_client, employee_client, org):
    for client in (director_client, advisor_client, employee_client):
        assert _start(client, org).status_code == 403
    assert not Job.objects.filter(organization=org, kind=EXPORT_KIND).exists()


def test_it_refuses_another_organisations_admin(admin_client, outsider_client, org, other_org):
    _start(admin_client, org)
    job = _latest(org)
    assert _start(outsider_client, org).status_code == 404
    assert _download(outsider_client, org, job)[0].status_code == 404
    # Their own organisation's address with demo's job: not found either.
    url = reverse("portability:download", kwargs={"org_slug": other_org.slug, "job_id": job.pk})
    assert outsider_client.get(url).status_code == 404


def test_it_starts_an_export_through_the_api_and_serves_the_file(admin_user, org):
    from leerkoers.orgs.services import api_token_create

    _token, raw = api_token_create(organization=org, name="backup", can_write=True, created_by=admin_user)
    from django.test import Client

    client = Client(headers={"authorization": f"Bearer {raw}"})
    response = client.post(f"/api/v1/orgs/{org.slug}/exports", {"format": "json"}, content_type="application/json")
    assert response.status_code == 202
    job_id = response.json()["job_id"]
    status = client.get(f"/api/v1/orgs/{org.slug}/jobs/{job_id}").json()
    assert status["status"] == "done"
    download = client.get(f"/api/v1/orgs/{org.slug}/exports/{job_id}/download")
    assert download.status_code == 200
    assert json.loads(b"".join(download.streaming_content))["organization"]["slug"] == "demo"
    bad = client.post(f"/api/v1/orgs/{org.slug}/exports", {"format": "pdf"}, content_type="application/json")
    assert bad.status_code == 422
