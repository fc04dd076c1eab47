"""Bulk start: a draft learning plan for every team and a starter POP for every employee and
manager of the organisation who has none for the year, as one background task with progress.

Rows are written with bulk_create in chunks (each chunk one transaction), so that 5,000 POPs
take a few seconds rather than minutes; re-running it adds only what is still missing.
"""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from leerkoers.accounts.models import User
from leerkoers.audit.services import audit_record
from leerkoers.jobs.models import Job
from leerkoers.jobs.services import ProgressReporter, job_create, job_fail, job_finish
from leerkoers.orgs.models import Membership, Organization, Role, Team
from leerkoers.ownership import cycle
from leerkoers.ownership.models import Pop, PopGoal, TeamPlan

KIND = "ownership:bulk_start"
CHUNK = 1000


def bulk_start(*, organization, year: int, actor, progress=None) -> dict[str, int]:
    """Create what is missing for `year`; returns the counts created ({"plans", "pops"})."""
    with_plan = TeamPlan.objects.filter(organization=organization, year=year).values_list("team_id", flat=True)
    teams = list(
        Team.objects.filter(organization=organization, members__isnull=False)
        .exclude(pk__in=with_plan)
        .distinct()
        .values_list("pk", flat=True)
    )
    with_pop = Pop.objects.filter(organization=organization, year=year).values_list("member_id", flat=True)
    members = list(
        Membership.objects.filter(organization=organization, role__in=[Role.EMPLOYEE, Role.MANAGER])
        .exclude(pk__in=with_pop)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    total = len(teams) + len(members)
    with transaction.atomic():
        TeamPlan.objects.bulk_create(TeamPlan(organization=organization, team_id=team, year=year) for team in teams)
    done = len(teams)
    if progress is not None:
        progress(done, total)
    goals = [str(title) for title in cycle.STARTER_GOALS]
    for start in range(0, len(members), CHUNK):
        chunk = members[start : start + CHUNK]
        with transaction.atomic():
            pops = Pop.objects.bulk_create(Pop(organization=organization, member_id=m, year=year) for m in chunk)
            if not all(pop.pk for pop in pops):  # backends that return no keys (none of ours)
                pops = list(Pop.objects.filter(organization=organization, year=year, member_id__in=chunk))
            PopGoal.objects.bulk_create(
                PopGoal(organization=organization, pop=pop, title=title) for pop in pops for title in goals
            )
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    counts = {"plans": len(teams), "pops": len(members)}
    audit_record(
        organization=organization,
        actor=actor,
        action="ownership.bulk_start",
        summary=_("%(plans)s team plans and %(pops)s starter POPs for %(year)s") % {**counts, "year": year},
    )
    return counts


def bulk_start_begin(*, organization, year: int, actor) -> Job:
    """Start the bulk start in the background; the step page shows its progress."""
    job = job_create(organization=organization, kind=KIND, title=_("Starting plans for everyone"), created_by=actor)
    bulk_start_task.enqueue(organization.pk, year, str(job.pk), getattr(actor, "pk", None), translation.get_language())
    return job


def latest_job(organization) -> Job | None:
    return (
        Job.objects.filter(organization=organization, kind=KIND)
        .select_related("organization")
        .order_by("-created")
        .first()
    )


@task()
def bulk_start_task(organization_id: int, year: int, job_id: str, actor_id: int | None, language: str) -> None:
    with translation.override(language or settings.LANGUAGE_CODE):
        organization = Organization.objects.get(pk=organization_id)
        actor = User.objects.filter(pk=actor_id).first() if actor_id else None
        try:
            counts = bulk_start(organization=organization, year=year, actor=actor, progress=ProgressReporter(job_id))
        except Exception as exc:  # the job must end, whatever went wrong; the log has the traceback
            job_fail(job_id, message=str(exc))
            raise
        job_finish(
            job_id,
            result=counts,
            message=_("%(plans)s team plans and %(pops)s starter POPs created.") % counts,
        )
