"""Pilot pages through their URLs: design with its check, the draw, start (locking the rule),
a later rule change shown with its date, evaluation and the decision."""

import re

import numpy as np
import pytest
from django.urls import reverse

from leerkoers.alignment.models import Kpi
from leerkoers.audit.models import AuditEvent
from leerkoers.inventory.models import Activity
from leerkoers.orgs.models import Team
from leerkoers.ownership.models import TeamPlan
from leerkoers.pilots.demo import FINISHED, RUNNING
from leerkoers.pilots.models import Pilot, PilotActivity, PilotRuleChange

pytestmark = pytest.mark.django_db


def _url(name, pilot=None):
    kwargs = {"org_slug": "demo"}
    if pilot is not None:
        kwargs["pilot_id"] = pilot.public_id
    return reverse(f"pilots:{name}", kwargs=kwargs)


def _teams(org, *names):
    return [Team.objects.get(organization=org, name=n).pk for n in names]


def _design(org, **extra):
    kpi = Kpi.objects.get(organization=org, name="Klachten per 1.000 cliënten")
    return {
        "title": "Intervisie in de wijk",
        "hypothesis": "Als de wijkteams intervisie doen, dalen de klachten.",
        "pilot_teams": _teams(org, "Wijkteam Noord", "Wijkteam Zuid"),
        "comparison_teams": _teams(org, "Klantenservice", "Dagbesteding"),
        "kpis": [kpi.pk],
        "start": "2027-01-01",
        "end": "2027-04-01",
        "fees": "1000",
        "hours": "10",
        "hourly_cost": "50",
        "materials": "200",
        "scale_up_min": "1",
        "max_p": "0.1",
        "stop_max": "0",
        **extra,
    }


def test_it_creates_a_pilot_and_shows_what_its_design_can_show(admin_client, org):
    response = admin_client.post(_url("new"), _design(org))
    pilot = Pilot.objects.get(organization=org, title="Intervisie in de wijk")
    assert response.status_code == 302 and response.url == _url("pilot", pilot)
    page = admin_client.get(_url("pilot", pilot)).content.decode()
    assert "1/6" in page and "can never give a convincing result" in page
    assert "at least 3 comparison teams" in page
    assert pilot.cost == 1700 and "€1,700" in page
    assert AuditEvent.objects.filter(organization=org, action="pilots.create").exists()


def test_it_refuses_a_team_in_both_groups_with_a_clear_error(admin_client, org):
    data = _design(org, comparison_teams=_teams(org, "Wijkteam Noord"))
    response = admin_client.post(_url("new"), data)
    assert response.status_code == 200
    assert "either in the pilot or a comparison team" in response.content.decode()
    assert not Pilot.objects.filter(organization=org, title="Intervisie in de wijk").exists()


def test_it_draws_the_teams_at_random_and_records_the_seed(admin_client, org):
    admin_client.post(_url("new"), _design(org))
    pilot = Pilot.objects.get(organization=org, title="Intervisie in de wijk")
    candidates = _teams(org, "Wijkteam Noord", "Wijkteam Zuid", "Klantenservice", "Dagbesteding", "Zorg Noord")
    admin_client.post(_url("draw", pilot), {"candidates": candidates, "n_pilot": 2})
    pilot.refresh_from_db()
    assert pilot.assignment == Pilot.Assignment.RANDOM and pilot.draw_seed is not None
    assert pilot.draw_candidates == sorted(candidates)
    expected = {int(i) for i in np.random.default_rng(pilot.draw_seed).permutation(sorted(candidates))[:2]}
    assert {t.team_id for t in pilot.teams.filter(arm="pilot")} == expected
    assert pilot.teams.filter(arm="comparison").count() == 3
    assert f"seed {pilot.draw_seed}" in admin_client.get(_url("pilot", pilot)).content.decode()


