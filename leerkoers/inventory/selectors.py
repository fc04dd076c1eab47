"""Reads of the inventory that feed the analysis page, the API and the journey.

The analysis is computed from a few aggregate queries (activities: one row each, at most
tens of thousands; participations: grouped by team in the database, never loaded) and kept
in the cache under the organisation's inventory revision, which every write bumps.
"""

import uuid

from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import Length, Trim
from django_tasks import task

from leerkoers.inventory import coherence
from leerkoers.inventory.importing.keys import person_keys_for_search
from leerkoers.inventory.models import Activity, ActivityTeam, Initiator, Participation, ParticipationStatus
from leerkoers.orgs.models import Membership, Organization, Team


def activities_found(organization, *, query: str = "", kind: str = "", initiator: str = "", team=None, year=None):
    """The organisation's activities that match the list's filters (title or provider
    containing `query`, a kind, an initiator, a target team's id, a start year; empty
    values do not filter), unsorted: the page and the API each sort and page them."""
    activities = Activity.objects.filter(organization=organization)
    if query:
        activities = activities.filter(Q(title__icontains=query) | Q(provider__icontains=query))
    if kind:
        activities = activities.filter(kind=kind)
    if initiator:
        activities = activities.filter(initiator=initiator)
    if team is not None:
        activities = activities.filter(team_links__team_id=team, team_links__organization=organization)
    if year is not None:
        activities = activities.filter(start_date__year=year)
    return activities


def participations_found(organization, *, activity=None, team=None, status: str = "", person: str = ""):
    """The organisation's participation records of an activity's id, a team's id, a status,
    and of the person an e-mail address or employee number names (empty values do not
    filter), newest first."""
    rows = Participation.objects.filter(organization=organization).order_by("-pk")
    if activity is not None:
        rows = rows.filter(activity_id=activity)
    if team is not None:
        rows = rows.filter(team_id=team)
    if status:
        rows = rows.filter(status=status)
    if person:
        rows = rows.filter(person_key__in=person_keys_for_search(person))
    return rows


def _revision_key(organization) -> str:
    return f"inventory-revision-{organization.pk}"


def bump_revision(organization, *, participations: bool = True) -> None:
    """Call after every change to activities or participations: the analysis is recomputed.

    The participation figures (aggregates over what may be millions of rows) have their own
    revision, so that editing an activity does not recount them."""
    cache.set(_revision_key(organization), uuid.uuid4().hex, None)
    if participations:
        cache.set(_participation_revision_key(organization), uuid.uuid4().hex, None)
    # Recompute in the worker once the change is committed, not in the next visitor's request.
    transaction.on_commit(lambda: _enqueue_refresh(organization.pk))


def _enqueue_refresh(organization_id: int) -> None:
    # Until the worker has recomputed, the page shows the previous figures and says so.
    cache.set(_pending_key(organization_id), True, REFRESH_PATIENCE)
    refresh_analysis.enqueue(organization_id)


