"""The step-3 API contract: lists, CRUD, measurements all or nothing, links, golden thread."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from leerkoers.alignment.models import ActivityLink, Kpi, LearningGoal, Measurement, StrategicGoal, Theme
from leerkoers.orgs.models import Team

pytestmark = pytest.mark.django_db

BASE = "/api/v1/orgs/demo"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def _fields(response) -> dict:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


@pytest.fixture
def goal(org):
    return StrategicGoal.objects.create(organization=org, title="Sneller helpen", theme="service_quality")


@pytest.fixture
def kpi(org, goal):
    today = timezone.localdate()
    return Kpi.objects.create(
        organization=org,
        strategic_goal=goal,
        name="Doorlooptijd",
        unit="days",
        direction="lower",
        baseline_value=Decimal(10),
        baseline_date=today - timedelta(days=100),
        target_value=Decimal(5),
        target_date=today + timedelta(days=100),
    )


# --- strategic goals ---


def test_it_lists_strategic_goals_as_items_and_count(api, org):
    body = api.get(f"{BASE}/strategic-goals").json()
    assert set(body) == {"items", "count"}
    assert body["count"] == StrategicGoal.objects.filter(organization=org).count() > 0
    assert {"id", "title", "theme", "learning_goals", "kpis"} <= set(body["items"][0])


def test_it_creates_a_strategic_goal_with_a_preset_or_an_own_theme(api, org):
    response = post(api, f"{BASE}/strategic-goals", {"title": "Meer innovatie", "theme": "efficiency_innovation"})
    assert response.status_code == 201, response.content
    assert response.json()["theme"] == "efficiency_innovation"
    Theme.objects.create(organization=org, key="groen", name="Groen")
    response = post(api, f"{BASE}/strategic-goals", {"title": "Duurzamer", "theme": "groen", "priority": 2})
    assert response.status_code == 201


def test_it_rejects_an_unknown_theme_and_stores_nothing(api, org):
    before = StrategicGoal.objects.count()
    response = post(api, f"{BASE}/strategic-goals", {"title": "X", "theme": "world_domination"})
    assert response.status_code == 422
    assert "theme" in _fields(response)
    assert StrategicGoal.objects.count() == before


def test_it_rejects_another_organisations_theme(api, other_org):
    Theme.objects.create(organization=other_org, key="elders", name="Elders")
    assert post(api, f"{BASE}/strategic-goals", {"title": "X", "theme": "elders"}).status_code == 422


def test_it_rejects_a_payload_without_a_title(api):
    response = post(api, f"{BASE}/strategic-goals", {"theme": "service_quality"})
    assert response.status_code == 422
    assert "title" in _fields(response)


def test_it_rejects_a_period_that_ends_before_it_starts(api):
    response = post(
        api,
        f"{BASE}/strategic-goals",
        {"title": "X", "theme": "service_quality", "period_start": "2026-05-01", "period_end": "2026-01-01"},
    )
    assert response.status_code == 422 and "period_end" in _fields(response)


def test_it_updates_partially_replaces_and_deletes(api, goal):
    url = f"{BASE}/strategic-goals/{goal.pk}"
    response = api.patch(url, {"priority": 7}, content_type="application/json")
    assert response.status_code == 200 and response.json()["priority"] == 7
    assert response.json()["title"] == "Sneller helpen"
    response = api.put(url, {"title": "Nieuw", "theme": "customer_satisfaction"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["priority"] == 1
    assert api.delete(url).status_code == 204
    assert not StrategicGoal.objects.filter(pk=goal.pk).exists()


def test_a_read_only_token_cannot_write(read_only_api, goal):
    assert read_only_api.get(f"{BASE}/strategic-goals").status_code == 200
    assert post(read_only_api, f"{BASE}/strategic-goals", {"title": "X", "theme": "service_quality"}).status_code == 403
    assert read_only_api.delete(f"{BASE}/strategic-goals/{goal.pk}").status_code == 403


def test_an_employee_reads_but_cannot_write(employee_client, goal):
    assert employee_client.get(f"{BASE}/strategic-goals/{goal.pk}").status_code == 200
    response = employee_client.delete(f"{BASE}/strategic-goals/{goal.pk}")
    assert response.status_code == 403
    assert StrategicGoal.objects.filter(pk=goal.pk).exists()


# --- KPIs ---


def _kpi_payload(goal, **overrides):
    return {
        "strategic_goal": goal.pk,
        "name": "Wachttijd",
        "unit": "minutes",
        "direction": "lower",
        "baseline_value": 30,
        "baseline_date": "2026-01-01",
        "target_value": 10,
        "target_date": "2026-12-31",
    } | overrides


def test_it_creates_a_kpi_with_its_status(api, goal):
    response = post(api, f"{BASE}/kpis", _kpi_payload(goal))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "no_data" and body["baseline_value"] == 30.0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"target_value": 40}, "target_value"),  # lower is better, target above baseline
        ({"direction": "higher"}, "target_value"),  # higher is better, target below baseline
        ({"target_date": "2025-12-01"}, "target_date"),
        ({"target_value": 30}, "target_value"),
        ({"unit": "parsecs"}, "unit"),
        ({"direction": "sideways"}, "direction"),
        ({"strategic_goal": 999999}, "strategic_goal"),
        ({"baseline_value": "abc"}, "baseline_value"),
    ],
)
def test_it_rejects_an_inconsistent_kpi(api, goal, overrides, field):
    before = Kpi.objects.count()
    response = post(api, f"{BASE}/kpis", _kpi_payload(goal, **overrides))
    assert response.status_code == 422
    assert field in _fields(response), response.json()
    assert Kpi.objects.count() == before


def test_it_lists_kpis_and_filters_by_strategic_goal(api, kpi, goal):
    body = api.get(f"{BASE}/kpis?strategic_goal={goal.pk}").json()
    assert body["count"] == 1 and body["items"][0]["id"] == kpi.pk


# --- measurements ---


def test_it_adds_many_measurements_at_once(api, kpi, org):
    team = Team.objects.get(organization=org, name="Wijkteam Noord")
    day = kpi.baseline_date
    items = [
        {"date": str(day + timedelta(days=10)), "value": 9.5},
        {"date": str(day + timedelta(days=40)), "value": "8,5".replace(",", "."), "unit": "dagen"},
        {"date": str(day + timedelta(days=40)), "value": 9, "team": team.pk},
    ]
    response = post(api, f"{BASE}/kpis/{kpi.pk}/measurements", items)
    assert response.status_code == 201, response.content
    assert response.json()["count"] == 3
    listed = api.get(f"{BASE}/kpis/{kpi.pk}/measurements").json()
    assert listed["count"] == 3 and listed["items"][0]["value"] == 9.5
    assert api.get(f"{BASE}/kpis/{kpi.pk}").json()["latest_value"] == 8.5


def test_it_adds_one_measurement_sent_as_an_object(api, kpi):
    response = post(api, f"{BASE}/kpis/{kpi.pk}/measurements", {"date": str(kpi.baseline_date), "value": 10})
    assert response.status_code == 201 and response.json()["count"] == 1


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"unit": "percent"}, "1.unit"),
        ({"date": "2000-01-01"}, "1.date"),  # before the baseline date
        ({"date": "2999-01-01"}, "1.date"),  # in the future
        ({"date": "31-31-2026"}, "1.date"),
        ({"value": "veel"}, "1.value"),
        ({"team": 999999}, "1.team"),
        ({"colour": "blue"}, "1.colour"),
    ],
)
def test_a_bad_measurement_stores_none_of_the_batch(api, kpi, item, field):
    good = {"date": str(kpi.baseline_date + timedelta(days=1)), "value": 9}
    bad = {"date": str(kpi.baseline_date + timedelta(days=2)), "value": 8} | item
    response = post(api, f"{BASE}/kpis/{kpi.pk}/measurements", [good, bad])
    assert response.status_code == 422, response.content
    assert field in _fields(response), response.json()
    assert not Measurement.objects.filter(kpi=kpi).exists()


def test_it_rejects_duplicates_in_the_batch_and_with_stored_measurements(api, kpi, org):
    day = str(kpi.baseline_date + timedelta(days=5))
    response = post(api, f"{BASE}/kpis/{kpi.pk}/measurements", [{"date": day, "value": 9}, {"date": day, "value": 8}])
    assert response.status_code == 422
    assert "Same KPI, scope and date" in _fields(response)["1.date"]
    assert not Measurement.objects.filter(kpi=kpi).exists()

    Measurement.objects.create(organization=org, kpi=kpi, date=kpi.baseline_date + timedelta(days=5), value=9)
    response = post(api, f"{BASE}/kpis/{kpi.pk}/measurements", {"date": day, "value": 7})
    assert response.status_code == 422
    assert "already a measurement" in _fields(response)["date"]
    assert Measurement.objects.filter(kpi=kpi).count() == 1


def test_an_unknown_kpi_gets_404(api):
    response = post(api, f"{BASE}/kpis/999999/measurements", [{"date": "2026-01-01", "value": 1}])
    assert response.status_code == 404


def test_an_empty_batch_is_refused(api, kpi):
    assert post(api, f"{BASE}/kpis/{kpi.pk}/measurements", []).status_code == 422


def test_a_percentage_outside_0_to_100_is_refused(api, goal):
    kpi = post(api, f"{BASE}/kpis", _kpi_payload(goal, unit="percent", baseline_value=20, target_value=10)).json()
    response = post(api, f"{BASE}/kpis/{kpi['id']}/measurements", {"date": "2026-02-01", "value": 120})
    assert response.status_code == 422 and "value" in _fields(response)


def test_it_deletes_a_measurement(api, kpi, org):
    m = Measurement.objects.create(organization=org, kpi=kpi, date=kpi.baseline_date, value=9)
    assert api.delete(f"{BASE}/kpis/{kpi.pk}/measurements/{m.pk}").status_code == 204
    assert not Measurement.objects.filter(pk=m.pk).exists()


# --- learning goals and their activities ---


def test_it_creates_a_learning_goal_linked_to_strategic_goals_with_rationale(api, goal, org):
    team = Team.objects.get(organization=org, name="Klantenservice")
    payload = {
        "title": "Sneller beslissen",
        "who": "Medewerkers klantenservice",
        "behaviour": "Nemen zelf een besluit bij standaardvragen",
        "measure": "80 % van de vragen in één contact afgehandeld",
        "deadline": str(date.today() + timedelta(days=200)),
        "target_teams": [team.pk],
        "target_roles": ["employee"],
        "strategic_goals": [goal.pk],
        "rationales": {str(goal.pk): "Minder doorverwijzen"},
    }
    response = post(api, f"{BASE}/learning-goals", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["strategic_goals"] == [goal.pk]
    assert body["links"] == [{"strategic_goal": goal.pk, "rationale": "Minder doorverwijzen"}]
    assert body["smart"] == {"complete": True, "missing": []}
    assert api.get(f"{BASE}/strategic-goals/{goal.pk}").json()["learning_goals"] == [body["id"]]


def test_the_api_reports_what_a_learning_goal_misses(api):
    body = post(api, f"{BASE}/learning-goals", {"title": "Iets leren"}).json()
    assert body["smart"]["complete"] is False
    assert set(body["smart"]["missing"]) == {"who", "behaviour", "measure", "level", "relevant", "deadline"}


def test_it_rejects_unknown_strategic_goals_teams_and_roles(api, other_org):
    other_goal = StrategicGoal.objects.create(organization=other_org, title="Elders", theme="service_quality")
    before = LearningGoal.objects.count()
    for payload, field in (
        ({"strategic_goals": [other_goal.pk]}, "strategic_goals"),
        ({"target_teams": [999999]}, "target_teams"),
        ({"target_roles": ["king"]}, "target_roles.0"),
    ):
        response = post(api, f"{BASE}/learning-goals", {"title": "X"} | payload)
        assert response.status_code == 422, payload
        assert field in _fields(response), response.json()
    assert LearningGoal.objects.count() == before


def test_patch_keeps_the_links_it_is_not_given(api, goal, org):
    lg = post(api, f"{BASE}/learning-goals", {"title": "X", "strategic_goals": [goal.pk]}).json()
    response = api.patch(f"{BASE}/learning-goals/{lg['id']}", {"measure": "8"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["strategic_goals"] == [goal.pk] and response.json()["measure"] == "8"


def test_it_links_and_unlinks_an_activity(api, org, activities):
    lg = LearningGoal.objects.create(organization=org, title="Communicatie")
    url = f"{BASE}/learning-goals/{lg.pk}/activities"
    response = post(api, url, {"activity": activities[0].pk})
    assert response.status_code == 201
    assert response.json() == {"learning_goal": lg.pk, "activity": activities[0].pk}
    assert post(api, url, {"activity": activities[0].pk}).status_code == 200
    assert ActivityLink.objects.filter(learning_goal=lg).count() == 1
    assert api.get(f"{BASE}/learning-goals/{lg.pk}").json()["activities"] == [activities[0].pk]
    assert api.delete(f"{url}/{activities[0].pk}").status_code == 204
    assert api.delete(f"{url}/{activities[0].pk}").status_code == 404
    assert not ActivityLink.objects.filter(learning_goal=lg).exists()


def test_it_refuses_to_link_another_organisations_activity(api, org, other_activity):
    lg = LearningGoal.objects.create(organization=org, title="Communicatie")
    response = post(api, f"{BASE}/learning-goals/{lg.pk}/activities", {"activity": other_activity.pk})
    assert response.status_code == 422 and "activity" in _fields(response)
    assert not ActivityLink.objects.filter(learning_goal=lg).exists()


# --- golden thread ---


def test_the_golden_thread_has_the_contracts_keys_and_shares_between_0_and_1(api):
    body = api.get(f"{BASE}/golden-thread").json()
    assert set(body["gaps"]) == {
        "strategic_goals_without_learning_goals",
        "learning_goals_without_activities",
        "activities_without_learning_goals",
        "learning_goals_without_measure",
    }
    assert 0 <= body["aligned_spend_share"] <= 1 and 0 <= body["aligned_hours_share"] <= 1


def test_the_lists_answer_within_a_fixed_number_of_queries(api, django_assert_max_num_queries):
    api.get(f"{BASE}/golden-thread")  # stores the participation aggregate (the test below counts that)
    for path in ("strategic-goals", "kpis", "learning-goals", "golden-thread"):
        with django_assert_max_num_queries(14):
            assert api.get(f"{BASE}/{path}").status_code == 200


def test_the_golden_thread_counts_participations_once_per_change(api, django_assert_max_num_queries):
    """The participations per activity and team (a grouped scan of what may be a million rows)
    are cached until the participations change: the first request stores them, the next reads."""
    with django_assert_max_num_queries(24):
        assert api.get(f"{BASE}/golden-thread").status_code == 200
    with django_assert_max_num_queries(14):
        assert api.get(f"{BASE}/golden-thread").status_code == 200


def test_linking_updates_the_inventorys_linked_to_a_goal_share(api, org, activities):
    from leerkoers.inventory.selectors import analysis

    lg = LearningGoal.objects.create(organization=org, title="Communicatie")
    before = analysis(org).shares.linked_to_goal.count
    post(api, f"{BASE}/learning-goals/{lg.pk}/activities", {"activity": activities[2].pk})
    assert analysis(org).shares.linked_to_goal.count == before + 1
    api.delete(f"{BASE}/learning-goals/{lg.pk}/activities/{activities[2].pk}")
    assert analysis(org).shares.linked_to_goal.count == before


def test_the_openapi_document_describes_the_request_bodies(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    body = paths["/api/v1/orgs/{org_slug}/strategic-goals"]["post"]["requestBody"]["content"]["application/json"]
    assert {"title", "theme"} <= set(body["schema"]["properties"])
    assert "requestBody" in paths["/api/v1/orgs/{org_slug}/kpis/{kpi_id}/measurements"]["post"]
    assert "get" in paths["/api/v1/orgs/{org_slug}/golden-thread"]


def test_a_measurement_stored_in_between_gives_a_clear_error_not_a_500(org, kpi, admin_user):
    """The duplicate check and the insert race: the unique constraint has the last word."""
    from unittest import mock

    from leerkoers.alignment import services

    day = kpi.baseline_date + timedelta(days=3)
    Measurement.objects.create(organization=org, kpi=kpi, date=day, value=9)
    item = services.MeasurementInput("", kpi, day, Decimal(8))
    # The other request won: the check saw nothing, the insert meets the stored row.
    with (
        mock.patch.object(services, "measurement_batch_errors", return_value=[]),
        pytest.raises(services.MeasurementErrors) as caught,
    ):
        services.measurements_create(organization=org, items=[item], actor=admin_user)
    assert "just stored" in caught.value.rows[0]["message"]
    assert Measurement.objects.filter(kpi=kpi).count() == 1


HUGE = 10**30


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("learning-goals", {"title": "x", "strategic_goals": [HUGE]}),
        ("learning-goals", {"title": "x", "target_teams": [HUGE]}),
        ("strategic-goals", {"title": "x", "theme": "service_quality", "owner": HUGE}),
        ("strategic-goals", {"title": "a\x00b", "theme": "service_quality"}),
        ("learning-goals", {"title": "x", "rationales": {"1": "a\x00"}}),
    ],
)
def test_hostile_ids_and_text_get_a_422_and_change_nothing(api, path, payload):
    before = (StrategicGoal.objects.count(), LearningGoal.objects.count())
    response = post(api, f"{BASE}/{path}", payload)
    assert response.status_code == 422, response.content
    assert (StrategicGoal.objects.count(), LearningGoal.objects.count()) == before


def test_hostile_query_and_form_ids_do_not_crash(api, admin_client, org, kpi):
    assert api.get(f"{BASE}/kpis?strategic_goal={HUGE}").status_code == 422
    assert api.get(f"{BASE}/kpis/{kpi.pk}/measurements?team={HUGE}").status_code == 422
    lg = LearningGoal.objects.create(organization=org, title="x")
    response = admin_client.post(f"/o/demo/alignment/learning-goals/{lg.pk}/activities/", {"activity": str(HUGE)})
    assert response.status_code == 302
    response = admin_client.post("/o/demo/alignment/suggestions/accept/", {"learning_goal": str(HUGE), "activity": "1"})
    assert response.status_code == 302
    assert admin_client.get(f"/o/demo/alignment/kpis/new/?strategic_goal={HUGE}").status_code == 200
    assert admin_client.get("/o/demo/alignment/kpis/new/?strategic_goal=²").status_code == 200


def test_themes_are_listed_added_and_deleted(api, org):
    body = api.get(f"{BASE}/themes").json()
    assert [t["key"] for t in body["items"] if t["preset"]] == [
        "customer_satisfaction",
        "efficiency_innovation",
        "service_quality",
        "employee_satisfaction_retention",
    ]
    response = post(api, f"{BASE}/themes", {"key": "groen-werken", "name": "Groen werken"})
    assert response.status_code == 201
    assert post(api, f"{BASE}/themes", {"key": "groen-werken", "name": "Nog eens"}).status_code == 422
    assert post(api, f"{BASE}/themes", {"key": "Met Spaties", "name": "x"}).status_code == 422
    assert post(api, f"{BASE}/themes", {"key": "service_quality", "name": "x"}).status_code == 422
    assert api.delete(f"{BASE}/themes/{response.json()['id']}").status_code == 204
    assert not Theme.objects.filter(organization=org, key="groen-werken").exists()


def test_a_rejected_suggestion_leaves_the_golden_thread(api, org, activities):
    lg = LearningGoal.objects.create(organization=org, title="Klantgesprekken en communicatie")
    suggested = {(s["learning_goal"], s["activity"]) for s in api.get(f"{BASE}/golden-thread").json()["suggestions"]}
    assert (lg.pk, activities[0].pk) in suggested
    response = post(api, f"{BASE}/rejected-suggestions", {"learning_goal": lg.pk, "activity": activities[0].pk})
    assert response.status_code == 204
    suggested = {(s["learning_goal"], s["activity"]) for s in api.get(f"{BASE}/golden-thread").json()["suggestions"]}
    assert (lg.pk, activities[0].pk) not in suggested
