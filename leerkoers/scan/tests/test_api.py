"""The API contract: instrument, public responses, organisation rounds; bad input changes nothing."""

import json

import pytest

from leerkoers.scan import instrument
from leerkoers.scan.models import RoundLink, ScanResponse
from leerkoers.scan.tests.conftest import old_start

pytestmark = pytest.mark.django_db


def post(client, payload, **extra):
    return client.post("/api/v1/scan/responses", json.dumps(payload), content_type="application/json", **extra)


def test_it_serves_the_instrument_in_dutch_and_english(client):
    nl = client.get("/api/v1/scan/instrument?lang=nl").json()
    en = client.get("/api/v1/scan/instrument?lang=en").json()
    assert nl["version"] == en["version"] == instrument.current_version()
    assert [d["id"] for d in nl["dimensions"]] == [d["id"] for d in en["dimensions"]]
    assert nl["dimensions"][0]["name"] == "Huidige situatie"
    assert en["dimensions"][0]["name"] == "Current situation"
    assert set(en["dimensions"][0]["items"][0]) == {"id", "text"}
    assert sum(len(d["items"]) for d in en["dimensions"]) == 30


def test_it_rejects_an_unknown_language(client):
    assert client.get("/api/v1/scan/instrument?lang=fr").status_code == 422


