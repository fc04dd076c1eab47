"""Reads of step 4: the matrix, the open work of the Responsible layer, the indicators of
the step page, what the plan pages show beside their rows and the summary the policy
document uses."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, Exists, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkoers.inventory.models import Activity
from leerkoers.orgs.access import Access
from leerkoers.orgs.models import Membership, Role, Team, hash_token
from leerkoers.ownership import cycle, indicators, raci
from leerkoers.ownership.models import (
    LAYER_OF_ROLE,
    CalendarFeed,
    Conversation,
    ConversationKind,
    Layer,
    LearningProcess,
    PlanStatus,
    Pop,
    PopStatus,
    PopVersion,
    Raci,
    TeamPlan,
    TeamPlanGoal,
)
from leerkoers.ownership.teams import TeamTree
from leerkoers.ownership.visibility import conversations_visible, pop_view, shared_with_me, team_plans_visible


def matrix(organization) -> list[LearningProcess]:
    """The rows of the matrix; the template's (unsaved) while the organisation has none.

    Reading never writes: the template is stored with the first change."""
    rows = list(LearningProcess.objects.filter(organization=organization))
    return rows or template_rows(organization)


def template_rows(organization) -> list[LearningProcess]:
    return [
        LearningProcess(organization=organization, key=row.key, name=row.key, position=position, **row.letters)
        for position, row in enumerate(raci.TEMPLATE)
    ]


def planned_cost(plan: TeamPlan) -> Decimal | int:
    """What the activities of a team plan cost together (an activity without a cost counts 0)."""
    return sum((entry.cost or 0) for entry in plan.activities.all())


def team_goals_for(pop: Pop) -> QuerySet | list:
    """The learning goals of the team plan of the POP owner's team for the POP's year: what a
    goal of the POP may serve; an empty list for a member without a team."""
    if not pop.member.team_id:
        return []
    return TeamPlanGoal.objects.filter(
        organization_id=pop.organization_id, plan__team_id=pop.member.team_id, plan__year=pop.year
    )


def linked_learning_goals(pop: Pop) -> list[str]:
    """The titles of the organisation learning goals a POP is tied to (what HR may know).
    Reads `pop.goals` with their learning goals: prefetch them for a list."""
    return sorted({goal.learning_goal.title for goal in pop.goals.all() if goal.learning_goal_id})


@dataclass(frozen=True)
class OpenWork:
    process: str
    label: str
    count: int
    url: str


@dataclass(frozen=True)
class OpenItems:
    """The open work of one process for one caller: the rows (`items`, a queryset of teams,
    team plans or POPs) and how to name each one (`describe(row) -> (stable key, text)`)."""

    key: str  # the process's key
    process: str
    label: str
    url: str
    items: QuerySet
    describe: Callable[[object], tuple[str, str]]


def _team_item(year: int):
    def describe(team) -> tuple[str, str]:
        return f"team:{team.pk}:{year}", team.name

    return describe


def _plan_item(suffix: str):
    def describe(plan) -> tuple[str, str]:
        return f"plan:{plan.pk}:{suffix}", f"{plan.team.name} {plan.year}"

    return describe


def _plan_review_item(plan) -> tuple[str, str]:
    return f"plan:{plan.pk}:review:{plan.review_date}", f"{plan.team.name} {plan.year} ({plan.review_date})"


def _own_pop_item(pop) -> tuple[str, str]:
    return f"pop:{pop.pk}:{pop.status}", _("Your plan %(year)d") % {"year": pop.year}


def _shared_pop_item(pop) -> tuple[str, str]:
    shared = pop.shared_at.isoformat() if pop.shared_at else ""
    return f"pop:{pop.pk}:shared:{shared}", f"{pop.member.user.full_name or pop.member.user.email} {pop.year}"


def open_items(
    access, tree: TeamTree, rows: list[LearningProcess], today: datetime.date | None = None
) -> list[OpenItems]:
    """What is open in each process where the caller's layer is Responsible (R), within what
    the caller may see: a manager's own teams (and below) and reports, an employee's own team
    and POP, the whole organisation for HR and the board. Processes without work Leerkoers
    can count (the policy itself, an organisation's own processes) are left out. The page's
    open work and the e-mailed reminders both come from here."""
    layer = LAYER_OF_ROLE.get(access.role)
    if layer is None or (layer in (Layer.MANAGERS, Layer.EMPLOYEES) and access.membership is None):
        return []
    today = today or timezone.localdate()
    slug = access.organization.slug
    plans = team_plans_visible(access, tree).filter(year=today.year).select_related("team")
    if layer == Layer.MANAGERS:
        teams = access.filter(Team, pk__in=tree.managed_by(access.membership.pk))
    elif layer == Layer.EMPLOYEES:
        teams = access.filter(Team, pk=access.membership.team_id)
    else:
        teams = access.filter(Team)
    plans_url = reverse("ownership:plans", kwargs={"org_slug": slug})
    pops_url = reverse("ownership:pops", kwargs={"org_slug": slug})
    found = []
    for row in rows:
        if getattr(row, layer) != Raci.RESPONSIBLE:
            continue
        entry = None
        if row.key == "needs_analysis":
            missing = teams.exclude(learning_plans__year=today.year)
            entry = (_("Teams without a learning plan this year"), plans_url, missing, _team_item(today.year))
        elif row.key == "budget":
            entry = (
                _("Team plans without a budget"),
                plans_url,
                plans.filter(budget__isnull=True),
                _plan_item("budget"),
            )
        elif row.key == "activity_choice" and layer == Layer.EMPLOYEES:
            mine = access.filter(Pop, member=access.membership, status__in=[PopStatus.DRAFT, PopStatus.SENT_BACK])
            entry = (_("Your plans still to share"), pops_url, mine, _own_pop_item)
        elif row.key == "activity_choice":
            waiting = shared_with_me(access, tree).filter(status=PopStatus.SHARED).select_related("member__user")
            entry = (_("Plans waiting for your agreement"), pops_url, waiting, _shared_pop_item)
        elif row.key == "planning":
            entry = (
                _("Team plans still in draft"),
                plans_url,
                plans.filter(status=PlanStatus.DRAFT),
                _plan_item("draft"),
            )
        elif row.key == "evaluation":
            late = plans.filter(status=PlanStatus.ACTIVE, review_date__lt=today)
            entry = (_("Team plans past their review date"), plans_url, late, _plan_review_item)
        if entry is not None:
            label, url, items, describe = entry
            found.append(OpenItems(row.key, str(row), label, url, items, describe))
    return found


def open_work(
    access, tree: TeamTree, rows: list[LearningProcess], today: datetime.date | None = None
) -> list[OpenWork]:
    """The caller's open work per process (see `open_items`), counted."""
    return [OpenWork(o.process, o.label, o.items.count(), o.url) for o in open_items(access, tree, rows, today)]


@dataclass(frozen=True)
class Indicators:
    year: int
    team_plans: indicators.Share
    pops: indicators.PopCoverage
    pop_trend: list[tuple[str, indicators.Share]]  # empty when the overall figure is hidden
    pop_trend_by_team: list[indicators.TeamTrend]  # the same per team (small teams hidden); empty likewise
    initiatives: indicators.InitiativeShare
    conversations: indicators.ConversationFollowUp  # held with a follow-up ÷ held, in the year


def indicators_for(organization, year: int | None = None, *, trend: bool = True) -> Indicators:
    """The ownership indicators of `organization` for `year` (this year by default), in a
    fixed number of queries whatever its size; `trend=False` leaves out the quarters of the
    POP figure, overall and per team (one query less, for the journey)."""
    year = year or timezone.localdate().year
    agreed = list(indicators.AGREED_STATES)
    # Members counted per team in a subquery (the index on team_id answers it alone) and the
    # members without a team as the rest of the organisation's: joining teams to members and
    # plans multiplied the rows (118 ms of 180 on 50,000 members in 900 teams, SQLite).
    team_rows = list(
        Team.objects.filter(organization=organization)
        .annotate(
            members_count=Coalesce(
                Subquery(
                    Membership.objects.filter(team=OuterRef("pk"))
                    .order_by()
                    .values("team")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            current=Exists(TeamPlan.objects.filter(team=OuterRef("pk"), year=year, status=PlanStatus.ACTIVE)),
        )
        .order_by("name")
        .values_list("pk", "name", "members_count", "current")
    )
    everyone = Membership.objects.filter(organization=organization).count()
    agreed_per_team = dict(
        Pop.objects.filter(organization=organization, year=year, status__in=agreed)
        .values("member__team_id")
        .annotate(n=Count("member", distinct=True))
        .order_by()
        .values_list("member__team_id", "n")
    )
    rows = [(name, members, agreed_per_team.get(pk, 0)) for pk, name, members, _current in team_rows]
    without_team = everyone - sum(members for _pk, _name, members, _current in team_rows)
    if without_team:
        rows.append((_("No team"), without_team, agreed_per_team.get(None, 0)))
    coverage = indicators.pop_coverage(rows, settings.ANONYMITY_THRESHOLD)
    members = sum(members for _name, members, _agreed in rows)
    quarters, per_team = [], []
    if trend and coverage.overall is not None:
        name_of = {pk: name for pk, name, _members, _current in team_rows}
        first_per_team: dict[str, list[datetime.date]] = {}
        for team, first in (
            PopVersion.objects.filter(organization=organization, pop__year=year)
            .values("pop", "pop__member__team_id")
            .annotate(first=Min("agreed_on"))
            .values_list("pop__member__team_id", "first")
        ):
            first_per_team.setdefault(name_of[team] if team is not None else _("No team"), []).append(first)
        quarters = indicators.agreed_by_quarter(
            [day for days in first_per_team.values() for day in days], members, year
        )
        per_team = indicators.agreed_by_quarter_per_team(
            ((name, n, first_per_team.get(name, [])) for name, n, _agreed in rows), year, settings.ANONYMITY_THRESHOLD
        )
    activities = Activity.objects.filter(organization=organization).values_list("initiator", "start_date")
    held = Conversation.objects.filter(organization=organization, held_on__year=year).order_by()
    talks_per_team = {
        row["member__team_id"]: (row["people"], row["held"], row["follow"])
        for row in held.values("member__team_id").annotate(**_tally())
    }
    patterns = _quarter_patterns(held, year)
    talk_rows = [(name, *talks_per_team.get(pk, (0, 0, 0))) for pk, name, _members, _current in team_rows]
    if without_team:
        talk_rows.append((_("No team"), *talks_per_team.get(None, (0, 0, 0))))
    conversations = indicators.conversation_follow_up(
        talk_rows,
        [(label, *indicators.quarter_tally(patterns, label)) for label, _end in indicators.quarter_ends(year)],
        settings.ANONYMITY_THRESHOLD,
        lambda labels: indicators.members_in(patterns, labels),
    )
    return Indicators(
        year=year,
        team_plans=indicators.team_plan_coverage((members, current) for _pk, _name, members, current in team_rows),
        pops=coverage,
        pop_trend=quarters,
        pop_trend_by_team=per_team,
        initiatives=indicators.initiative_share(activities),
        conversations=conversations,
    )


def _quarter_patterns(held: QuerySet, year: int) -> list[indicators.QuarterPattern]:
    """The held conversations of `year` grouped by the set of quarters each member had one in
    (at most 15 rows, one query): what the quarter figures and their hiding need, since one
    member may be in several quarters. Quarters are date ranges (SQLite would otherwise
    extract each row's quarter in Python)."""
    labels = [label for label, _end in indicators.quarter_ends(year)]
    per_member = {}
    for q, (_label, end) in enumerate(indicators.quarter_ends(year), start=1):
        within = Q(held_on__gte=datetime.date(year, 3 * q - 2, 1), held_on__lte=end)
        per_member |= {
            f"f{q}": Max(Case(When(within, then=1), default=0)),
            f"h{q}": Sum(Case(When(within, then=1), default=0)),
            f"u{q}": Sum(Case(When(within & ~Q(follow_up=""), then=1), default=0)),
        }
    inner, params = held.values("member").annotate(**per_member).order_by().query.sql_with_params()
    flags = ", ".join(f"f{q}" for q in range(1, 5))
    sums = ", ".join(f"SUM(h{q}), SUM(u{q})" for q in range(1, 5))
    # Only fixed column names and the ORM's own SQL are joined in; the values go as parameters.
    sql = f"SELECT {flags}, COUNT(*), {sums} FROM ({inner}) per_member GROUP BY {flags}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        indicators.QuarterPattern(
            quarters=frozenset(label for label, flag in zip(labels, row[:4], strict=True) if flag),
            members=row[4],
            held={label: int(row[5 + 2 * n] or 0) for n, label in enumerate(labels)},
            follow={label: int(row[6 + 2 * n] or 0) for n, label in enumerate(labels)},
        )
        for row in rows
    ]


def _tally(within: Q | None = None) -> dict:
    """Aggregates of held conversations (`within` a filter, if given): the members among them
    (each once), the conversations, and those with a learning follow-up noted."""
    within = within or Q()
    return {
        "people": Count("member", distinct=True, filter=within),
        "held": Count("pk", filter=within),
        "follow": Count("pk", filter=within & ~Q(follow_up="")),
    }


@dataclass(frozen=True)
class CycleKind:
    """One kind of conversation the organisation holds in the year, with its learning agenda."""

    kind: str
    label: str
    prompts: list[str]
    held: int | None  # held in the year; None when hidden (1–4, or to protect such a kind)
    with_follow_up: int | None  # of those, with a learning follow-up noted; None when hidden


@dataclass(frozen=True)
class CycleSummary:
    """The HR cycle as the policy document shows it: nothing that singles out a person."""

    kinds: list[CycleKind]  # the kinds with a conversation planned or held in the year
    onboarding: list[tuple[str, int]]  # (kind label, days after the first working day)
    starter_goals: list[str]  # the goals a new member's starter POP begins with
    minimum: int


def cycle_summary(organization, year: int) -> CycleSummary:
    """Which conversations of the HR cycle `organization` holds in `year` (planned or held
    then), each with its learning agenda, how many were held and how many of those with a
    learning follow-up; a kind held with 1–4 members shows no counts (nor, where needed, the
    next smallest, so that none follows from the total); plus the onboarding
    template (the conversations after 1 week, 1 month and 3 months, the starter POP's goals)."""
    in_year = Q(planned_on__year=year) | Q(held_on__year=year)
    rows = {
        kind: (held, follow_up, people)
        for kind, held, follow_up, people in Conversation.objects.filter(in_year, organization=organization)
        .values("kind")
        .annotate(
            held=Count("pk", filter=Q(held_on__year=year)),
            follow_up=Count("pk", filter=Q(held_on__year=year) & ~Q(follow_up="")),
            people=Count("member", filter=Q(held_on__year=year), distinct=True),
        )
        .values_list("kind", "held", "follow_up", "people")
    }
    minimum = settings.ANONYMITY_THRESHOLD
    kinds = [kind for kind in ConversationKind.values if kind in rows]
    # The counts describe the members who had such a conversation (a member may have several
    # progress conversations in a year, and conversations of several kinds): a kind is hidden
    # by how many members it describes, the hidden kinds together by how many different ones.
    held_in_year = Conversation.objects.filter(organization=organization, held_on__year=year)
    hidden = indicators.anonymity.suppress_overlapping(
        {kind: rows[kind][2] for kind in kinds},
        minimum,
        lambda hidden_kinds: held_in_year.filter(kind__in=list(hidden_kinds)).values("member").distinct().count(),
    )
    labels = dict(ConversationKind.choices)
    return CycleSummary(
        kinds=[
            CycleKind(
                kind,
                str(labels[kind]),
                [str(prompt) for prompt in cycle.PROMPTS[kind]],
                None if kind in hidden else rows[kind][0],
                None if kind in hidden else rows[kind][1],
            )
            for kind in kinds
        ],
        onboarding=[(str(labels[kind]), delta.days) for kind, delta in cycle.ONBOARDING],
        starter_goals=[str(goal) for goal in cycle.STARTER_GOALS],
        minimum=minimum,
    )


@dataclass(frozen=True)
class MatrixRow:
    process: str
    letters: dict[str, str]  # layer → R, A, C, I or ""


@dataclass(frozen=True)
class PolicySummary:
    """Step 4 as the policy document needs it: nothing that singles out a person."""

    layers: list[tuple[str, str]]  # (layer key, label) in the matrix's column order
    matrix: list[MatrixRow]
    year: int
    team_plans: indicators.Share
    pops: indicators.PopCoverage
    pop_states: dict[str, int | None]  # state → count of this year's POPs; None when hidden
    initiatives: indicators.InitiativeShare
    conversations: indicators.Share | None  # held conversations of the HR cycle with a follow-up ÷ held; None: hidden
    cycle: CycleSummary


def policy_summary(organization, year: int | None = None) -> PolicySummary:
    """The responsibility matrix, team plan and POP coverage (small groups suppressed), the
    initiative share and the HR cycle of `organization`, for the policy document (app `policy`)."""
    found = indicators_for(organization, year)
    states = dict(
        Pop.objects.filter(organization=organization, year=found.year)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    counts = {state: states.get(state, 0) for state in PopStatus.values}
    hidden = indicators.anonymity.suppress(counts, settings.ANONYMITY_THRESHOLD)
    return PolicySummary(
        layers=[(layer.value, str(layer.label)) for layer in Layer],
        matrix=[MatrixRow(str(row), row.letters()) for row in matrix(organization)],
        year=found.year,
        team_plans=found.team_plans,
        pops=found.pops,
        pop_states={state: None if state in hidden else n for state, n in counts.items()},
        initiatives=found.initiatives,
        conversations=found.conversations.overall,
        cycle=cycle_summary(organization, found.year),
    )


def coming_conversations(access) -> QuerySet:
    """The conversations not yet held that the caller takes part in, as manager or as
    member, within what they may see (the calendar file and the calendar feed)."""
    me = access.membership
    if me is None:
        return Conversation.objects.none()
    visible = conversations_visible(access, TeamTree.of(access.organization)).filter(held_on__isnull=True)
    return (visible.filter(manager=me) | visible.filter(member=me)).select_related("member__user")


def calendar_feed_find(token: str) -> tuple[Access, str] | None:
    """The access of the member whose calendar address `token` is, as if they had signed in
    (their role and team as they are now), and the language the address speaks; None for an
    unknown or stopped address, or an account that can no longer sign in."""
    feed = (
        CalendarFeed.objects.filter(token_hash=hash_token(token))
        .select_related("membership__organization", "membership__user", "membership__team")
        .first()
    )
    if feed is None or not feed.membership.user.is_active:
        return None
    member = feed.membership
    access = Access(organization=member.organization, role=member.role, user=member.user, membership=member)
    return access, feed.language


CALENDAR_ROWS = 200  # rows per list of the calendar page (coming, overdue, held)


def cycle_calendar(access, tree: TeamTree, team_id: str | None) -> dict:
    """The conversations of the calendar page the caller may read, of one team when
    `team_id` names one: coming and overdue (not held; planned from today, before today) in
    date order, held ones latest first, at most CALENDAR_ROWS each."""
    listed = conversations_visible(access, tree).select_related("member__user", "member__team", "manager__user")
    if team_id and team_id.isdigit():
        listed = listed.filter(member__team_id=int(team_id))
    today = timezone.localdate()
    return {
        "upcoming": listed.filter(held_on__isnull=True, planned_on__gte=today)[:CALENDAR_ROWS],
        "overdue": listed.filter(held_on__isnull=True, planned_on__lt=today)[:CALENDAR_ROWS],
        "held": listed.filter(held_on__isnull=False).order_by("-held_on", "pk")[:CALENDAR_ROWS],
    }


def conversation_agenda(access, conversation: Conversation) -> dict:
    """What a conversation's page shows beside its prompts: the member's POP of that year
    as far as the caller may see it (`pop_view`), its goals where its content is the
    caller's to read, its last agreed version where the versions are; and whether the caller
    may record the conversation (HR, or anyone but the member: the manager or one above)."""
    pop = access.filter(Pop, member=conversation.member, year=conversation.planned_on.year).first()
    view = None
    if pop is not None:
        try:
            view = pop_view(access, pop)
        except Http404:
            pop = None
    return {
        "pop": pop,
        "pop_view": view,
        "pop_goals": pop.goals.select_related("learning_goal") if pop is not None and view.content else [],
        "agreed": pop.versions.first() if pop is not None and view.versions else None,
        "can_hold": access.role == Role.ADMIN
        or (access.membership is not None and conversation.member_id != access.membership.pk),
    }
