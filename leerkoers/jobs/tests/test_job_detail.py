import uuid

import pytest
from django.urls import reverse

from leerkoers.jobs.models import Job
from leerkoers.jobs.services import ProgressReporter, job_create, job_fail, job_finish


@pytest.fixture
def job(org, admin_user):
    return job_create(organization=org, kind="import", title="Import of activities", created_by=admin_user, total=200)


def _url(job):
    return reverse("jobs:detail", args=[job.organization.slug, job.pk])


def test_it_shows_a_running_job_as_a_polling_fragment_for_htmx(employee_client, job):
    ProgressReporter(job.pk)(50, message="Row 50")
    response = employee_client.get(_url(job), headers={"hx-request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page  # a fragment, not a page
    assert 'hx-trigger="every 1s"' in page and 'aria-valuenow="25"' in page
    assert "Running" in page and "50 / 200" in page and "Row 50" in page


def test_it_stops_polling_when_the_job_is_finished(employee_client, job):
    job_finish(job.pk, result={"rows": 200}, message="200 activities imported", result_url="/o/demo/")
    page = employee_client.get(_url(job), headers={"hx-request": "true"}).content.decode()
    assert "hx-trigger" not in page
    assert 'aria-valuenow="100"' in page and "200 activities imported" in page
    assert 'href="/o/demo/"' in page


def test_it_shows_a_failure(employee_client, job):
    job_fail(job.pk, message="Row 7: the date is not valid")
    page = employee_client.get(_url(job)).content.decode()
    assert "<html" in page and "Failed" in page and "Row 7: the date is not valid" in page
    assert "progress__bar--failed" in page


def test_it_throttles_progress_writes(job):
    report = ProgressReporter(job.pk, every_seconds=60)
    report(10)
    report(20)  # within the interval: not written
    assert Job.objects.get(pk=job.pk).done == 10
    report(30, force=True)
    assert Job.objects.get(pk=job.pk).done == 30


def test_it_answers_the_job_as_json(admin_client, job):
    ProgressReporter(job.pk)(100)
    response = admin_client.get(f"/api/v1/orgs/demo/jobs/{job.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "running" and body["percent"] == 50 and body["done"] == 100 and body["total"] == 200


def test_it_answers_an_unknown_or_malformed_job_id(admin_client, org):
    assert admin_client.get(reverse("jobs:detail", args=["demo", uuid.uuid4()])).status_code == 404
    assert admin_client.get(f"/api/v1/orgs/demo/jobs/{uuid.uuid4()}").status_code == 404
    # A path value that cannot be an id names nothing: the same 404 as a missing job.
    response = admin_client.get("/api/v1/orgs/demo/jobs/not-a-uuid")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def test_it_hides_another_organisations_job(outsider_client, job):
    assert outsider_client.get(_url(job)).status_code == 404
    assert outsider_client.get(f"/api/v1/orgs/demo-other/jobs/{job.pk}").status_code == 404
