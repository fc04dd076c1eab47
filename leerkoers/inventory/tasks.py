"""Background imports: the UI and the API enqueue, the worker imports with progress."""

import logging

from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from leerkoers.inventory.importing.reader import ImportRefused
from leerkoers.inventory.models import ImportRun
from leerkoers.inventory.services import import_run_execute, import_run_fail
from leerkoers.jobs.services import ProgressReporter, job_fail, job_finish

logger = logging.getLogger(__name__)


@task()
def run_import(run_id: int, job_id: str, language: str = "nl") -> None:
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
        from django.urls import reverse

        url = reverse(
            "inventory:import_detail", kwargs={"org_slug": run.organization.slug, "import_run_uuid": run.uuid}
        )
        if result.written:
            job_finish(job_id, result=run.summary, message=_("%(created)d added, %(updated)d updated")
                       % {"created": result.created, "updated": result.updated}, result_url=url)  # fmt: skip
        else:
            job_fail(job_id, message=_("Nothing was imported: %(count)d rows are invalid.") % {"count": result.invalid_rows},
                     result=run.summary)  # fmt: skip


@task()
def refresh_analysis(organization_id: int) -> None:
    """Compute the analysis after a change (enqueued by `selectors.bump_revision` on commit),
    so that the first visitor of the step's page reads it from the cache."""
    from leerkoers.inventory import selectors
    from leerkoers.orgs.models import Organization

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is not None:
        selectors.store_analysis(organization)
    selectors.refresh_done(organization_id)


@task()
def imports_expire() -> int:
    """The daily clean-up of uploads never imported (services.import_runs_expire)."""
    from leerkoers.inventory.services import import_runs_expire

    return import_runs_expire()
