"""An organisation's data in its own hands: export, deletion after a grace period, and a
member's own data (download, and what removing a member leaves behind).

Export and deletion walk the plan of leerkoers/portability/registry.py: every table with a
foreign key to the organisation, found through the app registry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkoers.audit.models import AuditEvent
from leerkoers.audit.services import audit_record
from leerkoers.jobs.models import Job
from leerkoers.orgs.models import AdvisorGrant, Membership
from leerkoers.portability.exporting import encode, export_json, export_xlsx, file_path
from leerkoers.portability.models import DeletionRequest
from leerkoers.portability.registry import Plan, build_plan

EXPORT_KIND = "portability.export"
FORMATS = ("json", "xlsx")
CONTENT_TYPES = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# --- export --------------------------------------------------------------------------


def export_directory(organization) -> str:
    return os.path.join(settings.MEDIA_ROOT, "exports", str(organization.pk))


def export_path(job: Job) -> str:
    """Where the file of an export job lies; named by the job, never by anything a request sends."""
    extension = job.result.get("format", "json") if job.result else "json"
    return os.path.join(export_directory(job.organization), f"{job.pk}.{extension}")


def organization_export(*, organization, path: str, fmt: str, progress: Callable | None = None, plan=None):
    """Write all of the organisation's data to `path` as "json" or "xlsx"; returns the summary."""
    if fmt not in FORMATS:
        raise ValidationError(_("Choose JSON or XLSX."))
    partial = path + ".part"
    try:
        if fmt == "json":
            with open(partial, "w", encoding="utf-8") as out:
                summary = export_json(organization=organization, out=out, progress=progress, plan=plan)
        else:
            summary = export_xlsx(organization=organization, path=partial, progress=progress, plan=plan)
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return summary


def export_start(*, organization, fmt: str, actor, language: str = "nl") -> Job:
    """Start a background export of the organisation; earlier export files are removed
    (one copy of everything is enough to keep on the server)."""
    from leerkoers.portability.tasks import run_export

    if fmt not in FORMATS:
        raise ValidationError({"format": _("Choose JSON or XLSX.")})
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        job = Job(
            organization=organization, kind=EXPORT_KIND, created_by=user, result={"format": fmt},
            title=_("Export of all data (%(format)s)") % {"format": fmt.upper()},
        )  # fmt: skip
        job.full_clean()
        job.save()
        audit_record(organization=organization, actor=actor, action="organization.export", summary=fmt.upper())
    _remove_old_exports(organization, keep=job)
    run_export.enqueue(str(job.pk), language)
    return job


def _remove_old_exports(organization, *, keep: Job) -> None:
    directory = export_directory(organization)
    if not os.path.isdir(directory):
        return
    for name in os.listdir(directory):
        if not name.startswith(str(keep.pk)):
            os.remove(os.path.join(directory, name))


def export_file(job: Job) -> str | None:
    """The finished export file of a job, or None (not finished, failed, or removed since)."""
    if job.kind != EXPORT_KIND or job.status != Job.Status.DONE:
        return None
    path = export_path(job)
    return path if os.path.exists(path) else None


def export_download(job: Job, *, name: str) -> FileResponse:
    """The finished export of `job` as a download `<name>.<format>` (the page and the API
    serve it alike); 404 when it is not finished, failed, or removed since."""
    path = export_file(job)
    if path is None:
        raise Http404
    fmt = job.result["format"]
    return FileResponse(open(path, "rb"), as_attachment=True, filename=f"{name}.{fmt}", content_type=CONTENT_TYPES[fmt])


# --- deletion ------------------------------------------------------------------------


def pending_deletion(organization) -> DeletionRequest | None:
    return DeletionRequest.objects.filter(organization=organization, cancelled_at__isnull=True).first()


def deletion_request(*, organization, actor, confirmation: str) -> DeletionRequest:
    """Ask for the organisation's deletion, due after settings.ORG_DELETION_GRACE_DAYS.

    Refused unless `confirmation` is the organisation's short name (slug), typed, and when a
    deletion is pending already.
    """
    if confirmation.strip() != organization.slug:
        raise ValidationError(
            {"confirmation": _("Type the short name %(slug)s exactly to confirm.") % {"slug": organization.slug}}
        )
    with transaction.atomic():
        if pending_deletion(organization) is not None:
            raise ValidationError(_("The deletion of this organisation has been requested already."))
        request = DeletionRequest(
            organization=organization,
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
            due_at=timezone.now() + dt.timedelta(days=settings.ORG_DELETION_GRACE_DAYS),
        )
        request.full_clean()
        request.save()
        audit_record(
            organization=organization, actor=actor, action="organization.delete_request", target=request,
            summary=_("To be deleted on %(date)s") % {"date": timezone.localtime(request.due_at).date().isoformat()},
        )  # fmt: skip
    return request


