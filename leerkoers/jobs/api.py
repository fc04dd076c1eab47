from uuid import UUID

from ninja import Router, Schema

from leerkoers.jobs.models import Job
from leerkoers.orgs.access import EVERYONE, api_access

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: UUID
    kind: str
    title: str
    status: str
    done: int
    total: int | None
    percent: int | None
    message: str
    result: dict


@router.get("/orgs/{org_slug}/jobs/{job_id}", response=JobOut, summary="Progress and outcome of a background task")
def job_detail(request, org_slug: str, job_id: UUID):
    access = api_access(request, org_slug, EVERYONE)
    return access.get(Job, pk=job_id)
