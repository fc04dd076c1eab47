"""Background imports: the UI and the API enqueue, the worker imports with progress."""

from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from leerkoers.inventory.importing.reader import ImportRefused
from leerkoers.inventory.models import ImportRun
from leerkoers.inventory.services import import_run_execute
from leerkoers.jobs.services import ProgressReporter, job_fail, job_finish


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
            job_fail(job_id, message=_("The import failed unexpectedly; nothing was written."))
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
