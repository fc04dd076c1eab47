"""The export as a background task: builds and renders the document with progress."""

import logging

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from leerkoers.jobs.services import ProgressReporter, job_fail, job_finish

logger = logging.getLogger(__name__)


@task()
def export_task(
    job_id: str,
    organization_id: int,
    actor_id: int | None,
    token_id: int | None,
    format: str,
    language: str,
    sections: list[str] | None,
) -> None:
    from leerkoers.accounts.models import User
    from leerkoers.orgs.models import ApiToken, Organization
    from leerkoers.policy.services import policy_export_create

    organization = Organization.objects.get(pk=organization_id)
    actor = (
        User.objects.filter(pk=actor_id).first()
        if actor_id
        else ApiToken.objects.filter(pk=token_id, organization=organization).first()
        if token_id
        else None
    )
    with translation.override(language):
        reporter = ProgressReporter(job_id)
        try:
            export = policy_export_create(
                organization=organization,
                actor=actor,
                format=format,
                language=language,
                sections=sections,
                progress=lambda done, total: reporter(done, total, _("Building the document")),
            )
        except Exception:
            # The job must not stay "running": it says what happened; no version was kept.
            logger.exception("policy export for organisation %s failed", organization_id)
            job_fail(job_id, message=_("The document could not be made; no version was kept."))
            raise
        url = reverse("policy:download", kwargs={"org_slug": organization.slug, "policy_export_id": export.public_id})
        job_finish(
            job_id,
            result={"export": str(export.public_id), "version": export.number, "size": export.size},
            message=_("Version %(number)d is ready") % {"number": export.number},
            result_url=url,
        )