@task()
def refresh_analysis(organization_id: int) -> None:
    """Compute the analysis after a change (enqueued by `bump_revision` on commit), so that the
    first visitor of the step's page reads it from the cache."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is not None:
        store_analysis(organization)
    refresh_done(organization_id)


def refresh_done(organization_id: int) -> None:
    cache.delete(_pending_key(organization_id))


def _pending_key(organization_id: int) -> str:
    return f"inventory-analysis-pending-{organization_id}"


def _participation_revision_key(organization) -> str:
    return f"inventory-participation-revision-{organization.pk}"


def _revision(key: str) -> str:
    found = cache.get(key)
    if found is None:
        found = uuid.uuid4().hex
        cache.set(key, found, None)
    return found


def cached_team_participation(organization) -> list:
    key = f"inventory-teams-{organization.pk}-{_revision(_participation_revision_key(organization))}"
    found = cache.get(key)
    if found is None:
        found = team_participation(organization)
        cache.set(key, found, 24 * 3600)
    return found


def cached_activity_participation(organization) -> dict[int, tuple[tuple[int | None, int, int], ...]]:
    """Per activity: (team id, participation records, completed records) per team of the
    records. One grouped query, cached until the participations change."""
    key = f"inventory-activity-teams-{organization.pk}-{_revision(_participation_revision_key(organization))}"
    found = cache.get(key)
    if found is None:
        found = activity_participation(organization)
        cache.set(key, found, 24 * 3600)
    return found


def activity_participation(organization) -> dict[int, tuple[tuple[int | None, int, int], ...]]:
    table = Participation._meta.db_table
    result: dict[int, list] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT activity_id, team_id, COUNT(*), SUM(CASE WHEN status = %s THEN 1 ELSE 0 END) "  # noqa: S608
            f"FROM {table} WHERE organization_id = %s GROUP BY activity_id, team_id",
            [ParticipationStatus.COMPLETED, organization.pk],
        )
        for activity_id, team_id, records, completed in cursor.fetchall():
            result.setdefault(activity_id, []).append((team_id, records, int(completed or 0)))
    return {activity_id: tuple(rows) for activity_id, rows in result.items()}


def activity_facts(organization) -> list[coherence.ActivityFacts]:
    """One ActivityFacts per activity; long texts are reduced to "filled in or not" in SQL."""
    names = dict(Team.objects.filter(organization=organization).values_list("pk", "name"))
    teams: dict[int, list[str]] = {}
    for activity_id, team_id in ActivityTeam.objects.filter(organization=organization).values_list(
        "activity_id", "team_id"
    ):
        teams.setdefault(activity_id, []).append(names.get(team_id, ""))
    records = cached_activity_participation(organization)
    rows = (
        Activity.objects.filter(organization=organization)
        .annotate(
            goal_length=Length(Trim("goal")),
            result_length=Length(Trim("result")),
            measure_length=Length(Trim("result_measure")),
        )
        .values_list(
            "pk",
            "title",
            "provider",
            "kind",
            "initiator",
            "start_date",
            "cost",
            "hours_per_participant",
            "participants",
            "participation_count",
            "goal_length",
            "result_length",
            "measure_length",
            "evaluation_level",
        )
    )
    return [
        coherence.ActivityFacts(
            id=pk,
            title=title,
            provider=provider,
            kind=kind,
            initiator=initiator,
            teams=tuple(sorted(teams.get(pk, ()))),
            start_date=start,
            cost=cost,
            hours_per_participant=hours,
            participants=participants,
            participation_count=count,
            completed_count=sum(completed for _team, _n, completed in records.get(pk, ())),
            has_goal=goal > 0,
            has_result=result > 0,
            result_measured=measure > 0 or level >= 1,
        )
        for pk, title, provider, kind, initiator, start, cost, hours, participants, count, goal, result, measure, level in rows
    ]


def team_participation(organization) -> list[coherence.TeamParticipation]:
    """Participations and people per team: the team's members in Leerkoers or the distinct
    participants in its records, whichever is larger."""
    names = dict(Team.objects.filter(organization=organization).values_list("pk", "name"))
    headcount = dict(
        Membership.objects.filter(organization=organization, team__isnull=False)
        .values_list("team_id")
        .annotate(n=Count("pk"))
        .values_list("team_id", "n")
    )
    # Two simple aggregates instead of COUNT(DISTINCT …) per group, which PostgreSQL can only
    # do by sorting (measured on 1,000,000 rows: 1.1-1.4 s against 0.17 s for these two).
    table = Participation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT team_id, COUNT(*) FROM {table} WHERE organization_id = %s GROUP BY team_id",  # noqa: S608
            [organization.pk],
        )
        counts = dict(cursor.fetchall())
        cursor.execute(
            f"SELECT team_id, COUNT(*) FROM (SELECT DISTINCT team_id, person_key FROM {table} "  # noqa: S608
            f"WHERE organization_id = %s) AS pairs GROUP BY team_id",
            [organization.pk],
        )
        people_by_team = dict(cursor.fetchall())
    rows = [(team_id, n, people_by_team.get(team_id, 0)) for team_id, n in counts.items()]
    result = []
    for team_id, n, people in rows:
        name = names.get(team_id, "") if team_id else ""
        # Members in Leerkoers are often only part of a team; the people seen in the records
        # count when they are more.
        result.append(coherence.TeamParticipation(name, n, max(headcount.get(team_id, 0), people)))
    return coherence.participation_per_team(result)


def linked_activity_ids(organization) -> set[int] | None:
    """Ids of activities linked to a learning goal (step 3), or None when that is not available.

    Step 3 (leerkoers.alignment) relates learning goals to activities through
    `LearningGoal.activities`; until that relation exists, the share is "not yet available".
    """
    relation = _goal_relation()
    if relation is None:
        return None
    through = relation.remote_field.through
    field_names = {f.name for f in through._meta.fields}
    lookup = (
        {"organization": organization} if "organization" in field_names else {"activity__organization": organization}
    )
    activity_field = next((f.name for f in through._meta.fields if f.related_model is Activity), None)
    if activity_field is None:
        return None
    return set(through.objects.filter(**lookup).values_list(f"{activity_field}_id", flat=True))


def _links_fingerprint(organization) -> str:
    """Changes whenever step 3 links or unlinks an activity (one small aggregate query)."""
    relation = _goal_relation()
    if relation is None:
        return "none"
    figures = relation.remote_field.through.objects.filter(activity__organization=organization).aggregate(
        n=Count("pk"), last=Max("pk")
    )
    return f"{figures['n']}.{figures['last']}"


def _goal_relation():
    try:
        return apps.get_model("alignment", "LearningGoal")._meta.get_field("activities")
    except (LookupError, Exception):  # the app or the relation is not there (yet)
        return None


# How long the previous figures may stand in while the worker recomputes (then a visitor
# computes them, so a stopped worker costs speed, never correctness for long).
REFRESH_PATIENCE = 600


def analysis(organization) -> coherence.InventoryAnalysis:
    """The current analysis (computed now when the cache does not hold it)."""
    return analysis_state(organization, allow_previous=False)[0]


def analysis_state(organization, *, allow_previous: bool = True) -> tuple[coherence.InventoryAnalysis, bool]:
    """(analysis, updating) for the page, the export and the API.

    Every change enqueues `refresh_analysis`, which computes the analysis in the worker.
    While that is pending, the previous analysis is returned with updating=True, so that no
    visitor waits for a recomputation (0.4–0.6 s at 10,000 activities and 1,000,000
    participations); without a pending refresh, or with allow_previous=False, it is computed."""
    key = _analysis_key(organization)
    found = cache.get(key)
    if found is not None:
        return found, False
    if allow_previous and cache.get(_pending_key(organization.pk)):
        previous = cache.get(_latest_key(organization))
        if previous is not None:
            return previous, True
    return store_analysis(organization, key), False


def store_analysis(organization, key: str | None = None) -> coherence.InventoryAnalysis:
    """Compute the analysis and keep it under the current revision (and as the latest)."""
    key = key or _analysis_key(organization)
    result = compute_analysis(organization)
    cache.set_many({key: result, _latest_key(organization): result}, 24 * 3600)
    return result


def _latest_key(organization) -> str:
    return f"inventory-analysis-latest-{organization.pk}"


def _analysis_key(organization) -> str:
    revision = _revision(_revision_key(organization))
    return f"inventory-analysis-v2-{organization.pk}-{revision}-{_links_fingerprint(organization)}"


def compute_analysis(organization) -> coherence.InventoryAnalysis:
    return coherence.analyse(
        activity_facts(organization), linked_activity_ids(organization), cached_team_participation(organization)
    )


def starting_point(result: coherence.InventoryAnalysis) -> list[str]:
    """The starting-point sentences in the active language."""
    return coherence.starting_point(result, {key: str(label) for key, label in Initiator.choices})
