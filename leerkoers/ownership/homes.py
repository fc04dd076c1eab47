"""The homes of a manager and of an employee: what is theirs to do, in a fixed number of
queries however large the organisation (the lists are capped; their totals are counted).

    manager_home(access) -> ManagerHome
    employee_home(access) -> EmployeeHome

`access` is a `leerkoers.orgs.access.Access` with the organisation and the caller's
membership (`Access(organization=org, role=Role.MANAGER, membership=m)` outside a request).
Everything shown goes through the visibility rules of leerkoers.ownership.visibility; what
the team learned is aggregated, with leerkoers.lib.anonymity.suppress applied.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkoers.inventory.models import Participation, ParticipationStatus
from leerkoers.lib import anonymity
from leerkoers.orgs.models import Team
from leerkoers.ownership.models import Conversation, PlanStatus, Pop, PopStatus, PopVersion, TeamPlan
from leerkoers.ownership.teams import TeamTree
from leerkoers.ownership.visibility import shared_with_me
from leerkoers.pilots.evaluation import Audience
from leerkoers.pilots.models import Arm, EvaluationForm, Pilot
from leerkoers.scan.models import ScanInvitation, ScanRound
from leerkoers.vision.models import VisionInvitation, VisionRound

LIMIT = 25  # rows of each list on a home; the rest is on the step's own pages
LEARNED_DAYS = 365  # what the team learned: completions of the last year


@dataclass(frozen=True)
class PlanLine:
    team: str
    plan: TeamPlan | None  # None: the team has no plan this year
    overdue: bool  # active and past its review date


@dataclass(frozen=True)
class OpenInvitation:
    kind: str  # scan, vision, pilot
    title: str
    url: str  # "" for a personal link that is only in the member's e-mail


@dataclass(frozen=True)
class OwnPop:
    pop: Pop | None
    next_action: str
    agreed_activities: list[str]  # of the last agreed version


@dataclass(frozen=True)
class ActivityLearned:
    title: str
    people: int


@dataclass(frozen=True)
class TeamLearning:
    """Completed inventory activities of the manager's teams in the last year. `shown` is
    False when the teams hold fewer than the anonymity threshold of people who completed
    something; activities done by fewer (and those `suppress` hides besides) are only counted."""

    shown: bool
    people: int | None = None  # distinct people who completed an activity
    completions: int | None = None
    hours: float | None = None
    activities: list[ActivityLearned] = field(default_factory=list)
    hidden_activities: int = 0


@dataclass(frozen=True)
class ManagerHome:
    year: int
    plans: list[PlanLine]
    teams_total: int
    requests: list[Pop]  # shared with the manager, awaiting agreement
    requests_total: int
    conversations: list[Conversation]  # coming, not held
    overdue_conversations: int
    learned: TeamLearning
    own: OwnPop
    invitations: list[OpenInvitation]


@dataclass(frozen=True)
class EmployeeHome:
    year: int
    own: OwnPop
    team_plan: TeamPlan | None
    conversations: list[Conversation]
    invitations: list[OpenInvitation]


def manager_home(access, today: datetime.date | None = None) -> ManagerHome:
    today = today or timezone.localdate()
    tree = TeamTree.of(access.organization)
    me = access.membership.pk
    teams = tree.managed_by(me)
    plans, teams_total = _plan_lines(access, teams, today)
    requests, requests_total = _capped(
        shared_with_me(access, tree)
        .filter(status=PopStatus.SHARED)
        .select_related("member__user", "member__team")
        .order_by("shared_at", "pk")
    )
    conversations = _managed_conversations(access, teams)
    return ManagerHome(
        year=today.year,
        plans=plans,
        teams_total=teams_total,
        requests=requests,
        requests_total=requests_total,
        conversations=list(
            conversations.filter(planned_on__gte=today)
            .select_related("member__user")
            .order_by("planned_on", "pk")[:LIMIT]
        ),
        overdue_conversations=conversations.filter(planned_on__lt=today).count(),
        learned=team_learning(access, teams, today),
        own=own_pop(access, today.year),
        invitations=invitations(access, teams, Audience.MANAGER),
    )


def employee_home(access, today: datetime.date | None = None) -> EmployeeHome:
    today = today or timezone.localdate()
    membership = access.membership
    team_plan = None
    if membership.team_id is not None:
        team_plan = access.filter(TeamPlan, team_id=membership.team_id, year=today.year).select_related("team").first()
    conversations = access.filter(Conversation, member=membership, held_on__isnull=True, planned_on__gte=today)
    teams = {membership.team_id} if membership.team_id is not None else set()
    return EmployeeHome(
        year=today.year,
        own=own_pop(access, today.year),
        team_plan=team_plan,
        conversations=list(conversations.select_related("manager__user").order_by("planned_on", "pk")[:LIMIT]),
        invitations=invitations(access, teams, Audience.PARTICIPANT),
    )


def _capped(rows) -> tuple[list, int]:
    """The first LIMIT of `rows` and how many there are (counted only when there are more)."""
    shown = list(rows[:LIMIT])
    return shown, (len(shown) if len(shown) < LIMIT else rows.count())


def _plan_lines(access, teams: set[int], today: datetime.date) -> tuple[list[PlanLine], int]:
    """This year's plan of each team the manager manages (first LIMIT by name), and how many teams."""
    shown, total = _capped(access.filter(Team, pk__in=teams).order_by("name", "pk").values_list("pk", "name"))
    plans = {
        plan.team_id: plan for plan in access.filter(TeamPlan, team_id__in=[pk for pk, _name in shown], year=today.year)
    }
    lines = []
    for pk, name in shown:
        plan = plans.get(pk)
        overdue = (
            plan is not None
            and plan.status == PlanStatus.ACTIVE
            and plan.review_date is not None
            and plan.review_date < today
        )
        lines.append(PlanLine(name, plan, overdue))
    return lines, total