def test_it_walks_a_pilot_from_start_to_decision_and_shows_a_later_rule_change(admin_client, org):
    admin_client.post(_url("new"), _design(org))
    pilot = Pilot.objects.get(organization=org, title="Intervisie in de wijk")
    admin_client.post(_url("start", pilot))
    pilot.refresh_from_db()
    assert pilot.status == Pilot.Status.RUNNING and pilot.rule_locked_at is not None
    assert admin_client.get(_url("edit", pilot)).status_code == 302  # the design is fixed now

    admin_client.post(_url("rule", pilot), {"scale_up_min": "2", "max_p": "0.1", "stop_max": "0", "reason": ""})
    pilot.refresh_from_db()
    assert pilot.scale_up_min == 1  # refused without a reason
    admin_client.post(
        _url("rule", pilot), {"scale_up_min": "2", "max_p": "0.1", "stop_max": "0", "reason": "Hoger lat."}
    )
    change = PilotRuleChange.objects.get(organization=org, pilot=pilot)
    assert change.before["scale_up_min"] == "1.0000" and change.after["scale_up_min"] == "2"
    page = admin_client.get(_url("pilot", pilot)).content.decode()
    assert "Changed after the start" in page and "Hoger lat." in page

    admin_client.post(_url("evaluate", pilot))
    activity = Activity.objects.filter(organization=org).order_by("pk").first()
    PilotActivity.objects.create(organization=org, pilot=pilot, activity=activity)
    admin_client.post(
        _url("decide", pilot),
        {
            "decision": "scale_up",
            "reason": "Duidelijk beter.",
            "lessons": "Eerder beginnen.",
            "scale_up_teams": _teams(org, "Zorg Noord"),
            "scale_up_start": "2027-06-01",
        },
    )
    pilot.refresh_from_db()
    assert pilot.status == Pilot.Status.DECIDED and pilot.decision == "scale_up"
    assert pilot.decided_by_label == "admin@demo.example"
    follow = pilot.follow_ups.get()
    assert follow.status == Pilot.Status.DESIGN and [t.team.name for t in follow.teams.all()] == ["Zorg Noord"]
    # Step 4 carries it: the next team's plan for 2027 has the pilot's activity, once.
    plan = TeamPlan.objects.get(organization=org, team__name="Zorg Noord", year=2027)
    assert list(plan.activities.values_list("activity_id", flat=True)) == [activity.pk]
    assert AuditEvent.objects.filter(organization=org, action="ownership.team_plan_activity_add").exists()


def test_it_shows_the_finished_demo_pilot_with_a_likely_improvement(client, employee_client, org):
    pilot = Pilot.objects.get(organization=org, title=FINISHED)
    page = employee_client.get(_url("pilot", pilot)).content.decode()
    assert "Likely improvement" in page and "exact, over all 35 assignments" in page
    assert "<svg" in page and "<table>" in page
    assert "Return on investment" in page


def test_it_hides_the_figures_of_a_running_pilot_without_after_measurements(employee_client, org):
    pilot = Pilot.objects.get(organization=org, title=RUNNING)
    page = employee_client.get(_url("pilot", pilot)).content.decode()
    assert "Too early or too few teams to tell" in page and "Difference in differences" not in page
    assert "Measurements so far" in page


def test_it_lists_pilots_in_a_fixed_number_of_queries(employee_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = employee_client.get(_url("index"))
    assert FINISHED in response.content.decode()


def test_it_refuses_an_employee_who_tries_to_start_a_pilot(employee_client, org):
    pilot = Pilot.objects.get(organization=org, title=RUNNING)
    assert employee_client.post(_url("evaluate", pilot)).status_code == 403
    pilot.refresh_from_db()
    assert pilot.status == Pilot.Status.RUNNING


def test_it_answers_404_to_a_member_of_another_organisation(client, outsider, org):
    client.force_login(outsider)
    pilot = Pilot.objects.get(organization=org, title=RUNNING)
    assert client.get(_url("pilot", pilot)).status_code == 404


def test_it_shows_a_pilot_page_in_a_fixed_number_of_queries(admin_client, org, django_assert_max_num_queries):
    pilot = Pilot.objects.get(organization=org, title=FINISHED)
    with django_assert_max_num_queries(30):
        response = admin_client.get(_url("pilot", pilot))
    assert response.status_code == 200


def test_it_draws_the_start_of_the_pilot_at_a_coordinate_that_dutch_numbers_do_not_break(employee_client, org):
    pilot = Pilot.objects.get(organization=org, title=FINISHED)
    employee_client.cookies["django_language"] = "nl"
    page = employee_client.get(_url("pilot", pilot)).content.decode()
    start = re.search(r'<line x1="([^"]+)" y1="20"', page)
    assert start is not None and "," not in start.group(1), start and start.group(1)
    assert re.fullmatch(r"\d+(\.\d+)?", start.group(1))


def test_it_says_when_a_pilot_was_decided_when_no_person_is_recorded(employee_client, org):
    pilot = Pilot.objects.get(organization=org, title=FINISHED)
    assert pilot.decided_by_label == ""  # the demo decided it without a person
    page = employee_client.get(_url("pilot", pilot)).content.decode()
    assert "Decided on " in page and "Decided by  on" not in page
