"""The policy document in the API: start an export (a job), list and fetch versions, compare."""

import datetime
from typing import Literal
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from leerkoers.lib.api_body import JsonBody, body_schema, validate_body
from leerkoers.lib.api_schemas import ErrorOut
from leerkoers.orgs.access import LEADERSHIP, api_access
from leerkoers.policy import sections as s
from leerkoers.policy.models import PolicyExport
from leerkoers.policy.selectors import file_response, version_changes, versions
from leerkoers.policy.services import policy_export_start

router = Router(tags=["policy"])


class ExportIn(Schema):
    format: Literal["docx", "pdf"]
    language: Literal["nl", "en"] = "nl"
    sections: list[Literal[tuple(s.ORDER)]] | None = Field(
        None, description="the sections to include, in the organisation's order; all switched-on ones when left out"
    )


class ExportJobOut(Schema):
    job_id: UUID
    status_url: str = Field(description="GET it for the progress; its result names the version when done")


class PolicySectionOut(Schema):
    key: str
    title: str
    has_data: bool


class PolicyFigureOut(Schema):
    key: str
    label: str
    value: str
    number: float | None


class PolicyVersionOut(Schema):
    id: UUID
    number: int
    format: str
    language: str
    created_at: datetime.datetime
    as_of: datetime.date
    created_by: str | None
    filename: str
    size: int
    file_url: str


class PolicyVersionDetailOut(PolicyVersionOut):
    sections: list[PolicySectionOut]
    figures: list[PolicyFigureOut]


class PolicyChangeOut(Schema):
    key: str
    label: str
    old: str | None
    new: str | None
    kind: str


def _version_out(export: PolicyExport, org_slug: str, detail: bool = False) -> dict:
    out = {
        "id": export.public_id,
        "number": export.number,
        "format": export.format,
        "language": export.language,
        "created_at": export.created_at,
        "as_of": export.as_of,
        "created_by": export.created_by.display_name if export.created_by else None,
        "filename": export.filename,
        "size": export.size,
        "file_url": f"/api/v1/orgs/{org_slug}/policy/exports/{export.public_id}/file",
    }
    if detail:
        out |= {"sections": export.sections, "figures": export.figures}
    return out


@router.post(
    "/orgs/{org_slug}/policy/exports",
    response={202: ExportJobOut, 422: ErrorOut},
    summary="Make the policy document (a background task); poll the job",
    openapi_extra=body_schema(ExportIn),
)
def export_create(request, org_slug: str, payload: JsonBody):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    data = validate_body(ExportIn, payload)
    job = policy_export_start(
        organization=access.organization, actor=access.token or request.user,
        format=data.format, language=data.language, sections=data.sections,
    )  # fmt: skip
    return Status(202, {"job_id": job.pk, "status_url": f"/api/v1/orgs/{org_slug}/jobs/{job.pk}"})


@router.get(
    "/orgs/{org_slug}/policy/exports", response=list[PolicyVersionOut], summary="Versions of the policy document"
)
def export_list(request, org_slug: str):
    access = api_access(request, org_slug, LEADERSHIP)
    return [_version_out(export, org_slug) for export in versions(access.organization)]


@router.get(
    "/orgs/{org_slug}/policy/exports/{policy_export_uuid}",
    response=PolicyVersionDetailOut,
    summary="One version: its sections and figures",
)
def export_detail(request, org_slug: str, policy_export_uuid: UUID):
    access = api_access(request, org_slug, LEADERSHIP)
    export = access.get(PolicyExport, public_id=policy_export_uuid)
    return _version_out(export, org_slug, detail=True)


@router.get(
    "/orgs/{org_slug}/policy/exports/{policy_export_uuid}/file",
    summary="The file of one version (DOCX or PDF)",
    response={200: None},
)
def export_file(request, org_slug: str, policy_export_uuid: UUID):
    access = api_access(request, org_slug, LEADERSHIP)
    export = access.get(PolicyExport, public_id=policy_export_uuid)
    return file_response(export)


@router.get(
    "/orgs/{org_slug}/policy/compare",
    response={200: list[PolicyChangeOut], 422: ErrorOut},
    summary="The figures that changed between two versions (query: older, newer)",
)
def export_compare(request, org_slug: str, older: UUID | None = None, newer: UUID | None = None):
    access = api_access(request, org_slug, LEADERSHIP)
    if older is None or newer is None:
        raise HttpError(422, _("Name the two versions to compare: older and newer."))
    _older, _newer, found = version_changes(
        access.get(PolicyExport, public_id=older), access.get(PolicyExport, public_id=newer)
    )
    return [change.__dict__ for change in found]
