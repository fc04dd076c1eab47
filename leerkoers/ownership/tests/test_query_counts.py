"""The queries of the manager's home, the employee's home and the step page do not grow with
the organisation: the same count with N and with 3N teams, members, POPs, plans and
conversations (bench/ownership_pages.py times them with 50,000 members)."""

import datetime
import itertools

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leerkoers.accounts.models import User
from leerkoers.orgs.models import Membership, Role, Team
from leerkoers.ownership import services
from leerkoers.ownership.models import ConversationKind

_numbers = itertools.count(1)
# Pinned with the demo data and with every growth below (the step page as admin and as manager).
PINNED = {"manager_home": 23, "employee_home": 15, "step_page": 17}


def _grow(org, parent, teams: int) -> None:
    """`teams` more teams below `parent`, each with a manager, three members with POPs in
    several states, a plan and a coming conversation."""
    today = timezone.localdate()
    for _ in range(teams):
        n = next(_numbers)
        team = Team.objects.create(organization=org, name=f"Groei {n}", parent=parent)
        boss = _member(org, team, Role.MANAGER)
        team.manager = boss
        team.save()
        services.team_plan_create(organization=org, team=team, year=today.year, actor=None)
        for k, steps in enumerate([[], ["share"], ["share", "agree"]]):
            member = _member(org, team)
            pop = services.pop_create(member=member, year=today.year, actor=None)
            services.pop_goal_add(pop=pop, by=member, title="Leren plannen", actor=None)
            for step in steps:
                by = member if step == "share" else boss
                pop = services.pop_transition(pop=pop, action=step, by=by, actor=None)
            services.conversation_plan(
                organization=org,
                member=member,
                kind=ConversationKind.PROGRESS,
                planned_on=today + datetime.timedelta(days=n + k),
                actor=None,
            )


def _member(org, team, role=Role.EMPLOYEE) -> Membership:
    n = next(_numbers)
    user = User.objects.create(email=f"groei{n}@demo.example", full_name=f"Groei Persoon {n}")
    return Membership.objects.create(organization=org, user=user, role=role, team=team)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_pages_cost_the_same_queries_with_n_and_with_3n_teams(
    org, admin_client, manager_client, employee_client, django_assert_max_num_queries
):
    noord = Team.objects.get(organization=org, name="Wijkteam Noord")
    pages = {
        "manager_home": (manager_client, "/o/demo/"),
        "employee_home": (employee_client, "/o/demo/"),
        "step_page": (admin_client, "/o/demo/ownership/"),
        "step_page_manager": (manager_client, "/o/demo/ownership/"),
    }
    for client, url in pages.values():
        client.get(url)  # warm the caches the first request fills
    _grow(org, noord, 4)
    small = {name: _count(client, url) for name, (client, url) in pages.items()}
    _grow(org, noord, 8)  # 3 × as many teams, members, POPs, plans and conversations
    large = {name: _count(client, url) for name, (client, url) in pages.items()}
    assert small == large
    for name, (client, url) in pages.items():
        with django_assert_max_num_queries(PINNED[name.removesuffix("_manager")]):
            client.get(url)


def test_the_step_page_shows_50_teams_a_page_and_says_so(org, admin_client):
    Team.objects.bulk_create(Team(organization=org, name=f"Zz team {n:02}") for n in range(60))
    total = Team.objects.filter(organization=org).count()  # every demo member has a team
    first = admin_client.get("/o/demo/ownership/", headers={"accept-language": "en"}).content.decode()
    assert f"Teams 1–50 of {total}, by name" in first
    assert "Zz team 59" not in first and "?page=2" in first
    last = admin_client.get("/o/demo/ownership/?page=2", headers={"accept-language": "en"}).content.decode()
    assert f"Teams 51–{total} of {total}" in last and "Zz team 59" in last
