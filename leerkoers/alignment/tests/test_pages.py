"""Every page of step 3 renders for the members who may see it, with bounded queries."""

import pytest
from django.urls import reverse

from leerkoers.alignment.models import Kpi, LearningGoal, StrategicGoal

pytestmark = pytest.mark.django_db


def _url(name, org, **kwargs):
    return reverse(f"alignment:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_it_shows_the_golden_thread_overview_with_gaps_and_the_flow(admin_client, org, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        response = admin_client.get(_url("index", org))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Klantgerichter werken" in content
    assert "Strategic goals without learning goals" in content
    assert "Medewerkers behouden en laten groeien" in content  # the demo's visible gap
    assert "<svg" in content or "Nothing to draw yet" in content


def test_it_switches_the_flow_to_hours(admin_client, org):
    response = admin_client.get(_url("index", org) + "?weight=hours")
    assert response.status_code == 200
    assert response.context["weight"] == "hours"


@pytest.mark.parametrize("name", ["goals", "kpis", "learning_goals", "activities", "suggestions", "themes"])
def test_every_list_page_renders_for_an_employee(employee_client, org, name, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        response = employee_client.get(_url(name, org))
    assert response.status_code == 200


def test_the_detail_pages_render(admin_client, org):
    goal = StrategicGoal.objects.filter(organization=org).first()
    kpi = Kpi.objects.filter(organization=org).first()
    learning_goal = LearningGoal.objects.filter(organization=org).first()
    for response in (
        admin_client.get(_url("goal_detail", org, strategic_goal_id=goal.pk)),
        admin_client.get(_url("kpi_detail", org, kpi_id=kpi.pk)),
        admin_client.get(_url("learning_goal_detail", org, learning_goal_id=learning_goal.pk)),
        admin_client.get(_url("goal_edit", org, strategic_goal_id=goal.pk)),
        admin_client.get(_url("kpi_edit", org, kpi_id=kpi.pk)),
        admin_client.get(_url("learning_goal_edit", org, learning_goal_id=learning_goal.pk)),
        admin_client.get(_url("goal_create", org)),
        admin_client.get(_url("kpi_create", org)),
        admin_client.get(_url("learning_goal_create", org)),
        admin_client.get(_url("measurement_import", org)),
    ):
        assert response.status_code == 200


def test_the_kpi_page_carries_chart_data_and_a_table(admin_client, org):
    kpi = Kpi.objects.filter(organization=org, measurements__isnull=False).first()
    response = admin_client.get(_url("kpi_detail", org, kpi_id=kpi.pk))
    content = response.content.decode()
    assert 'id="kpi-data"' in content and "chart-4.5.1.umd.min" in content
    assert "<caption>Measurements</caption>" in content


def test_an_employee_cannot_open_the_editing_pages(employee_client, org):
    goal = StrategicGoal.objects.filter(organization=org).first()
    assert employee_client.get(_url("goal_create", org)).status_code == 403
    assert employee_client.get(_url("goal_edit", org, strategic_goal_id=goal.pk)).status_code == 403
    assert employee_client.post(_url("goal_delete", org, strategic_goal_id=goal.pk)).status_code == 403
    assert StrategicGoal.objects.filter(pk=goal.pk).exists()
