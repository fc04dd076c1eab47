"""The vision API: rounds, moderation, results with thresholds, versions, approval, participants."""

import datetime
import json

import pytest

from leerkoers.vision.models import VisionApproval, VisionRating, VisionRound, VisionStatement
from leerkoers.vision.tests.conftest import add_votes, seed_statement

pytestmark = pytest.mark.django_db

BASE = "/api/v1/orgs/demo/vision"


def _post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_it_opens_a_round_and_lists_it_with_fixed_thresholds(admin_client, org):
    closes = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    response = _post(
        admin_client,
        f"{BASE}/rounds",
        {"title": "API-ronde", "closes_on": closes, "extra_questions": ["Wat mag het kosten?"], "layer_links": True},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["consensus_threshold"] == 0.75 and body["min_ratings"] == 5 and len(body["questions"]) == 4
    assert set(body["layer_links"]) == {"board", "managers", "employees", "hr"}
    assert VisionRound.objects.filter(organization=org, title="API-ronde").exists()
    assert any(r["title"] == "API-ronde" for r in admin_client.get(f"{BASE}/rounds").json())


def test_it_refuses_a_bad_round_with_field_errors(admin_client):
    response = _post(admin_client, f"{BASE}/rounds", {"title": "", "closes_on": "2001-01-01"})
    assert response.status_code == 422 and response.json()["errors"]
    past = _post(admin_client, f"{BASE}/rounds", {"title": "x", "closes_on": "2001-01-01"})
    assert past.status_code == 422 and past.json()["errors"][0]["field"] == "closes_on"


def test_results_hold_figures_only_for_layers_with_enough_ratings(admin_client, vision_round):
    statement = seed_statement(vision_round, "Leren hoort bij het werk.")
    add_votes(vision_round, statement, "board", agree=5)
    add_votes(vision_round, statement, "hr", agree=2)
    add_votes(vision_round, statement, "managers", agree=3)  # hidden together 5: the board's count may show
    body = admin_client.get(f"{BASE}/rounds/{vision_round.public_id}/results").json()
    assert body["participants"]["hr"] == "<5" and body["participants"]["board"] == 5
    assert body["taking_part"] == ["board"]
    layers = {cell["layer"]: cell for cell in body["statements"][0]["layers"]}
    assert layers["board"]["agree_share"] == pytest.approx(6 / 7) and layers["board"]["ratings"] == 5
    assert layers["hr"] == {
        "layer": "hr",
        "shown": False,
        "ratings": None,
        "agree": None,
        "disagree": None,
        "passed": None,
        "agree_share": None,
        "interval": None,
    }


def test_it_moderates_and_merges_statements(admin_client, vision_round):
    one = seed_statement(vision_round, "Leren hoort bij het werk.")
    two = seed_statement(vision_round, "Leren hoort bij ons werk.")
    assert _post(admin_client, f"{BASE}/statements/{one.public_id}/moderate", {"action": "pin"}).json()["pinned"]
    bad = _post(admin_client, f"{BASE}/statements/{one.public_id}/moderate", {"action": "delete"})
    assert bad.status_code == 422
    merged = _post(admin_client, f"{BASE}/statements/{two.public_id}/merge", {"into": str(one.public_id)}).json()
    assert merged["status"] == "merged" and merged["merged_into"] == str(one.public_id)
    seeded = _post(admin_client, f"{BASE}/rounds/{vision_round.public_id}/statements", {"text": "Nieuw."})
    assert seeded.status_code == 201 and seeded.json()["seeded"]


def test_versions_diff_and_only_the_board_approves(admin_client, director_client, vision_round):
    url = f"{BASE}/rounds/{vision_round.public_id}/versions"
    _post(admin_client, url, {"text": "Leren is belangrijk"})
    second = _post(admin_client, url, {"text": "Leren is heel belangrijk"}).json()
    assert second["number"] == 2 and ["added", "heel "] in second["diff"]
    approve = f"{BASE}/versions/{second['id']}/approve"
    assert _post(admin_client, approve).status_code == 403
    approved = _post(director_client, approve).json()
    assert approved["approved"] and approved["approved_by"] == "director@demo.example"
    assert _post(director_client, approve).status_code == 409
    assert VisionApproval.objects.count() >= 1


def test_a_participant_takes_part_through_the_api(client, vision_round):
    statement = seed_statement(vision_round, "Leren hoort bij het werk.")
    link = vision_round.layer_links.get(layer="employees")
    started = _post(client, f"/api/v1/vision/links/{link.token}/start")
    assert started.status_code == 201
    token = started.json()["participant_token"]
    page = client.get(f"/api/v1/vision/participants/{token}").json()
    assert page["next_statement"]["id"] == str(statement.public_id) and page["rated"] == []
    rated = _post(
        client, f"/api/v1/vision/participants/{token}/ratings", {"statement": page["next_statement"]["id"], "vote": 1}
    )
    assert rated.status_code == 201 and rated.json() == {"statement": str(statement.public_id), "vote": 1}
    after = client.get(f"/api/v1/vision/participants/{token}").json()
    assert after["rated"][0]["id"] == str(statement.public_id) and after["next_statement"] is None
    again = _post(
        client, f"/api/v1/vision/participants/{token}/ratings", {"statement": str(statement.public_id), "vote": -1}
    )
    assert again.status_code == 409
    assert VisionRating.objects.filter(statement=statement).count() == 1
    own = _post(client, f"/api/v1/vision/participants/{token}/statements", {"text": "x" * 141})
    assert own.status_code == 422
    assert _post(client, f"/api/v1/vision/participants/{token}/statements", {"text": "Leren mag."}).status_code == 201
    question = page["questions"][0]["id"]
    answered = _post(
        client, f"/api/v1/vision/participants/{token}/answers", {"answers": {str(question): "Vakmanschap"}}
    )
    assert answered.status_code == 200
    assert VisionStatement.objects.filter(round=vision_round, text="Leren mag.").exists()
    assert client.get("/api/v1/vision/participants/unknown").status_code == 404


def test_an_employee_gets_no_results(employee_client, vision_round):
    assert employee_client.get(f"{BASE}/rounds/{vision_round.public_id}/results").status_code == 403


def test_the_openapi_document_describes_the_vision_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    create = paths["/api/v1/orgs/{org_slug}/vision/rounds"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert {"title", "closes_on", "consensus_threshold", "min_ratings"} <= set(body["properties"])
    assert "201" in create["responses"]
    assert "/api/v1/vision/participants/{token}/ratings" in paths
    assert "/api/v1/orgs/{org_slug}/vision/versions/{vision_version_uuid}/approve" in paths


def test_the_ratings_csv_holds_counts_only_where_a_layer_has_enough_ratings(admin_client, vision_round):
    statement = seed_statement(vision_round, "+Leren kost tijd")
    add_votes(vision_round, statement, "board", agree=4, disagree=1, passes=1)
    add_votes(vision_round, statement, "managers", agree=2)  # too few to show
    response = admin_client.get(f"{BASE}/rounds/{vision_round.public_id}/ratings.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f'filename="vision-{vision_round.public_id}.csv"' in response["Content-Disposition"]
    rows = response.content.decode().splitlines()
    assert rows[0] == "statement,result,layer,ratings,agree,disagree,pass,agree share"
    assert "'+Leren kost tijd,none,board,6,4,1,1,0.625" in rows
    assert "'+Leren kost tijd,none,managers,,,,," in rows
    assert len(rows) == 1 + 4


def test_the_ratings_csv_is_for_the_admin_only(director_client, manager_client, vision_round):
    url = f"{BASE}/rounds/{vision_round.public_id}/ratings.csv"
    assert director_client.get(url).status_code == 403
    assert manager_client.get(url).status_code == 403


def test_the_ratings_csv_refuses_another_organisations_admin(outsider_client, vision_round):
    response = outsider_client.get(f"{BASE}/rounds/{vision_round.public_id}/ratings.csv")
    assert response.status_code in (403, 404) and "Leren" not in response.content.decode()
