"""Reads of step 3 that gather data for the pure analysis functions (golden_thread, kpi_status).

`linked_activity_ids(organization)` is the function other apps use (the inventory's coherence
analysis) for the "linked to a learning goal" share.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Prefetch

from leerkoers.alignment import golden_thread as gt
from leerkoers.alignment.kpi_status import Assessment, Plan, Point, assess, assess_team, linear_trend, recent
from leerkoers.alignment.models import (
    ActivityLink,
    Kpi,
    LearningGoal,
    LearningGoalLink,
    Measurement,
    RejectedSuggestion,
    StrategicGoal,
)
from leerkoers.inventory.models import Activity, ActivityTeam
from leerkoers.inventory.selectors import cached_activity_participation


def linked_activity_ids(organization) -> set[int]:
    """Ids of the organisation's activities that serve at least one learning goal (one query)."""
    return set(ActivityLink.objects.filter(organization=organization).values_list("activity_id", flat=True))


def aligned_activity_ids(organization) -> set[int]:
    """Ids of the aligned activities by golden_thread's definition (who the goals are for,
    active strategic goals only)."""
    return gt.aligned_activity_ids(thread_for(organization))


def activity_hours(hours_per_participant, participants, participation_count) -> Decimal:
    """An activity's learning hours: hours per participant × participants (the stated number,
    or else the participations recorded)."""
    if hours_per_participant is None:
        return Decimal(0)
    people = participants if participants is not None else participation_count
    return hours_per_participant * (people or 0)


def thread_for(organization) -> gt.Thread:
    """The organisation's golden thread as plain data (seven queries and one cached
    aggregate of the participations, whatever the size)."""
    return threads_for([organization])[organization.pk]


def threads_for(organizations, *, participations: bool = True) -> dict[int, gt.Thread]:
    """The golden thread of each organisation (by pk), in seven queries for any number of
    organisations; with `participations` also each one's cached aggregate of the
    participation records (what the team splits by participants need; the journey does not)."""
    pks = [org.pk for org in organizations]
    sgs: dict[int, list[gt.StrategicGoalData]] = defaultdict(list)
    for org_id, pk, title, status, start, end in StrategicGoal.objects.filter(organization__in=pks).values_list(
        "organization_id", "pk", "title", "status", "period_start", "period_end"
    ):
        sgs[org_id].append(gt.StrategicGoalData(pk, title, status, start, end))
    goal_teams: dict[int, list[int]] = defaultdict(list)
    for lg_id, team_id in LearningGoal.target_teams.through.objects.filter(
        learninggoal__organization__in=pks
    ).values_list("learninggoal_id", "team_id"):
        goal_teams[lg_id].append(team_id)
    lgs: dict[int, list[gt.LearningGoalData]] = defaultdict(list)
    for org_id, pk, title, measure, behaviour, who in LearningGoal.objects.filter(organization__in=pks).values_list(
        "organization_id", "pk", "title", "measure", "behaviour", "who"
    ):
        text = f"{title} {behaviour} {who}"
        lgs[org_id].append(
            gt.LearningGoalData(pk, title, bool((measure or "").strip()), text, tuple(sorted(goal_teams[pk])))
        )
    records = {org.pk: cached_activity_participation(org) for org in organizations} if participations else {}
    teams: dict[int, list[int]] = defaultdict(list)
    for activity_id, team_id in ActivityTeam.objects.filter(organization__in=pks).values_list("activity_id", "team_id"):
        teams[activity_id].append(team_id)
    activities: dict[int, list[gt.ActivityData]] = defaultdict(list)
    for org_id, pk, title, cost, hpp, participants, count, start, goal in (
        Activity.objects.filter(organization__in=pks)
        .order_by("title", "pk")
        .values_list(
            "organization_id",
            "pk",
            "title",
            "cost",
            "hours_per_participant",
            "participants",
            "participation_count",
            "start_date",
            "goal",
        )
    ):
        by_team = records.get(org_id, {}).get(pk, ())
        activities[org_id].append(
            gt.ActivityData(
                pk,
                title,
                cost or Decimal(0),
                activity_hours(hpp, participants, count),
                tuple(sorted(teams.get(pk, ()))),
                start,
                f"{title} {goal}",
                tuple((team, n) for team, n, _completed in by_team),
            )
        )
    goal_links: dict[int, set] = defaultdict(set)
    for org_id, sg_id, lg_id in LearningGoalLink.objects.filter(organization__in=pks).values_list(
        "organization_id", "strategic_goal_id", "learning_goal_id"
    ):
        goal_links[org_id].add((sg_id, lg_id))
    activity_links: dict[int, set] = defaultdict(set)
    for org_id, lg_id, activity_id in ActivityLink.objects.filter(organization__in=pks).values_list(
        "organization_id", "learning_goal_id", "activity_id"
    ):
        activity_links[org_id].add((lg_id, activity_id))
    return {pk: gt.Thread(sgs[pk], lgs[pk], activities[pk], goal_links[pk], activity_links[pk]) for pk in pks}


