"""The pilots API through its URLs: design, check, draw, start, rule, evaluation, decision."""

import json

import pytest

from leerkoers.alignment.models import Kpi
from leerkoers.orgs.models import Team
from leerkoers.pilots.demo import FINISHED, RUNNING
from leerkoers.pilots.models import Pilot, PilotRuleChange

pytestmark = pytest.mark.django_db
BASE = "/api/v1/orgs/demo/pilots"


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _teams(org, *names):
    return [Team.objects.get(organization=org, name=n).pk for n in names]


def _design(org):
    return {
        "title": "Coaching on the job",
        "hypothesis": "If the teams get coaching, complaints go down.",
        "pilot_teams": _teams(org, "Wijkteam Noord"),
        "comparison_teams": _teams(org, "Wijkteam Zuid"),
        "kpis": [Kpi.objects.get(organization=org, name="Klachten per 1.000 cliënten").pk],
        "start": "2027-02-01",
        "fees": "500",
        "hours": "4",
        "hourly_cost": "25",
    }


def test_it_designs_a_pilot_and_reports_its_design_check(admin_client, org):
    response = _post(admin_client, BASE, _design(org))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "design" and body["cost"] == "600.00" and not body["rule_locked"]
    check = admin_client.get(f"{BASE}/{body['id']}/design-check").json()
    assert check[0]["minimum_p"] == pytest.approx(0.5) and check[0]["can_convince"] is False
    assert check[0]["strength"] == "comparison"


def test_it_refuses_another_organisations_team_as_unknown(admin_client, org, other_org):
    data = _design(org) | {"pilot_teams": [Team.objects.get(organization=other_org, name="Werkplaats").pk]}
    response = _post(admin_client, BASE, data)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "pilot_teams"
    assert not Pilot.objects.filter(title="Coaching on the job").exists()


def test_it_draws_with_a_given_seed_reproducibly(admin_client, org):
    pilot_id = _post(admin_client, BASE, _design(org)).json()["id"]
    candidates = _teams(org, "Wijkteam Noord", "Wijkteam Zuid", "Klantenservice", "Dagbesteding")
    first = _post(admin_client, f"{BASE}/{pilot_id}/draw", {"candidates": candidates, "n_pilot": 2, "seed": 7}).json()
    again = _post(admin_client, f"{BASE}/{pilot_id}/draw", {"candidates": candidates, "n_pilot": 2, "seed": 7}).json()
    assert first["assignment"] == "random" and first["draw_seed"] == 7
    assert first["pilot_teams"] == again["pilot_teams"] and len(first["comparison_teams"]) == 2


def test_it_locks_the_rule_at_the_start_and_keeps_a_later_change(admin_client, org):
    pilot_id = _post(admin_client, BASE, _design(org)).json()["id"]
    assert _post(admin_client, f"{BASE}/{pilot_id}/start", {}).json()["rule_locked"] is True
    assert _post(admin_client, f"{BASE}/{pilot_id}/start", {}).status_code == 409
    rule = {"scale_up_min": "2", "max_p": "0.05", "stop_max": "0"}
    assert _post(admin_client, f"{BASE}/{pilot_id}/rule", rule).status_code == 422
    assert _post(admin_client, f"{BASE}/{pilot_id}/rule", rule | {"reason": "Stricter"}).status_code == 200
    assert PilotRuleChange.objects.filter(pilot__public_id=pilot_id, reason="Stricter").exists()


def test_it_decides_a_pilot_in_evaluation_only(admin_client, org):
    pilot = Pilot.objects.get(organization=org, title=RUNNING)
    decision = {"decision": "adjust", "reason": "Too few teams."}
    assert _post(admin_client, f"{BASE}/{pilot.public_id}/decision", decision).status_code == 409
    assert _post(admin_client, f"{BASE}/{pilot.public_id}/evaluate", {}).json()["status"] == "evaluating"
    body = _post(admin_client, f"{BASE}/{pilot.public_id}/decision", decision).json()
    assert body["status"] == "decided" and body["decision"] == "adjust"


def test_it_gives_the_effect_of_the_finished_demo_pilot(employee_client, org):
    pilot = Pilot.objects.get(organization=org, title=FINISHED)
    (effect,) = employee_client.get(f"{BASE}/{pilot.public_id}/effects").json()
    assert effect["verdict"] == "likely_better" and effect["exact"] is True and effect["assignments"] == 35
    assert effect["effect"] < 0 and effect["interval"][0] < effect["effect"] < effect["interval"][1]
    assert effect["p_value"] <= 0.1


def test_it_refuses_an_employee_who_designs_a_pilot(employee_client, org):
    assert _post(employee_client, BASE, _design(org)).status_code == 403


def test_it_changes_a_design_and_keeps_a_draw_only_while_its_teams_stay(admin_client, org):
    pilot_id = _post(admin_client, BASE, _design(org)).json()["id"]
    candidates = _teams(org, "Wijkteam Noord", "Wijkteam Zuid", "Klantenservice", "Dagbesteding")
    drawn = _post(admin_client, f"{BASE}/{pilot_id}/draw", {"candidates": candidates, "n_pilot": 2, "seed": 3}).json()
    same = _design(org) | {
        "pilot_teams": drawn["pilot_teams"],
        "comparison_teams": drawn["comparison_teams"],
        "assignment": "random",
        "fees": "900",
    }
    put = admin_client.put(f"{BASE}/{pilot_id}", json.dumps(same), content_type="application/json").json()
    assert put["assignment"] == "random" and put["draw_seed"] == 3 and put["cost"] == "1000.00"
    moved = same | {"pilot_teams": drawn["comparison_teams"], "comparison_teams": drawn["pilot_teams"]}
    put = admin_client.put(f"{BASE}/{pilot_id}", json.dumps(moved), content_type="application/json").json()
    assert put["assignment"] == "convenience" and put["draw_seed"] is None


def test_it_refuses_a_claimed_draw_and_a_change_after_the_start(admin_client, org):
    body = _design(org) | {"assignment": "random"}
    assert _post(admin_client, BASE, body).status_code == 422
    pilot = Pilot.objects.get(organization=org, title=RUNNING)
    response = admin_client.put(f"{BASE}/{pilot.public_id}", json.dumps(_design(org)), content_type="application/json")
    assert response.status_code == 409