def test_it_stores_a_public_response_and_answers_201_with_the_result(client, answers):
    before = ScanResponse.objects.count()
    answers["situation_1"] = None  # "I don't know"
    answers["situation_2"] = 1  # situation: 0, 75, 75, 75 → 56.25 → 56
    response = post(client, {"answers": answers, "sector": "care", "size_band": "50-249"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= {"id", "overall_score", "level", "dimensions", "starting_point", "report_url"}
    scores = {d["id"]: d["score"] for d in body["dimensions"]}
    assert scores["situation"] == 56 and scores["vision"] == 75
    assert body["overall_score"] == 72  # (56.25 + 5 × 75) / 6 = 71.875
    assert body["level"] == "established"
    assert body["starting_point"] == ["situation", "vision"]
    assert all(d["advice"] for d in body["dimensions"])
    assert body["report_url"].endswith(f"/scan/resultaat/{body['id']}/rapport.pdf")
    stored = ScanResponse.objects.get(public_id=body["id"])
    assert ScanResponse.objects.count() == before + 1
    assert stored.organization is None and stored.sector == "care" and stored.instrument_id == 1


def test_it_scores_0_for_all_ones_and_100_for_all_fives(client, answers):
    low = post(client, {"answers": dict.fromkeys(answers, 1)}).json()
    high = post(client, {"answers": dict.fromkeys(answers, 5)}).json()
    assert low["overall_score"] == 0 and {d["score"] for d in low["dimensions"]} == {0}
    assert high["overall_score"] == 100 and {d["score"] for d in high["dimensions"]} == {100}


def test_it_returns_null_where_there_is_not_enough_information(client, answers):
    for key in ["vision_1", "vision_2", "vision_3"]:
        answers[key] = None
    body = post(client, {"answers": answers}).json()
    vision = next(d for d in body["dimensions"] if d["id"] == "vision")
    assert vision["score"] is None and vision["level"] is None
    assert "vision" not in body["starting_point"]


@pytest.mark.parametrize(
    "change",
    [
        lambda a: {},  # empty answer set
        lambda a: a | {"nope": 3},  # unknown item
        lambda a: {k: v for k, v in a.items() if k != "vision_1"},  # missing item
        lambda a: a | {"vision_1": 6},
        lambda a: a | {"vision_1": 0},
        lambda a: a | {"vision_1": "3"},
        lambda a: a | {"vision_1": 2.5},
        lambda a: a | {"vision_1": True},
        lambda a: "all fours",
    ],
)
def test_it_rejects_bad_answers_with_422_and_stores_nothing(client, answers, change):
    before = ScanResponse.objects.count()
    response = post(client, {"answers": change(answers)})
    assert response.status_code == 422
    assert response.json()["detail"]
    assert ScanResponse.objects.count() == before


def test_it_explains_what_is_wrong_in_the_users_language(client, answers):
    body = post(client, {"answers": answers | {"nope": 9}}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert "nope" in json.dumps(body)


def test_it_rejects_an_unknown_sector_or_size_band(client, answers):
    before = ScanResponse.objects.count()
    assert post(client, {"answers": answers, "sector": "space"}).status_code == 422
    assert post(client, {"answers": answers, "size_band": "7"}).status_code == 422
    assert ScanResponse.objects.count() == before


def test_it_rejects_a_body_that_is_not_json(client):
    response = client.post("/api/v1/scan/responses", "not json", content_type="application/json")
    assert response.status_code in (400, 422)


def test_it_answers_for_a_rounds_layer_through_its_link(client, answers, open_round):
    link = RoundLink.objects.get(round=open_round, layer="managers")
    body = post(client, {"answers": answers, "link": link.token, "sector": "care"}).json()
    stored = ScanResponse.objects.get(public_id=body["id"])
    assert stored.round == open_round and stored.layer == "managers"
    assert stored.organization == open_round.organization
    assert stored.sector == ""  # the organisation's own sector counts, not a respondent's claim


def test_it_refuses_an_unknown_link_and_a_closed_round(client, answers, closed_round):
    before = ScanResponse.objects.count()
    assert post(client, {"answers": answers, "link": "no-such-link"}).status_code == 404
    link = RoundLink.objects.get(round=closed_round, layer="board")
    response = post(client, {"answers": answers, "link": link.token})
    assert response.status_code == 409
    assert "closed" in response.json()["detail"] or "gesloten" in response.json()["detail"]
    assert ScanResponse.objects.count() == before


def test_it_flags_a_response_answered_faster_than_a_person_can_read(client, answers):
    started = client.get("/api/v1/scan/instrument").json()["started"]
    fast = post(client, {"answers": answers, "started": started}).json()
    slow = post(client, {"answers": answers, "started": old_start(300)}).json()
    assert ScanResponse.objects.get(public_id=fast["id"]).too_fast
    assert not ScanResponse.objects.get(public_id=slow["id"]).too_fast


def test_it_no_longer_trusts_a_duration_the_client_claims(client, answers):
    claimed = post(client, {"answers": answers, "seconds_taken": 300}).json()
    forged = post(client, {"answers": answers, "started": "eyJ0IjoxfQ:forged"}).json()
    assert ScanResponse.objects.get(public_id=claimed["id"]).too_fast
    assert ScanResponse.objects.get(public_id=forged["id"]).too_fast


def test_thirty_instant_api_submissions_are_all_flagged(client, answers, open_round):
    link = RoundLink.objects.get(round=open_round, layer="managers")
    for index in range(30):
        body = {"answers": answers, "link": link.token}
        if index % 2:
            body["started"] = client.get("/api/v1/scan/instrument").json()["started"]
        assert post(client, body).status_code == 201
    stored = ScanResponse.objects.filter(round=open_round)
    assert stored.count() == 30 and stored.filter(too_fast=True).count() == 30


def test_it_rate_limits_public_submissions_with_retry_after(client, answers, settings):
    settings.SCAN_RATE_LIMIT = 2
    assert post(client, {"answers": answers}).status_code == 201
    assert post(client, {"answers": answers}).status_code == 201
    before = ScanResponse.objects.count()
    response = post(client, {"answers": answers})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= settings.SCAN_RATE_WINDOW
    assert ScanResponse.objects.count() == before


def test_it_counts_the_limit_per_client_address(client, answers, settings):
    settings.SCAN_RATE_LIMIT = 1
    assert post(client, {"answers": answers}, REMOTE_ADDR="10.0.0.1").status_code == 201
    assert post(client, {"answers": answers}, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert post(client, {"answers": answers}, REMOTE_ADDR="10.0.0.2").status_code == 201


# --- organisation rounds ---


def test_it_opens_a_round_with_a_link_per_layer(admin_client):
    response = admin_client.post(
        "/api/v1/orgs/demo/scan/rounds", json.dumps({"title": "API-ronde"}), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open" and body["respondents"] == 0
    assert {link["layer"] for link in body["links"]} == {"board", "managers", "employees", "hr"}


def test_it_lists_rounds_with_thresholded_counts(admin_client, closed_round):
    rounds = {r["id"]: r for r in admin_client.get("/api/v1/orgs/demo/scan/rounds").json()}
    assert rounds[str(closed_round.public_id)]["respondents"] == 27


def test_it_shows_live_counts_with_small_layers_as_below_the_threshold(admin_client, closed_round):
    body = admin_client.get(f"/api/v1/orgs/demo/scan/rounds/{closed_round.public_id}/counts").json()
    # HR's 4 alone would be 27 − 6 − 7 − 10: the board's count is hidden with it.
    assert body["layers"] == {"board": "hidden", "managers": 7, "employees": 10, "hr": "<5"}
    assert body["total"] == 27 and body["threshold"] == 5


def test_it_closes_a_round_once(admin_client, open_round):
    url = f"/api/v1/orgs/demo/scan/rounds/{open_round.public_id}/close"
    assert admin_client.post(url).json()["status"] == "closed"
    assert admin_client.post(url).status_code == 409


def test_it_shows_results_only_of_a_closed_round(admin_client, open_round):
    response = admin_client.get(f"/api/v1/orgs/demo/scan/rounds/{open_round.public_id}/results")
    assert response.status_code == 409


def test_it_refuses_rounds_to_employees(employee_client, closed_round):
    assert employee_client.get("/api/v1/orgs/demo/scan/rounds").status_code == 403
    response = employee_client.post("/api/v1/orgs/demo/scan/rounds", '{"title": "x"}', content_type="application/json")
    assert response.status_code == 403


def test_it_gives_results_per_layer_with_the_perception_gap(admin_client, closed_round):
    body = admin_client.get(f"/api/v1/orgs/demo/scan/rounds/{closed_round.public_id}/results?lang=en").json()
    layers = {g["key"]: g for g in body["layers"]}
    # HR (4) is below the threshold; the board (6, the smallest shown layer) is hidden too,
    # or the overall minus the other layers would give HR's answers away.
    assert not layers["hr"]["shown"] and not layers["board"]["shown"]
    assert layers["managers"]["overall"] == 75 and layers["employees"]["dimensions"]["ownership"] == 25
    assert body["overall"]["respondents"] == 27
    # everyone: (6×100 + 7×75 + 10×25 + 4×50) / 27 = 58.33 → 58
    assert body["overall"]["overall"] == 58 and body["overall"]["level"] == "developing"
    # s = √(23750 / 26) = 30.22, s/√27 = 5.817, t(0.975, 26) = 2.056: 58.33 ± 11.96 = 46.4–70.3,
    # which crosses the 60 boundary.
    assert body["overall"]["overall_interval"] == [46, 70]
    assert body["overall"]["level_between"] == ["developing", "established"]
    assert body["overall"]["level_text"] == "between Developing and Established"
    assert body["gaps"][0]["difference"] == 50 and body["gaps"][0]["clear"]
    assert body["gaps"][0]["text"] == (
        "Managers rate “Current situation” 50 points higher than employees (95% interval 50 to 50)."
    )


def test_a_submission_through_a_link_takes_few_queries(client, answers, open_round, django_assert_max_num_queries):
    link = RoundLink.objects.get(round=open_round, layer="employees")
    # rate limit (count, read, write), the link with its round, the open check, the insert
    with django_assert_max_num_queries(10):
        assert post(client, {"answers": answers, "link": link.token}).status_code == 201


def test_a_layer_link_known_to_the_worker_still_refuses_answers_once_the_round_is_closed(
    client, admin_client, answers, open_round
):
    link = RoundLink.objects.get(round=open_round, layer="employees")
    assert post(client, {"answers": answers, "link": link.token}).status_code == 201  # now cached
    admin_client.post(f"/o/demo/scan/rounds/{open_round.public_id}/close/")
    before = ScanResponse.objects.count()
    assert post(client, {"answers": answers, "link": link.token}).status_code == 409
    assert client.post(f"/scan/r/{link.token}/", dict.fromkeys(answers, "3")).status_code == 410
    assert ScanResponse.objects.count() == before
