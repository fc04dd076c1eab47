"""Deleting an organisation: typed confirmation, a grace period an admin can cancel, then
everything of it removed (rows table by table, files, jobs and their tasks); the audit trail
keeps only that it happened; the other organisation is untouched."""

import datetime as dt
import io
import os

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from leerkoers.accounts.models import User
from leerkoers.audit.models import AuditEvent
from leerkoers.inventory.importing.runs import import_run_create
from leerkoers.inventory.models import ImportKind
from leerkoers.jobs.models import Job
from leerkoers.orgs.models import Organization
from leerkoers.portability.models import DeletionRequest
from leerkoers.portability.registry import ORGANIZATION
from leerkoers.portability.services import export_path, export_start, organization_delete
from leerkoers.portability.tests.helpers import export_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _queued_task(job):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.create(
        args_kwargs={"args": [str(job.pk), "nl"], "kwargs": {}}, task_path="leerkoers.portability.tasks.run_export",
        backend_name="default", run_after=timezone.now(), exception_class_path="", traceback="",
    )  # fmt: skip


def _without_time(document):
    return {k: v for k, v in document.items() if k != "exported_at"}


def test_it_removes_every_row_file_and_task_of_demo_and_leaves_demo_other_untouched(
    org, other_org, admin_user, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("lms.csv", b"email;title\r\na@b.example;Training\r\n")
    run = import_run_create(organization=org, kind=ImportKind.PARTICIPATIONS, upload=upload, actor=admin_user)
    job = export_start(organization=org, fmt="json", actor=admin_user)
    export_file = export_path(job)
    task = _queued_task(job)
    assert os.path.exists(run.stored_path) and os.path.exists(export_file)
    other_before = _without_time(export_document(other_org))
    demo_pk, demo_name = org.pk, org.name

    with django_capture_on_commit_callbacks(execute=True):
        result = organization_delete(organization=org, actor=admin_user)

    assert result.rows["inventory.participation"] > 0
    leftovers = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            refers = f.is_relation and f.related_model._meta.label == ORGANIZATION
            if refers and model._base_manager.filter(**{f.attname: demo_pk}).exists():
                leftovers.append(f"{model._meta.label}.{f.name}")
    assert leftovers == []
    assert not Organization.objects.filter(pk=demo_pk).exists()
    assert not os.path.exists(run.stored_path) and not os.path.exists(export_file)
    assert not type(task).objects.filter(pk=task.pk).exists()
    assert not Job.objects.filter(pk=job.pk).exists()
    event = AuditEvent.objects.get(action="organization.delete")
    assert (event.organization, event.actor_label, event.summary) == (None, "admin@demo.example", demo_name)
    assert (
        not AuditEvent.objects.filter(organization__isnull=True)
        .exclude(pk=event.pk)
        .filter(summary__icontains=demo_name)
        .exists()
    )
    # Accounts that belonged to demo only are gone; the advisor's stays.
    assert not User.objects.filter(email="employee@demo.example").exists()
    assert User.objects.filter(email="advisor@demo.example").exists()
    assert _without_time(export_document(other_org)) == other_before


def _post(client, org, name, data=None):
    return client.post(reverse(f"portability:{name}", kwargs={"org_slug": org.slug}), data or {})


def test_it_asks_for_the_short_name_typed_before_it_schedules_the_deletion(admin_client, org, settings):
    settings.ORG_DELETION_GRACE_DAYS = 30
    response = _post(admin_client, org, "delete", {"confirmation": "Zorggroep Demo"})
    assert response.status_code == 422
    assert "Type the short name demo exactly to confirm." in response.content.decode()
    assert not DeletionRequest.objects.filter(organization=org).exists()

    response = _post(admin_client, org, "delete", {"confirmation": "demo"})
    assert response.status_code == 302
    request = DeletionRequest.objects.get(organization=org)
    assert abs(request.due_at - (timezone.now() + dt.timedelta(days=30))) < dt.timedelta(minutes=1)
    page = admin_client.get(reverse("portability:data", kwargs={"org_slug": org.slug})).content.decode()
    assert "This organisation will be deleted on" in page
    assert AuditEvent.objects.filter(organization=org, action="organization.delete_request").exists()
    assert _post(admin_client, org, "delete", {"confirmation": "demo"}).status_code == 422


def test_it_deletes_only_when_the_grace_period_is_over(admin_client, org):
    _post(admin_client, org, "delete", {"confirmation": "demo"})
    call_command("orgs_delete_due", stdout=io.StringIO())
    assert Organization.objects.filter(slug="demo").exists()

    DeletionRequest.objects.filter(organization=org).update(due_at=timezone.now() - dt.timedelta(seconds=1))
    call_command("orgs_delete_due", stdout=io.StringIO())
    assert not Organization.objects.filter(slug="demo").exists()
    assert Organization.objects.filter(slug="demo-other").exists()


def test_it_lets_an_admin_cancel_the_deletion(admin_client, org):
    _post(admin_client, org, "delete", {"confirmation": "demo"})
    assert _post(admin_client, org, "delete_cancel").status_code == 302
    DeletionRequest.objects.filter(organization=org).update(due_at=timezone.now() - dt.timedelta(days=1))
    call_command("orgs_delete_due", stdout=io.StringIO())
    assert Organization.objects.filter(slug="demo").exists()
    assert AuditEvent.objects.filter(organization=org, action="organization.delete_cancel").exists()
    # Cancelled: it can be asked for again.
    assert _post(admin_client, org, "delete", {"confirmation": "demo"}).status_code == 302


def test_it_refuses_deletion_to_other_roles_and_to_another_organisations_admin(
    director_client, advisor_client, outsider_client, org
):
    assert _post(director_client, org, "delete", {"confirmation": "demo"}).status_code == 403
    assert _post(advisor_client, org, "delete", {"confirmation": "demo"}).status_code == 403
    assert _post(outsider_client, org, "delete", {"confirmation": "demo"}).status_code == 404
    assert not DeletionRequest.objects.exists()
    DeletionRequest.objects.create(organization=org, due_at=timezone.now() + dt.timedelta(days=3))
    assert _post(outsider_client, org, "delete_cancel").status_code == 404
    assert _post(director_client, org, "delete_cancel").status_code == 403
    assert DeletionRequest.objects.get(organization=org).is_pending
