"""The golden thread end to end: the hand-computed example of test_golden_thread.py stored in
a fresh organisation and read back through the API, the selectors and the journey."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from leerkoers.alignment import selectors
from leerkoers.alignment.journey import report
from leerkoers.alignment.models import ActivityLink, LearningGoal, LearningGoalLink, StrategicGoal
from leerkoers.inventory.models import Activity, ActivityTeam
from leerkoers.lib import journey
from leerkoers.orgs.models import Organization, Team
from leerkoers.orgs.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def example(admin_user):
    """Strategic goals S1–S3, learning goals L10–L13 (L12 without measure), activities A–D:

    links S1–L10, S1–L11, S2–L11, S2–L13; L10–A, L11–B, L12–B, L12–C; D unlinked.
    A 1000 € / 10 h, team X; B 600 € / 30 h, teams X and Y; C 400 € / 20 h, team Y; D 2000 € / 60 h.
    Aligned: A and B → spend 1600 / 4000 = 0.4, hours 40 / 120 = 1/3.
    """
    org = Organization.objects.create(name="Voorbeeld", slug="voorbeeld")
    x, y = Team.objects.create(organization=org, name="X"), Team.objects.create(organization=org, name="Y")
    s1, s2, s3 = (
        StrategicGoal.objects.create(organization=org, title=t, theme="service_quality", priority=i)
        for i, t in enumerate(["S1", "S2", "S3"], start=1)
    )
    l10, l11, l12, l13 = (
        LearningGoal.objects.create(organization=org, title=t, measure="" if t == "L12" else "score 8")
        for t in ["L10", "L11", "L12", "L13"]
    )
    a, b, c, d = (
        Activity.objects.create(
            organization=org,
            title=t,
            cost=Decimal(cost),
            hours_per_participant=Decimal(hours),
            participants=1,
            start_date=start,
        )
        for t, cost, hours, start in [
            ("A", 1000, 10, date(2025, 3, 1)),
            ("B", 600, 30, date(2025, 9, 1)),
            ("C", 400, 20, date(2026, 2, 1)),
            ("D", 2000, 60, None),
        ]
    )
    for activity, team in [(a, x), (b, x), (b, y), (c, y)]:
        ActivityTeam.objects.create(organization=org, activity=activity, team=team)
    for sg, lg in [(s1, l10), (s1, l11), (s2, l11), (s2, l13)]:
        LearningGoalLink.objects.create(organization=org, strategic_goal=sg, learning_goal=lg)
    for lg, activity in [(l10, a), (l11, b), (l12, b), (l12, c)]:
        ActivityLink.objects.create(organization=org, learning_goal=lg, activity=activity)
    _token, raw = api_token_create(organization=org, name="t", can_write=False, created_by=admin_user)
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    return org, client, {"s3": s3, "l12": l12, "l13": l13, "a": a, "b": b, "d": d, "x": x, "y": y}


def test_the_api_pins_the_gaps_and_the_aligned_shares(example):
    org, client, o = example
    body = client.get("/api/v1/orgs/voorbeeld/golden-thread").json()
    assert body["gaps"] == {
        "strategic_goals_without_learning_goals": [o["s3"].pk],
        "learning_goals_without_activities": [o["l13"].pk],
        "activities_without_learning_goals": [o["d"].pk],
        "learning_goals_without_measure": [o["l12"].pk],
    }
    assert body["aligned_spend_share"] == 0.4
    assert body["aligned_hours_share"] == pytest.approx(1 / 3)
    assert (body["total_spend"], body["aligned_spend"]) == (4000.0, 1600.0)
    by_team = {row["team"]: row for row in body["by_team"]}
    assert by_team[o["x"].pk]["aligned_spend_share"] == 1.0 and by_team[o["x"].pk]["spend"] == 1300.0
    assert by_team[o["y"].pk]["aligned_spend_share"] == pytest.approx(3 / 7)
    assert by_team[None]["aligned_spend_share"] == 0.0
    assert [(row["period"], row["aligned_spend_share"]) for row in body["trend"]] == [("2025", 1.0), ("2026", 0.0)]


def test_the_linked_share_function_for_the_inventory(example):
    org, _client, o = example
    activities = set(Activity.objects.filter(organization=org).values_list("pk", flat=True))
    assert selectors.linked_activity_ids(org) == activities - {o["d"].pk}
    assert selectors.aligned_activity_ids(org) == {o["a"].pk, o["b"].pk}


def test_the_overview_page_draws_the_example(example, admin_user):
    org, _client, o = example
    from leerkoers.orgs.models import Membership, Role

    Membership.objects.create(organization=org, user=admin_user, role=Role.ADMIN)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(admin_user)
    response = client.get("/o/voorbeeld/alignment/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "40%" in content  # aligned spend
    assert content.count('class="flow-band') == 10  # 5 strategic → learning, 5 learning → activity bands
    assert "No strategic goal" in content and "No learning goal" in content


def test_the_journey_reports_the_step_in_progress_with_the_aligned_spend(example):
    org, _client, _o = example
    with translation.override("en"):
        result = report(org)
    assert result.status == journey.Status.IN_PROGRESS
    assert journey.Figure("Aligned spend", "40%") in result.figures


def test_the_journey_says_not_started_without_goals():
    org = Organization.objects.create(name="Leeg", slug="leeg")
    assert report(org).status == journey.Status.NOT_STARTED


def test_the_journey_says_done_when_every_goal_has_a_kpi_a_learning_goal_and_activities():
    from datetime import timedelta

    from leerkoers.alignment.models import Kpi

    org = Organization.objects.create(name="Klaar", slug="klaar")
    sg = StrategicGoal.objects.create(organization=org, title="S", theme="service_quality")
    lg = LearningGoal.objects.create(organization=org, title="L", measure="8")
    LearningGoalLink.objects.create(organization=org, strategic_goal=sg, learning_goal=lg)
    activity = Activity.objects.create(organization=org, title="A", cost=Decimal(100))
    ActivityLink.objects.create(organization=org, learning_goal=lg, activity=activity)
    assert report(org).status == journey.Status.IN_PROGRESS  # the strategic goal has no KPI yet
    Kpi.objects.create(
        organization=org,
        strategic_goal=sg,
        name="K",
        unit="number",
        direction="higher",
        baseline_value=1,
        baseline_date=date(2026, 1, 1),
        target_value=2,
        target_date=date(2026, 1, 1) + timedelta(days=300),
    )
    assert report(org).status == journey.Status.DONE


@pytest.fixture
def scoped(example):
    """The example with who the goals are for, a dropped goal, a strategy period and records:

    S1 runs 2025 (S2 dropped, S3 undated); L10 and L11 are for team Y only; participation
    records: A 2 × team X, B 1 × team X and 3 × team Y.
    Within 2025 (A, B): A (team X) serves L10 for Y → not aligned; B (X, Y) serves L11 for Y
    → aligned. Spend 600 / 1600 = 0.375; whole inventory 600 / 4000 = 0.15.
    Target teams: A 1000 → X; B 300 → X (not aligned: L11 is for Y), 300 → Y (aligned).
    Participants: A 1000 → X; B 600 → X 150 (not aligned), Y 450 (aligned).
    """
    from leerkoers.inventory.models import Participation

    org, client, o = example
    StrategicGoal.objects.filter(organization=org, title="S1").update(
        period_start=date(2025, 1, 1), period_end=date(2025, 12, 31)
    )
    StrategicGoal.objects.filter(organization=org, title="S2").update(status=StrategicGoal.Status.DROPPED)
    for goal in LearningGoal.objects.filter(organization=org, title__in=["L10", "L11"]):
        goal.target_teams.set([o["y"]])
    records = [(o["a"], o["x"])] * 2 + [(o["b"], o["x"])] + [(o["b"], o["y"])] * 3
    Participation.objects.bulk_create(
        Participation(organization=org, activity=activity, team=team, person_key=f"p{i}")
        for i, (activity, team) in enumerate(records)
    )
    return org, client, o


def test_the_api_pins_the_scoped_shares_within_the_strategy_period(scoped):
    org, client, o = scoped
    assert selectors.aligned_activity_ids(org) == {o["b"].pk}
    body = client.get("/api/v1/orgs/voorbeeld/golden-thread").json()
    assert (body["period_start"], body["period_end"]) == ("2025-01-01", "2025-12-31")
    assert (body["aligned_spend"], body["total_spend"], body["aligned_spend_share"]) == (600.0, 1600.0, 0.375)
    assert body["all_periods"]["aligned_spend_share"] == 0.15
    by_team = {row["team"]: (row["spend"], row["aligned_spend_share"]) for row in body["by_team"]}
    assert by_team == {o["x"].pk: (1300.0, 0.0), o["y"].pk: (300.0, 1.0)}
    by_people = {row["team"]: (row["spend"], row["aligned_spend_share"]) for row in body["by_participants"]}
    assert by_people == {o["x"].pk: (1150.0, 0.0), o["y"].pk: (450.0, 1.0)}


def test_the_overview_page_names_the_period_and_both_splits(scoped, admin_user):
    from leerkoers.orgs.models import Membership, Role

    org, _client, _o = scoped
    Membership.objects.create(organization=org, user=admin_user, role=Role.ADMIN)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(admin_user)
    content = client.get("/o/voorbeeld/alignment/").content.decode()
    assert "Shares within the strategy period, Jan 1, 2025 to Dec 31, 2025" in content
    assert "38%" in content  # 600 / 1600, within the period
    assert "whatever the date: 15% of the spend" in content
    assert "By the teams of the participants" in content
    assert "Only active strategic goals count" in content
