"""Team learning plans: a manager sees and edits only their own teams and the teams below;
admins see all."""

import pytest
from django.utils import timezone

from leerkoers.orgs.models import Team
from leerkoers.ownership.models import PlanStatus, TeamPlan
from leerkoers.ownership.tests.conftest import client_for


@pytest.fixture
def noord_plan(org, noord):
    return TeamPlan.objects.get(organization=org, team=noord, year=timezone.localdate().year)


@pytest.fixture
def zuid_plan(org):
    return TeamPlan.objects.get(organization=org, team__name="Wijkteam Zuid", year=timezone.localdate().year)


def _url(plan, tail=""):
    return f"/o/demo/ownership/plans/{plan.public_id}/{tail}"


def test_a_manager_lists_only_the_plans_of_their_teams(manager_client, noord_plan, zuid_plan):
    page = manager_client.get("/o/demo/ownership/plans/").content.decode()
    assert str(noord_plan.public_id) in page
    assert str(zuid_plan.public_id) not in page
    listed = {row["id"] for row in manager_client.get("/api/v1/orgs/demo/ownership/team-plans").json()}
    # Every year's plans of Noord (a scale-up of step 5 may have started next year's), none of Zuid.
    assert listed == {str(p.public_id) for p in TeamPlan.objects.filter(team=noord_plan.team)}


def test_a_manager_cannot_read_or_change_another_teams_plan(manager_client, zuid_plan):
    assert manager_client.get(_url(zuid_plan)).status_code == 404
    assert manager_client.post(_url(zuid_plan), {"notes": "overschreven"}).status_code == 404
    api = f"/api/v1/orgs/demo/ownership/team-plans/{zuid_plan.public_id}"
    assert manager_client.get(api).status_code == 404
    assert manager_client.patch(api, {"notes": "x"}, content_type="application/json").status_code == 404
    zuid_plan.refresh_from_db()
    assert zuid_plan.notes == ""


def test_the_manager_above_sees_the_plans_of_the_teams_below(org, noord_plan):
    above = Team.objects.get(organization=org, name="Zorg Noord").manager.user
    client = client_for(above)
    assert client.get(_url(noord_plan)).status_code == 200
    response = client.post(_url(noord_plan, "goals/"), {"title": "Van bovenaf"})
    assert response.status_code == 302
    assert noord_plan.goals.filter(title="Van bovenaf").exists()


def test_the_manager_edits_their_plan(manager_client, noord_plan, org):
    response = manager_client.post(
        _url(noord_plan),
        {
            "status": "active",
            "review_date": "2026-12-31",
            "budget": "12.500,00".replace(".", ""),
            "spend": "300",
            "notes": "Q1",
        },
    )
    assert response.status_code == 302
    noord_plan.refresh_from_db()
    assert (noord_plan.status, str(noord_plan.budget), noord_plan.notes) == (PlanStatus.ACTIVE, "12500.00", "Q1")
    manager_client.post(_url(noord_plan, "activities/"), {"title": "Nieuwe workshop", "cost": "250"})
    assert noord_plan.activities.filter(title="Nieuwe workshop", activity__isnull=True).exists()
    response = manager_client.post(_url(noord_plan, "activities/"), {"title": "Duur", "cost": "veel"}, follow=True)
    assert "Enter an amount as a number" in response.content.decode()
    assert not noord_plan.activities.filter(title="Duur").exists()


def test_an_active_plan_needs_a_review_date(manager_client, noord_plan):
    response = manager_client.post(_url(noord_plan), {"status": "active", "review_date": "", "spend": "0"}, follow=True)
    assert "An active plan needs a review date." in response.content.decode()


def test_it_refuses_a_review_date_or_an_amount_that_does_not_parse(manager_client, noord_plan):
    for field, value, message in [
        ("review_date", "31-12-2026", "Enter the date as a date, e.g. 2026-06-30."),
        ("budget", "veel", "Enter an amount as a number"),
    ]:
        response = manager_client.post(_url(noord_plan), {field: value, "notes": "niet bewaard"}, follow=True)
        assert response.status_code == 200
        assert message in response.content.decode()
    noord_plan.refresh_from_db()
    assert noord_plan.notes != "niet bewaard"


def test_a_manager_cannot_start_a_plan_for_another_team(manager_client, org):
    zuid = Team.objects.get(organization=org, name="Wijkteam Zuid")
    assert manager_client.post("/o/demo/ownership/plans/", {"team": zuid.pk, "year": 2031}).status_code == 403
    response = manager_client.post(
        "/api/v1/orgs/demo/ownership/team-plans", {"team_id": zuid.pk, "year": 2031}, content_type="application/json"
    )
    assert response.status_code == 422
    assert not TeamPlan.objects.filter(team=zuid, year=2031).exists()


def test_an_admin_sees_and_edits_every_plan(admin_client, zuid_plan, org):
    assert admin_client.get(_url(zuid_plan)).status_code == 200
    assert (
        len(admin_client.get("/api/v1/orgs/demo/ownership/team-plans").json())
        == TeamPlan.objects.filter(organization=org).count()
    )
    api = f"/api/v1/orgs/demo/ownership/team-plans/{zuid_plan.public_id}"
    assert admin_client.patch(api, {"budget": "5000"}, content_type="application/json").json()["budget"] == "5000.00"


def test_an_employee_reads_their_own_teams_plan_only(employee_client, noord_plan, zuid_plan):
    assert employee_client.get(_url(noord_plan)).status_code == 200
    assert employee_client.get(_url(zuid_plan)).status_code == 404
    assert employee_client.post(_url(noord_plan), {"notes": "x"}).status_code == 403


def test_it_refuses_a_second_plan_for_the_same_team_and_year(admin_client, noord_plan):
    response = admin_client.post(
        "/o/demo/ownership/plans/", {"team": noord_plan.team_id, "year": noord_plan.year}, follow=True
    )
    assert "already has a learning plan for" in response.content.decode()


def test_the_plan_list_answers_within_a_fixed_number_of_queries(admin_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        assert admin_client.get("/o/demo/ownership/plans/").status_code == 200