def deletion_cancel(*, organization, actor) -> DeletionRequest:
    """Cancel the pending deletion; refused when none is pending."""
    with transaction.atomic():
        request = pending_deletion(organization)
        if request is None:
            raise ValidationError(_("No deletion of this organisation is pending."))
        request.cancelled_at = timezone.now()
        request.cancelled_by = actor if getattr(actor, "is_authenticated", False) else None
        request.save(update_fields=["cancelled_at", "cancelled_by"])
        audit_record(organization=organization, actor=actor, action="organization.delete_cancel", target=request)
    return request


@dataclass
class DeletionResult:
    name: str
    rows: dict[str, int]
    files: int
    tasks: int
    accounts_removed: int


def organization_delete(*, organization, actor=None, plan: Plan | None = None) -> DeletionResult:
    """Remove the organisation and everything of it: every table's rows (through the plan),
    its background jobs and their queued tasks, its files on disk (once the transaction has
    committed), and the accounts of people who belonged to nothing else. The audit trail
    keeps one event without organisation: who, when, and the organisation's name."""
    plan = plan or build_plan()
    name = organization.name
    files = _files_of(organization, plan)
    user_ids = set(Membership.objects.filter(organization=organization).values_list("user_id", flat=True))
    directories = [export_directory(organization), os.path.join(settings.MEDIA_ROOT, "imports", str(organization.pk))]
    rows: dict[str, int] = {}
    with transaction.atomic():
        tasks = _delete_queued_tasks(organization)
        for table in reversed(plan.tables):
            count = table.rows(organization).count()
            if count:
                table.rows(organization).delete()
            rows[table.label] = count
        organization.delete()
        # Recorded before the accounts go: the event keeps who asked by address (actor_label).
        audit_record(organization=None, actor=actor, action="organization.delete", summary=name)
        accounts = _remove_orphaned_accounts(user_ids)
    transaction.on_commit(lambda: _remove_files(files, directories))
    return DeletionResult(name=name, rows=rows, files=len(files), tasks=tasks, accounts_removed=accounts)


def _files_of(organization, plan: Plan) -> list[str]:
    found = []
    for table in plan.tables:
        if not table.file_fields:
            continue
        for values in table.rows(organization).values(*[f.name for f in table.file_fields]):
            for f in table.file_fields:
                if values[f.name]:
                    found.append(file_path(table, f, str(values[f.name])))
    return found


def _remove_files(files: list[str], directories: list[str]) -> None:
    for path in files:
        if os.path.exists(path):
            os.remove(path)
    for directory in directories:
        shutil.rmtree(directory, ignore_errors=True)


def _delete_queued_tasks(organization) -> int:
    """Remove the queued and finished task records of the organisation's jobs (a task gets its
    job's id as an argument), so that no worker starts work for an organisation that is gone."""
    from django_tasks_db.models import DBTaskResult

    job_ids = {str(pk) for pk in Job.objects.filter(organization=organization).values_list("pk", flat=True)}
    if not job_ids:
        return 0
    doomed = [
        task.pk
        for task in DBTaskResult.objects.only("pk", "args_kwargs").iterator()
        if job_ids & {str(arg) for arg in (task.args_kwargs or {}).get("args", [])}
    ]
    DBTaskResult.objects.filter(pk__in=doomed).delete()
    return len(doomed)


def _remove_orphaned_accounts(user_ids: set) -> int:
    """Delete the accounts of former members that belong to no other organisation (not
    advisors nor staff). An account another table must keep (a board's approval) is made
    anonymous instead: no name, no address, no log-in."""
    from django.db.models import ProtectedError

    from leerkoers.accounts.models import User

    removed = 0
    lonely = User.objects.filter(pk__in=user_ids, is_advisor=False, is_staff=False).exclude(
        pk__in=Membership.objects.values("user_id")
    )
    for user in lonely:
        try:
            with transaction.atomic():
                user.delete()
        except ProtectedError:
            _anonymise_account(user)
        removed += 1
    return removed


def _anonymise_account(user) -> None:
    digest = hashlib.sha256(f"{user.pk}:{user.email}".encode()).hexdigest()[:16]
    user.email = f"removed-{digest}@invalid"
    user.full_name = ""
    user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()


def deletions_due(*, now: dt.datetime | None = None) -> list[str]:
    """Carry out every pending deletion whose grace period is over; returns the names deleted.
    Run daily: `python manage.py orgs_delete_due` (docs/portability.md)."""
    now = now or timezone.now()
    names = []
    due = DeletionRequest.objects.filter(cancelled_at__isnull=True, due_at__lte=now).select_related(
        "organization", "requested_by"
    )
    for request in list(due):
        result = organization_delete(organization=request.organization, actor=request.requested_by)
        names.append(result.name)
    return names


