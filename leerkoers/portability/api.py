"""Export through the API: start one, follow it at /orgs/{org_slug}/jobs/{job_id}, download it."""

from typing import Literal
from uuid import UUID

from django.utils.translation import get_language
from ninja import Router, Schema, Status

from leerkoers.jobs.models import Job
from leerkoers.lib.api_body import JsonBody, body_schema, validate_body
from leerkoers.orgs.access import ADMINS, api_access
from leerkoers.portability import services

router = Router(tags=["portability"])


class OrgExportIn(Schema):
    format: Literal["json", "xlsx"] = "json"


class OrgExportOut(Schema):
    job_id: UUID
    status: str
    format: str


@router.post(
    "/orgs/{org_slug}/exports",
    response={202: OrgExportOut},
    summary="Start an export of all of the organisation's data",
    openapi_extra=body_schema(OrgExportIn),
)
def export_create(request, org_slug: str, payload: JsonBody):
    access = api_access(request, org_slug, ADMINS, write=True)
    data = validate_body(OrgExportIn, payload)
    job = services.export_start(
        organization=access.organization, fmt=data.format, actor=access.user or access.token, language=get_language()
    )
    job.refresh_from_db()
    return Status(202, {"job_id": job.pk, "status": job.status, "format": data.format})


@router.get("/orgs/{org_slug}/exports/{job_id}/download", summary="The file of a finished export")
def export_download(request, org_slug: str, job_id: UUID):
    access = api_access(request, org_slug, ADMINS)
    job = access.get(Job, pk=job_id, kind=services.EXPORT_KIND)
    return services.export_download(job, name=org_slug)
