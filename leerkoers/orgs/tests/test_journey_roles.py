"""The journey as each role may read it: every step declares who opens its page, who reads
its figures and who takes its next action (leerkoers/journey.py), and the journey page,
the homes and the navigation show each role only that."""

import dataclasses

import pytest
from django.urls import resolve, reverse

from leerkoers import journey
from leerkoers.lib.journey import Figure, Status, StepReport
from leerkoers.orgs.access import EVERYONE
from leerkoers.orgs.models import ADVISOR, Role

JOURNEY = reverse("orgs:journey", args=["demo"])
CLIENTS = {
    Role.ADMIN: "admin_client",
    Role.DIRECTOR: "director_client",
    Role.MANAGER: "manager_client",
    Role.EMPLOYEE: "employee_client",
    ADVISOR: "advisor_client",
}


@pytest.mark.parametrize("step", journey.STEPS, ids=lambda step: step.key)
def test_each_step_declares_the_rule_of_its_own_page(step):
    view = resolve(reverse(step.url_name, kwargs={"org_slug": "demo"})).func
    assert step.readers == view.role_rule.read
    assert step.figure_readers <= step.readers
    assert step.actors <= step.readers
    assert step.readers <= EVERYONE


@pytest.fixture
def marked(monkeypatch):
    """Every step reports a figure and a next action named after it, so that the page shows
    which of them each role gets."""
    steps = [
        dataclasses.replace(
            step,
            report=(
                lambda o, key=step.key: StepReport(
                    Status.IN_PROGRESS, [Figure(f"figure-of-{key}", "42")], f"action-of-{key}"
                )
            ),
            reports=None,
        )
        for step in journey.STEPS
    ]
    monkeypatch.setattr(journey, "STEPS", steps)
    return steps


@pytest.mark.parametrize("role", list(CLIENTS))
def test_the_journey_shows_each_role_only_the_figures_actions_and_links_of_its_rules(request, db, marked, role):
    response = request.getfixturevalue(CLIENTS[role]).get(JOURNEY)
    assert response.status_code == 200
    page = response.content.decode()
    main = page[page.index("<main") :]
    for step in marked:
        url = reverse(step.url_name, args=["demo"])
        assert str(step.title) in main
        assert (f'href="{url}"' in main) == (role in step.readers), step.key
        assert (f"figure-of-{step.key}" in main) == (role in step.figure_readers), step.key
        assert (f"action-of-{step.key}" in main) == (role in step.actors), step.key


def test_an_employee_reads_no_scan_score_and_is_given_no_step_to_take(employee_client, manager_client):
    page = employee_client.get(JOURNEY).content.decode()
    assert "Overall score" not in page
    assert "What to do next" not in page
    assert "Add goals and results to the activities" not in page
    assert "Teams with a current plan" not in page  # the ownership indicators
    manager = manager_client.get(JOURNEY).content.decode()
    assert "Overall score" not in manager and "Teams with a current plan" in manager


def test_hr_reads_the_scan_score_and_the_inventory_action(admin_client, director_client):
    page = admin_client.get(reverse("orgs:home", args=["demo"])).content.decode()
    assert "Overall score" in page
    assert "Add goals and results to the activities" in page
    director = director_client.get(reverse("orgs:home", args=["demo"])).content.decode()
    assert "Overall score" in director  # scan results are for the leadership
    assert "Add goals and results to the activities" not in director  # inventory changes: HR


def test_the_navigation_links_only_the_steps_a_role_may_open(employee_client, admin_client):
    inventory, policy = reverse("inventory:index", args=["demo"]), reverse("policy:index", args=["demo"])
    nav = employee_client.get(JOURNEY).content.decode().split('class="journey-nav"')[1].split("</nav>")[0]
    assert f'href="{inventory}"' not in nav and f'href="{policy}"' not in nav
    assert f'href="{reverse("ownership:index", args=["demo"])}"' in nav
    nav = admin_client.get(JOURNEY).content.decode().split('class="journey-nav"')[1].split("</nav>")[0]
    assert f'href="{inventory}"' in nav and f'href="{policy}"' in nav
