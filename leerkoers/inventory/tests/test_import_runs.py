"""The import run's lifecycle: one job however often "Import" is pressed, refused uploads
removed at once, uploads never imported removed after a day."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from leerkoers.audit.models import AuditEvent
from leerkoers.inventory.importing.runs import import_run_start
from leerkoers.inventory.models import ImportRun
from leerkoers.inventory.tests.files import activity_rows, write_csv
from leerkoers.jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _uploaded(admin_client, tmp_path, data=None):
    data = Path(write_csv(tmp_path, activity_rows())).read_bytes() if data is None else data
    response = admin_client.post(
        reverse("inventory:import", kwargs={"org_slug": "demo"}),
        {"kind": "activities", "file": SimpleUploadedFile("a.csv", data)},
    )
    return ImportRun.objects.latest("created"), response["Location"]


def test_it_starts_one_job_for_a_checked_run_however_often_it_is_claimed(admin_client, org, tmp_path):
    run, url = _uploaded(admin_client, tmp_path)
    page = admin_client.get(url)
    admin_client.post(url, {"check": "1", **{f"map:{c}": f for c, f in page.context["mapping"]}})
    # Two requests that both read the run while it was still "checked" (as concurrent ones do).
    first, second = ImportRun.objects.get(pk=run.pk), ImportRun.objects.get(pk=run.pk)
    jobs_before = Job.objects.count()
    assert import_run_start(run=first, skip_invalid=False, actor=None) is not None
    assert import_run_start(run=second, skip_invalid=False, actor=None) is None
    assert Job.objects.count() == jobs_before + 1
    run.refresh_from_db()
    assert run.status == "done" and run.summary["created"] == 2
    assert admin_client.post(url, {"import": "1"}).status_code in (200, 302)
    assert Job.objects.count() == jobs_before + 1
    assert AuditEvent.objects.filter(organization=org, action="inventory.import_start").count() == 1


def test_it_removes_a_refused_upload_at_once(admin_client, tmp_path, media):
    run, url = _uploaded(admin_client, tmp_path, data=bytes(range(256)) * 50)
    stored = Path(run.stored_path)
    assert stored.exists()
    page = admin_client.get(url)
    assert "binary data" in page.content.decode()
    run.refresh_from_db()
    assert run.status == "failed" and run.stored_path == "" and not stored.exists()


def test_it_removes_uploads_never_imported_after_a_day(admin_client, tmp_path, media):
    old, _url = _uploaded(admin_client, tmp_path)
    fresh, _url = _uploaded(admin_client, tmp_path)
    ImportRun.objects.filter(pk=old.pk).update(created=timezone.now() - dt.timedelta(hours=25))
    stray = Path(media) / "imports" / "999" / "left-behind.csv"
    stray.parent.mkdir(parents=True)
    stray.write_text("x")
    day_old = (timezone.now() - dt.timedelta(hours=25)).timestamp()
    os.utime(stray, (day_old, day_old))
    call_command("imports_expire")
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == "failed" and old.stored_path == "" and "expired" in old.summary["refused"]
    assert fresh.status == "uploaded" and Path(fresh.stored_path).exists()
    assert not stray.exists()
