"""Import runs: an uploaded file on its way through upload → preview → check → import.

One service per step, used by the page and the API alike: `import_run_create` stores the
upload, `import_run_preview` reads its first rows, `import_run_check` validates every row
without writing (and may save the mapping), `import_run_start` claims the run and enqueues
`run_import`, which calls `import_run_execute` in the worker. The run's summary is written by
`_record` only.
"""

import datetime as dt
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from leerkoers.audit.services import audit_record
from leerkoers.inventory.importing.pipeline import import_file, open_file
from leerkoers.inventory.importing.rows import resolve_mapping
from leerkoers.inventory.models import ImportMapping, ImportRun
from leerkoers.jobs.services import ProgressReporter, job_create, job_fail, job_finish
from leerkoers.lib.tables import ImportRefused, ImportResult

logger = logging.getLogger(__name__)
STORED_EXTENSIONS = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def import_run_create(*, organization, kind: str, upload, mapping: dict | None = None, sheet: str = "", actor=None):
    """Store an uploaded file for the steps that follow; refuses files over the size limit."""
    if upload.size > settings.IMPORT_MAX_FILE_BYTES:
        raise ImportRefused(
            _("The file is larger than the limit of %(limit)d MB.")
            % {"limit": settings.IMPORT_MAX_FILE_BYTES // (1024 * 1024)}
        )
    directory = os.path.join(settings.MEDIA_ROOT, "imports", str(organization.pk))
    os.makedirs(directory, exist_ok=True)
    # The reader decides by content, but the extension of a known type is kept so that any
    # tool that goes by the name (openpyxl does) opens the stored file as well.
    extension = os.path.splitext(upload.name or "")[1].lower()
    path = os.path.join(directory, uuid.uuid4().hex + (extension if extension in STORED_EXTENSIONS else ""))
    with open(path, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return ImportRun.objects.create(
        organization=organization,
        kind=kind,
        filename=os.path.basename(upload.name or "upload")[:255],
        stored_path=path,
        size=upload.size,
        mapping=mapping or {},
        sheet=sheet[:100],
        created_by=_user(actor),
    )


@dataclass
class Preview:
    """The first rows of a run's file with the mapping that would be used."""

    header: list[str]
    header_row: int
    rows: list[tuple[int, list]]
    sheet: str
    sheets: list[str] = field(default_factory=list)
    mapping: list[tuple[str, str]] = field(default_factory=list)  # (column, field or "")


def import_run_preview(*, run, rows: int = 5) -> Preview:
    """The first rows of the file and the recognised (or saved) mapping.

    A file that cannot be read is of no use later: the run fails and the file goes at once
    (not after a day); ImportRefused says why."""
    try:
        table = open_file(path=run.stored_path, kind=run.kind, filename=run.filename, sheet=run.sheet)
    except (ImportRefused, FileNotFoundError) as exc:
        message = str(exc) if isinstance(exc, ImportRefused) else _("The uploaded file is gone.")
        import_run_fail(run=run, message=message)
        raise ImportRefused(message) from None
    try:
        mapping = resolve_mapping(table.header, run.mapping or None, run.kind)
        return Preview(
            header=table.header,
            header_row=table.header_row,
            rows=table.preview(rows),
            sheet=table.sheet,
            sheets=table.sheets,
            mapping=[(column, mapping.get(column, "")) for column in table.header],
        )
    finally:
        table.close()


def import_run_check(
    *, run, mapping: dict | None, sheet: str = "", save_as: str = "", keep_file: bool = True, actor=None
) -> ImportResult:
    """Check every row of the run's file with `mapping` (nothing of the import is written).

    The run keeps the mapping and sheet and, when the check could read the file, its report
    (status "checked"). `save_as` also saves the mapping under that name for later uploads.
    `keep_file=False` (the API's dry run, complete in itself) removes the file afterwards.
    Raises ImportRefused when the file or the mapping cannot be used; the run then keeps the
    mapping to correct it (or, without `keep_file`, fails)."""
    run.mapping = mapping or {}
    if sheet:
        run.sheet = sheet[:100]
    try:
        result = _import(run, dry_run=True)
    except ImportRefused as exc:
        if keep_file:
            run.save(update_fields=["mapping", "sheet"])
        else:
            import_run_fail(run=run, message=str(exc))
        raise
    if save_as:
        with transaction.atomic():
            ImportMapping.objects.update_or_create(
                organization=run.organization, kind=run.kind, name=save_as[:100], defaults={"mapping": run.mapping}
            )
            audit_record(
                organization=run.organization, actor=actor, action="inventory.mapping_save", summary=save_as[:200]
            )
    if not keep_file:
        remove_stored_file(run)
    _record(run, result, ImportRun.Status.VALIDATED)
    return result


def _import(run, **options) -> ImportResult:
    """The run's file imported (or, with dry_run, checked) with its mapping and sheet."""
    return import_file(
        kind=run.kind,
        organization=run.organization,
        path=run.stored_path,
        filename=run.filename,
        mapping=run.mapping or None,
        sheet=run.sheet,
        **options,
    )


def _record(run, result: ImportResult, status: str) -> None:
    """The one place a run's outcome is written: status, errors and summary."""
    run.status = status
    data = result.as_dict()
    run.errors = data.pop("errors")
    data.pop("header")
    run.summary = data
    run.save(update_fields=["mapping", "sheet", "status", "errors", "summary", "stored_path"])


def import_run_execute(*, run, progress: Callable | None = None, actor=None) -> ImportResult:
    """Import a run's stored file with its mapping and options; the result is kept on the run."""
    try:
        result = _import(run, skip_invalid=run.skip_invalid, actor=actor, progress=progress)
    except ImportRefused as exc:
        import_run_fail(run=run, message=str(exc))
        raise
    # The uploaded file is not kept once it has been imported (or refused): the summary and
    # the errors are on the run; a new attempt is a new upload.
    remove_stored_file(run)
    _record(run, result, ImportRun.Status.DONE if result.written else ImportRun.Status.FAILED)
    return result


def import_run_start(*, run, skip_invalid: bool, actor=None, language: str = "nl", checked: bool = True):
    """Start the background import of a run; returns the run, or None when it was started already.

    The run is claimed with one conditional UPDATE (status must still be the expected one), so
    that of twenty concurrent "Import" requests exactly one creates a job; `checked` says the
    run must have passed the check first (the page), otherwise a fresh upload may start (the API).
    """
    expected = ImportRun.Status.VALIDATED if checked else ImportRun.Status.UPLOADED
    with transaction.atomic():
        claimed = ImportRun.objects.filter(pk=run.pk, status=expected).update(
            status=ImportRun.Status.RUNNING, skip_invalid=skip_invalid
        )
        if not claimed:
            return None
        job = job_create(
            organization=run.organization,
            kind="inventory.import",
            title=_("Importing %(file)s") % {"file": run.filename},
            created_by=_user(actor),
        )
        ImportRun.objects.filter(pk=run.pk).update(job=job)
        audit_record(
            organization=run.organization, actor=actor, action="inventory.import_start", summary=run.filename[:200]
        )
    run_import.enqueue(run.pk, str(job.pk), language)
    run.refresh_from_db()
    return run


@task()
def run_import(run_id: int, job_id: str, language: str = "nl") -> None:
    """The worker's part of `import_run_start`: import with progress, finish or fail the job."""
    run = ImportRun.objects.select_related("organization").get(pk=run_id)
    with translation.override(language):
        reporter = ProgressReporter(job_id)
        try:
            result = import_run_execute(run=run, progress=reporter, actor=run.created_by)
        except ImportRefused as exc:
            job_fail(job_id, message=str(exc))
            return
        except Exception:
            # Whatever broke, the run and its job must not stay "running" with the file on
            # disk: both say what happened, the file goes (the import's transaction is undone).
            logger.exception("import run %s failed", run_id)
            message = _("The import failed unexpectedly; nothing was written.")
            run.refresh_from_db()
            import_run_fail(run=run, message=message)
            job_fail(job_id, message=message)
            raise
        url = reverse(
            "inventory:import_detail", kwargs={"org_slug": run.organization.slug, "import_run_uuid": run.uuid}
        )
        if result.written:
            message = _("%(created)d added, %(updated)d updated") % {
                "created": result.created,
                "updated": result.updated,
            }
            job_finish(job_id, result=run.summary, message=message, result_url=url)
        else:
            message = _("Nothing was imported: %(count)d rows are invalid.") % {"count": result.invalid_rows}
            job_fail(job_id, message=message, result=run.summary)


def import_runs_expire(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Remove the files of uploads never imported within `older_than`, and stray files.

    Runs still waiting (uploaded or checked) are marked failed with a message; files under
    MEDIA_ROOT/imports that no run refers to are removed once they are as old. Returns the
    number of files removed. Run daily (`manage.py imports_expire`, or the task of that name).
    """
    cutoff = timezone.now() - older_than
    removed = 0
    waiting = ImportRun.objects.filter(
        status__in=[ImportRun.Status.UPLOADED, ImportRun.Status.VALIDATED], created__lt=cutoff
    )
    for run in waiting:
        if run.stored_path and os.path.exists(run.stored_path):
            removed += 1
        import_run_fail(run=run, message=_("The upload expired before it was imported; upload it again."))
    kept = set(ImportRun.objects.exclude(stored_path="").values_list("stored_path", flat=True))
    root = os.path.join(settings.MEDIA_ROOT, "imports")
    for directory, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(directory, name)
            if path not in kept and os.path.getmtime(path) < cutoff.timestamp():
                os.remove(path)
                removed += 1
    return removed


def import_run_fail(*, run, message: str) -> None:
    """Mark a run failed with a message for the user (a refused file, a crashed task): the
    uploaded file is removed, nothing of the import is left written."""
    remove_stored_file(run)
    run.status = ImportRun.Status.FAILED
    run.summary = {"refused": message}
    run.save(update_fields=["mapping", "sheet", "status", "summary", "stored_path"])


def remove_stored_file(run) -> None:
    if run.stored_path and os.path.exists(run.stored_path):
        os.remove(run.stored_path)
    run.stored_path = ""
