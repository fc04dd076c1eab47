"""The pages that change step 3: forms through the URLs, as the users who use them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from leerkoers.alignment.models import (
    ActivityLink,
    Kpi,
    LearningGoal,
    LearningGoalLink,
    Measurement,
    RejectedSuggestion,
    StrategicGoal,
    Theme,
)
from leerkoers.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def url(name, org, **kwargs):
    return reverse(f"alignment:{name}", kwargs={"org_slug": org.slug, **kwargs})


@pytest.fixture
def goal(org):
    return StrategicGoal.objects.create(organization=org, title="Klantgerichter", theme="customer_satisfaction")


def test_the_board_adds_a_strategic_goal(director_client, org):
    response = director_client.post(
        url("goal_create", org),
        {"title": "Innoveren", "theme": "efficiency_innovation", "status": "active", "priority": 2},
    )
    goal = StrategicGoal.objects.get(organization=org, title="Innoveren")
    assert response.status_code == 302 and response.url == url("goal_detail", org, strategic_goal_id=goal.pk)
    assert AuditEvent.objects.filter(organization=org, action="strategic_goal.create").exists()


def test_it_shows_the_errors_of_a_bad_strategic_goal_and_saves_nothing(admin_client, org):
    before = StrategicGoal.objects.count()
    response = admin_client.post(
        url("goal_create", org),
        {
            "title": "",
            "theme": "efficiency_innovation",
            "status": "active",
            "priority": 1,
            "period_start": "2026-05-01",
            "period_end": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"title"}
    response = admin_client.post(
        url("goal_create", org),
        {
            "title": "X",
            "theme": "efficiency_innovation",
            "status": "active",
            "priority": 1,
            "period_start": "2026-05-01",
            "period_end": "2026-01-01",
        },
    )
    assert "period_end" in response.context["form"].errors
    assert StrategicGoal.objects.count() == before


def test_an_own_theme_can_be_added_and_is_not_deleted_while_in_use(admin_client, org):
    admin_client.post(url("themes", org), {"name": "Groen werken", "key": "groen"})
    theme = Theme.objects.get(organization=org, key="groen")
    StrategicGoal.objects.create(organization=org, title="CO2 omlaag", theme="groen")
    response = admin_client.post(url("theme_delete", org, theme_id=theme.pk), follow=True)
    assert "Strategic goals still use this theme" in response.content.decode()
    assert Theme.objects.filter(pk=theme.pk).exists()


def test_a_preset_key_cannot_be_taken_by_an_own_theme(admin_client, org):
    response = admin_client.post(url("themes", org), {"name": "Klant", "key": "customer_satisfaction"})
    assert "preset" in response.content.decode()
    assert not Theme.objects.filter(organization=org, key="customer_satisfaction").exists()


def test_it_adds_a_kpi_and_refuses_a_target_on_the_wrong_side(admin_client, org, goal):
    data = {
        "strategic_goal": goal.pk,
        "name": "NPS",
        "unit": "score",
        "direction": "higher",
        "baseline_value": "10",
        "baseline_date": "2026-01-01",
        "target_value": "5",
        "target_date": "2027-01-01",
    }
    response = admin_client.post(url("kpi_create", org), data)
    assert response.status_code == 200
    assert "target must be above the baseline" in response.content.decode()
    response = admin_client.post(url("kpi_create", org), data | {"target_value": "30"})
    assert response.status_code == 302
    assert Kpi.objects.filter(organization=org, strategic_goal=goal, name="NPS").exists()


def test_it_adds_a_measurement_on_the_kpi_page_and_explains_a_refusal(admin_client, org, goal):
    kpi = Kpi.objects.create(
        organization=org,
        strategic_goal=goal,
        name="NPS",
        unit="score",
        direction="higher",
        baseline_value=Decimal(10),
        baseline_date=timezone.localdate() - timedelta(days=30),
        target_value=Decimal(30),
        target_date=timezone.localdate() + timedelta(days=300),
    )
    page = url("kpi_detail", org, kpi_id=kpi.pk)
    response = admin_client.post(page, {"date": str(timezone.localdate()), "value": "12"})
    assert response.status_code == 302
    response = admin_client.post(page, {"date": str(timezone.localdate()), "value": "13"})
    assert response.status_code == 200
    assert "already a measurement" in response.content.decode()
    response = admin_client.post(page, {"date": str(kpi.baseline_date - timedelta(days=1)), "value": "13"})
    assert "before the KPI’s baseline date" in response.content.decode()
    assert list(Measurement.objects.filter(kpi=kpi).values_list("value", flat=True)) == [Decimal(12)]
    measurement = Measurement.objects.get(kpi=kpi)
    admin_client.post(url("measurement_delete", org, kpi_id=kpi.pk, measurement_id=measurement.pk))
    assert not Measurement.objects.filter(kpi=kpi).exists()


def test_the_guided_form_saves_a_smart_learning_goal_with_its_rationale(admin_client, org, goal):
    deadline = timezone.localdate() + timedelta(days=100)
    response = admin_client.post(
        url("learning_goal_create", org),
        {
            "title": "Doorvragen",
            "who": "Medewerkers klantenservice",
            "target_roles": ["employee"],
            "behaviour": "Stellen twee open vragen voordat ze een oplossing geven",
            "measure": "Klantwaardering minstens 8",
            "deadline": str(deadline),
            "strategic_goals": [goal.pk],
            f"rationale_{goal.pk}": "Wie doorvraagt, begrijpt de klant",
        },
    )
    lg = LearningGoal.objects.get(organization=org, title="Doorvragen")
    assert response.status_code == 302
    link = LearningGoalLink.objects.get(learning_goal=lg)
    assert (link.strategic_goal, link.rationale) == (goal, "Wie doorvraagt, begrijpt de klant")
    assert lg.target_roles == ["employee"]
    detail = admin_client.get(url("learning_goal_detail", org, learning_goal_id=lg.pk)).content.decode()
    assert "smart-item--missing" not in detail


def test_the_smart_check_says_what_is_missing_while_typing(admin_client, org):
    response = admin_client.post(url("smart_check", org), {"title": "Iets", "behaviour": "beter worden"})
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count("smart-item--missing") == 6
    assert "Say who learns" in content and "Set a date by when" in content
    assert not LearningGoal.objects.filter(title="Iets").exists()


def test_activities_are_linked_from_both_sides(admin_client, org, activities):
    lg = LearningGoal.objects.create(organization=org, title="Communicatie")
    admin_client.post(url("learning_goal_activity_add", org, learning_goal_id=lg.pk), {"activity": activities[0].pk})
    response = admin_client.post(
        url("activity_link", org, activity_id=activities[1].pk),
        {"learning_goal": lg.pk, "next": url("activities", org) + "?show=unlinked"},
    )
    assert response.status_code == 302 and response.url.endswith("?show=unlinked")
    assert set(ActivityLink.objects.filter(learning_goal=lg).values_list("activity_id", flat=True)) == {
        activities[0].pk,
        activities[1].pk,
    }
    page = admin_client.get(url("activities", org) + "?show=linked").content.decode()
    assert "Communicatie" in page and activities[0].title in page
    admin_client.post(url("learning_goal_activity_remove", org, learning_goal_id=lg.pk, activity_id=activities[0].pk))
    assert list(ActivityLink.objects.filter(learning_goal=lg).values_list("activity_id", flat=True)) == [
        activities[1].pk
    ]


def test_a_redirect_after_linking_never_leaves_the_site(admin_client, org, activities):
    lg = LearningGoal.objects.create(organization=org, title="Communicatie")
    response = admin_client.post(
        url("activity_link", org, activity_id=activities[0].pk),
        {"learning_goal": lg.pk, "next": "//evil.example/"},
    )
    assert response.url == url("activities", org)


def test_the_activities_page_lists_with_bounded_queries(admin_client, org, activities, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        response = admin_client.get(url("activities", org))
    assert response.status_code == 200


def test_suggestions_are_accepted_or_rejected_never_linked_silently(admin_client, org, activities):
    lg = LearningGoal.objects.create(
        organization=org, title="Klantgesprekken en communicatie", behaviour="Communicatie in klantgesprekken"
    )
    page = admin_client.get(url("suggestions", org)).content.decode()
    assert activities[0].title in page
    assert not ActivityLink.objects.filter(learning_goal=lg).exists()

    admin_client.post(url("suggestion_reject", org), {"learning_goal": lg.pk, "activity": activities[0].pk})
    assert RejectedSuggestion.objects.filter(learning_goal=lg, activity=activities[0]).exists()
    assert activities[0].title not in admin_client.get(url("suggestions", org)).content.decode()

    admin_client.post(url("suggestion_accept", org), {"learning_goal": lg.pk, "activity": activities[0].pk})
    assert ActivityLink.objects.filter(learning_goal=lg, activity=activities[0]).exists()


def test_an_employee_cannot_link_or_accept(employee_client, org, activities):
    lg = LearningGoal.objects.create(organization=org, title="Communicatie")
    assert (
        employee_client.post(
            url("activity_link", org, activity_id=activities[0].pk), {"learning_goal": lg.pk}
        ).status_code
        == 403
    )
    assert (
        employee_client.post(
            url("suggestion_accept", org), {"learning_goal": lg.pk, "activity": activities[0].pk}
        ).status_code
        == 403
    )
    assert not ActivityLink.objects.filter(learning_goal=lg).exists()


def test_deleting_a_strategic_goal_keeps_its_learning_goals(admin_client, org, goal):
    lg = LearningGoal.objects.create(organization=org, title="Blijft")
    LearningGoalLink.objects.create(organization=org, learning_goal=lg, strategic_goal=goal)
    admin_client.post(url("goal_delete", org, strategic_goal_id=goal.pk))
    assert not StrategicGoal.objects.filter(pk=goal.pk).exists()
    assert LearningGoal.objects.filter(pk=lg.pk).exists()


def test_the_activities_page_searches_titles(admin_client, org, activities):
    response = admin_client.get(url("activities", org) + "?q=medicatie")
    titles = [activity.title for activity in response.context["page"].object_list]
    assert activities[2].title in titles and activities[1].title not in titles


def _demo_satisfaction_kpi(org, goal):
    """The demo's employee-satisfaction KPI (7.0 → 7.8 over two years, on the path with a
    little noise), with a year of monthly measurements as the demo seeds them."""
    from leerkoers.alignment import demo

    today = timezone.localdate()
    baseline_date = today - timedelta(days=370)
    kpi = Kpi.objects.create(
        organization=org,
        strategic_goal=goal,
        name="Medewerkertevredenheid",
        unit="score",
        direction="higher",
        baseline_value=Decimal("7.0"),
        baseline_date=baseline_date,
        target_value=Decimal("7.8"),
        target_date=baseline_date + timedelta(days=730),
    )
    demo._measurements(org, kpi, 1.0, months=12, today=today)
    return kpi


def test_a_kpi_on_its_path_with_noise_keeps_its_status_month_after_month(org, goal):
    from leerkoers.alignment.selectors import kpi_assessment

    kpi = _demo_satisfaction_kpi(org, goal)
    series = list(Measurement.objects.filter(kpi=kpi, team__isnull=True).order_by("date"))
    statuses = [kpi_assessment(kpi, series[: i + 1]).status for i in range(len(series))]
    # By the latest point alone it flipped seven times in twelve months, by hundredths of a
    # point. From the third measurement on, the trend decides: not one flip, and on track.
    assert len(series) == 12
    assert len(set(statuses[2:])) == 1 and statuses[-1] == "on_track"


def test_the_kpi_page_says_what_the_status_rests_on_and_which_baseline_teams_get(admin_client, org, goal):
    kpi = _demo_satisfaction_kpi(org, goal)
    from leerkoers.orgs.models import Team

    team = Team.objects.filter(organization=org).first()
    Measurement.objects.create(
        organization=org, kpi=kpi, team=team, date=kpi.baseline_date + timedelta(days=30), value=Decimal("7.1")
    )
    content = admin_client.get(url("kpi_detail", org, kpi_id=kpi.pk), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The status compares the trend through the latest 6 measurements with the planned path" in content
    assert "Trend on the latest date" in content
    assert "judged against the organisation's baseline and target" in content
    assert f"{team.name}: " in content and "the organisation's baseline and target</small>" in content


def test_a_team_measured_from_before_the_start_is_judged_from_its_own_baseline(admin_client, org, goal):
    from leerkoers.orgs.models import Team

    kpi = _demo_satisfaction_kpi(org, goal)  # 7.0 → 7.8
    team = Team.objects.filter(organization=org).first()
    page = url("kpi_detail", org, kpi_id=kpi.pk)
    before = str(kpi.baseline_date - timedelta(days=20))
    # A team's history before the start is accepted; the organisation's is not.
    response = admin_client.post(page, {"date": before, "value": "6.5", "team": team.pk})
    assert response.status_code == 302, response.content.decode()
    response = admin_client.post(page, {"date": before, "value": "6.5"})
    assert "before the KPI’s baseline date" in response.content.decode()
    Measurement.objects.create(
        organization=org, kpi=kpi, team=team, date=kpi.baseline_date + timedelta(days=30), value=Decimal("6.6")
    )
    response = admin_client.get(page, HTTP_ACCEPT_LANGUAGE="en")
    plans = {name: plan for name, plan, _assessment in response.context["team_status"]}
    plan = plans[team.name]
    assert plan.own_baseline
    assert not any(p.own_baseline for name, p in plans.items() if name != team.name)  # no history before the start
    assert (plan.baseline_value, plan.target_value) == (Decimal("6.5"), Decimal("7.3"))  # the same +0.8
    assert "own baseline 6.5, target 7.3" in response.content.decode()