def _managed_conversations(access, teams: set[int]):
    """Conversations not yet held that the manager leads or that are of their teams' members
    (not their own, which they have as a member)."""
    me = access.membership.pk
    return (
        access.filter(Conversation, held_on__isnull=True)
        .filter(Q(manager_id=me) | Q(member__team_id__in=teams))
        .exclude(member_id=me)
    )


def team_learning(access, teams: set[int], today: datetime.date) -> TeamLearning:
    """What the members of `teams` completed in the last year, aggregated per activity."""
    threshold = settings.ANONYMITY_THRESHOLD
    since = today - datetime.timedelta(days=LEARNED_DAYS)
    done = access.filter(
        Participation,
        team_id__in=teams,
        status=ParticipationStatus.COMPLETED,
        completion_date__gte=since,
        completion_date__lte=today,
    )
    totals = done.aggregate(people=Count("person_key", distinct=True), hours=Sum("hours"))
    if (totals["people"] or 0) < threshold:
        return TeamLearning(shown=False)
    per_activity = list(
        done.values("activity_id", "activity__title")
        .annotate(people=Count("person_key", distinct=True))
        .order_by("-people", "activity__title", "activity_id")
    )
    counts = {row["activity_id"]: row["people"] for row in per_activity}
    hidden = anonymity.suppress(counts, threshold)
    shown = [
        ActivityLearned(row["activity__title"], row["people"])
        for row in per_activity
        if row["activity_id"] not in hidden
    ]
    return TeamLearning(
        shown=True,
        people=totals["people"],
        completions=sum(counts.values()),
        hours=float(totals["hours"]) if totals["hours"] is not None else None,
        activities=shown[:LIMIT],
        hidden_activities=len(hidden) + max(0, len(shown) - LIMIT),
    )


# What the owner of a POP does next, per state.
NEXT_ACTIONS = {
    PopStatus.DRAFT: lambda: _("Add your goals and share the plan with your manager"),
    PopStatus.SHARED: lambda: _("Wait for your manager to agree the plan"),
    PopStatus.SENT_BACK: lambda: _("Change the plan as your manager asked and share it again"),
    PopStatus.AGREED: lambda: _("Start the plan"),
    PopStatus.IN_PROGRESS: lambda: _("Work on your goals; mark the plan completed when they are reached"),
    PopStatus.COMPLETED: lambda: _("Plan completed: start next year's plan in good time"),
}


def own_pop(access, year: int) -> OwnPop:
    """The caller's own POP of `year`, what they do next, and the activities last agreed."""
    pop = access.filter(Pop, member=access.membership, year=year).first()
    if pop is None:
        return OwnPop(None, _("Start your personal development plan for %(year)s") % {"year": year}, [])
    version = PopVersion.objects.filter(pop=pop).values_list("content", flat=True).first()  # newest first
    return OwnPop(pop, NEXT_ACTIONS[pop.status](), list((version or {}).get("activities", [])))


def invitations(access, teams: set[int], audience: str) -> list[OpenInvitation]:
    """The caller's open invitations: personal links of open scan and vision rounds not yet
    used (the link itself is only in their e-mail: only its hash is kept), and the
    evaluation forms of running pilots in which one of `teams` is a pilot team, for `audience`."""
    found = []
    membership = access.membership
    scans = access.filter(ScanInvitation, membership=membership, used=False, round__status=ScanRound.Status.OPEN)
    for title in scans.values_list("round__title", flat=True)[:LIMIT]:
        found.append(OpenInvitation("scan", _("Readiness scan: %(round)s") % {"round": title}, ""))
    visions = access.filter(
        VisionInvitation,
        membership=membership,
        used=False,
        round__status=VisionRound.Status.OPEN,
        round__closes_on__gte=timezone.localdate(),
    )
    for title in visions.values_list("round__title", flat=True)[:LIMIT]:
        found.append(OpenInvitation("vision", _("Vision round: %(round)s") % {"round": title}, ""))
    forms = (
        access.filter(
            EvaluationForm,
            closed=False,
            audience=audience,
            pilot__status__in=[Pilot.Status.RUNNING, Pilot.Status.EVALUATING],
            pilot__teams__team_id__in=teams,
            pilot__teams__arm=Arm.PILOT,
        )
        .select_related("pilot")
        .distinct()
        .order_by("pilot__title", "level", "pk")
    )
    for form in forms[:LIMIT]:
        title = _("Evaluation of the pilot %(pilot)s: %(level)s") % {
            "pilot": form.pilot.title,
            "level": form.get_level_display(),
        }
        found.append(OpenInvitation("pilot", title, reverse("pilots_public:respond", kwargs={"token": form.token})))
    return found
