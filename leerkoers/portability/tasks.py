"""Background work: the export (with progress), and the daily deletion of organisations whose
grace period is over (the same as `manage.py orgs_delete_due`)."""

import logging
import os

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from leerkoers.jobs.models import Job
from leerkoers.jobs.services import ProgressReporter, job_fail, job_finish
from leerkoers.portability.services import deletions_due, export_directory, export_path, organization_export

logger = logging.getLogger(__name__)


@task()
def run_export(job_id: str, language: str = "nl") -> None:
    job = Job.objects.select_related("organization").get(pk=job_id)
    fmt = job.result.get("format", "json")
    with translation.override(language):
        try:
            os.makedirs(export_directory(job.organization), exist_ok=True)
            summary = organization_export(
                organization=job.organization, path=export_path(job), fmt=fmt, progress=ProgressReporter(job_id)
            )
        except Exception:
            logger.exception("export job %s failed", job_id)
            job_fail(job_id, message=_("The export failed unexpectedly; try again."), result={"format": fmt})
            raise
        url = reverse("portability:download", kwargs={"org_slug": job.organization.slug, "job_id": job.pk})
        message = _("%(rows)d rows of %(tables)d tables, %(files)d files") % {
            "rows": summary.rows, "tables": summary.tables, "files": summary.files,
        }  # fmt: skip
        job_finish(job_id, result={"format": fmt, "rows": summary.rows, "size": os.path.getsize(export_path(job))},
                   message=message, result_url=url)  # fmt: skip


@task()
def delete_due() -> list[str]:
    return deletions_due()