# --- a member's own data ---------------------------------------------------------------

SECRET_WORDS = ("token", "hash", "salt", "password")


def _is_secret(f: models.Field) -> bool:
    return any(word in f.name for word in SECRET_WORDS)


def member_data(*, membership: Membership, plan: Plan | None = None) -> dict:
    """Everything the organisation holds about one member, for their own download.

    The profile and the membership; then, table by table, the rows that point at the member
    (their membership or their account) without secrets (tokens, hashes). Invitations to
    the scan and vision rounds and to pilot evaluation forms are counts only (how many, how many used): the answers are
    anonymous and nothing here can line them up with a person.
    """
    plan = plan or build_plan()
    organization, user = membership.organization, membership.user
    tables = {}
    included: dict = {}  # table label → pks of the member's rows, for `member_via`
    for table in plan.tables:
        via = table.declaration.member_via
        if via:
            parent = table.model._meta.get_field(via).related_model._meta.label_lower
            rows = table.rows(organization).filter(**{f"{via}__in": included.get(parent, [])})
            listed = _member_rows(table, rows)
            if listed:
                tables[table.label] = {"rows": listed}
            continue
        pointing = [
            f
            for f in table.fields
            if f.is_relation
            and (f.related_model is Membership or f.related_model._meta.label == settings.AUTH_USER_MODEL)
            and f.name != "id"
        ]
        if not pointing:
            continue
        query = models.Q()
        for f in pointing:
            query |= models.Q(**{f.name: membership if f.related_model is Membership else user})
        rows = table.rows(organization).filter(query)
        if table.declaration.member_data == "counts":
            used = rows.filter(used=True).count() if any(f.name == "used" for f in table.fields) else None
            tables[table.label] = {"count": rows.count(), **({"used": used} if used is not None else {})}
            continue
        included[table.label] = list(rows.values_list("pk", flat=True))
        listed = _member_rows(table, rows)
        if listed:
            tables[table.label] = {"rows": listed}
    return {
        "exported_at": timezone.now().isoformat(),
        "profile": {"email": user.email, "full_name": user.full_name, "date_joined": encode(user.date_joined)},
        "organization": {"name": organization.name, "slug": organization.slug},
        "membership": {
            "role": membership.role,
            "team": membership.team.name if membership.team_id else None,
            "employee_number": membership.employee_number,
            "created": encode(membership.created),
        },
        "advisor_grants": list(AdvisorGrant.objects.filter(advisor=user).values_list("organization__slug", flat=True)),
        "tables": tables,
    }


def _member_rows(table, rows) -> list[dict]:
    fields = [f for f in table.fields if not _is_secret(f)]
    return [
        {f.attname if f.is_relation else f.name: encode(f.value_from_object(obj)) for f in fields}
        for obj in rows.order_by("pk")
    ]


def member_data_json(*, membership: Membership) -> bytes:
    return json.dumps(member_data(membership=membership), ensure_ascii=False, indent=2).encode()


def member_data_erase(*, membership: Membership, plan: Plan | None = None) -> None:
    """What removing a member does to their personal data, before the membership goes.

    Fields declared `pseudonymise` in rows that point at the membership (a participation's
    e-mail address or employee number) become the keyed pseudonym that non-members get, so
    per-person and per-team figures stay what they were; the audit trail of the organisation
    names them by that pseudonym instead of their address. References to the membership are
    emptied by the database (owner, invitation); invitations keep whether they were used, so
    response rates do not change.
    """
    from leerkoers.inventory.importing.keys import pseudonym

    plan = plan or build_plan()
    organization, email = membership.organization, membership.user.email
    replacement = pseudonym(email)
    with transaction.atomic():
        for table in plan.tables:
            if not table.declaration.pseudonymise:
                continue
            links = [f for f in table.fields if f.is_relation and f.related_model is Membership]
            for f in links:
                for obj in table.rows(organization).filter(**{f.name: membership}):
                    for name in table.declaration.pseudonymise:
                        value = getattr(obj, name)
                        if value and not value.startswith("~"):
                            setattr(obj, name, pseudonym(value))
                    obj.save(update_fields=list(table.declaration.pseudonymise))
        events = AuditEvent.objects.filter(organization=organization)
        events.filter(actor=membership.user).update(actor=None, actor_label=replacement)
        events.filter(actor_label=email).update(actor_label=replacement)
        for event in events.filter(summary__icontains=email):
            event.summary = event.summary.replace(email, replacement)
            event.save(update_fields=["summary"])