def rejected_pairs(organization) -> set[tuple[int, int]]:
    return set(
        RejectedSuggestion.objects.filter(organization=organization).values_list("learning_goal_id", "activity_id")
    )


def kpi_queryset(organization):
    """The organisation's KPIs with what `with_status` needs (two queries when evaluated)."""
    return (
        Kpi.objects.filter(organization=organization)
        .select_related("strategic_goal", "owner__user")
        .prefetch_related(
            Prefetch(
                "measurements",
                queryset=Measurement.objects.filter(organization=organization, team__isnull=True),
                to_attr="org_measurements",
            )
        )
    )


def with_status(kpis) -> list[tuple[Kpi, Assessment]]:
    """(KPI, status of its organisation-wide series) for KPIs from `kpi_queryset`."""
    return [(kpi, kpi_assessment(kpi, kpi.org_measurements)) for kpi in kpis]


def kpis_with_status(organization, strategic_goal=None) -> list[tuple[Kpi, Assessment]]:
    """KPIs (optionally of one strategic goal) with the status of their organisation-wide series."""
    kpis = kpi_queryset(organization)
    if strategic_goal is not None:
        kpis = kpis.filter(strategic_goal=strategic_goal)
    return with_status(kpis)


def team_assessment(kpi: Kpi, measurements) -> tuple[Plan, Assessment]:
    """(the team's path, its status) from one team's measurements of `kpi`: its own baseline
    where its measurements reach back to the KPI's baseline date (kpi_status.team_plan)."""
    organisation = Plan(kpi.baseline_value, kpi.baseline_date, kpi.target_value, kpi.target_date)
    return assess_team(organisation, [Point(m.date, m.value) for m in measurements])


def kpi_assessment(kpi: Kpi, measurements) -> Assessment:
    return assess(
        baseline_value=kpi.baseline_value,
        baseline_date=kpi.baseline_date,
        target_value=kpi.target_value,
        target_date=kpi.target_date,
        points=[Point(m.date, m.value) for m in measurements],
    )


@dataclass(frozen=True)
class KpiReport:
    """What the KPI page shows: the measurements, the status of the organisation-wide series
    and of each team's, and where the recent trend arrives on the target date."""

    measurements: list[Measurement]
    assessment: Assessment
    team_names: dict[int, str]
    team_status: list[tuple[str, Plan, Assessment]]
    projected: Decimal | None


def kpi_report(kpi: Kpi) -> KpiReport:
    """The report of one KPI (one query): its measurements by date, the organisation's first."""
    measurements = list(
        Measurement.objects.filter(organization_id=kpi.organization_id, kpi=kpi)
        .select_related("team")
        .order_by("date", F("team__name").asc(nulls_first=True))
    )
    organisation = [m for m in measurements if m.team_id is None]
    team_names = {m.team_id: m.team.name for m in measurements if m.team_id}
    team_status = [
        (name, *team_assessment(kpi, [m for m in measurements if m.team_id == team_id]))
        for team_id, name in sorted(team_names.items(), key=lambda pair: pair[1])
    ]
    trend = linear_trend(recent([Point(m.date, m.value) for m in organisation]))
    projected = round(trend.value_on(kpi.target_date), 2) if trend else None
    return KpiReport(measurements, kpi_assessment(kpi, organisation), team_names, team_status, projected)


def kpis_of_goals(organization, strategic_goal_ids) -> list[tuple[Kpi, Assessment]]:
    """The KPIs of these strategic goals, with their status (see kpis_with_status)."""
    return with_status(kpi_queryset(organization).filter(strategic_goal_id__in=strategic_goal_ids))


def link_candidates(organization, linked_ids, limit: int = 500):
    """The activities a learning goal could still be linked to: the first `limit` by title."""
    return (
        Activity.objects.filter(organization=organization)
        .exclude(pk__in=linked_ids)
        .order_by("title", "-start_date")
        .only("pk", "title", "provider", "start_date")[:limit]
    )
