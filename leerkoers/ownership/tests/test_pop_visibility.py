"""The trust core of step 4: who reads what of a POP, through the pages and the API."""

import pytest

from leerkoers.ownership import services
from leerkoers.ownership.models import Pop, PopStatus
from leerkoers.ownership.tests.conftest import client_for

SECRET = "Mijn geheime ontwikkeldoel"


@pytest.fixture
def pop(shared_pop, employee_member, employee_user):
    shared_pop.goals.create(organization=shared_pop.organization, title=SECRET)
    return shared_pop


def _page(pop):
    return f"/o/demo/ownership/pops/{pop.public_id}/"


def _api(pop):
    return f"/api/v1/orgs/demo/ownership/pops/{pop.public_id}"


def test_it_shows_the_owner_their_whole_plan(employee_client, pop):
    assert SECRET in employee_client.get(_page(pop)).content.decode()
    assert SECRET in str(employee_client.get(_api(pop)).json()["content"])


def test_it_shows_the_manager_a_shared_plan(manager_client, pop):
    assert SECRET in manager_client.get(_page(pop)).content.decode()
    data = manager_client.get(_api(pop)).json()
    assert [goal["title"] for goal in data["content"]["goals"]] == [goal.title for goal in pop.goals.all()]


@pytest.mark.parametrize("who", ["other_manager", "colleague", "director_user", "advisor_user", "outsider"])
def test_it_hides_the_plan_even_its_existence_from_everyone_else(request, pop, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(_page(pop)).status_code == 404
    assert client.get(_api(pop)).status_code == 404
    listed = client.get("/api/v1/orgs/demo/ownership/pops")
    assert listed.status_code == 404 if who == "outsider" else str(pop.public_id) not in listed.content.decode()


def test_it_shows_hr_the_state_and_the_organisation_goals_but_not_the_content(admin_client, pop, org):
    page = admin_client.get(_page(pop)).content.decode()
    assert "Shared with the manager" in page
    assert SECRET not in page
    data = admin_client.get(_api(pop)).json()
    assert data["status"] == "shared"
    assert data["content"] is None and data["versions"] is None and data["manager_comment"] is None
    assert data["learning_goals"] == sorted({g.learning_goal.title for g in pop.goals.all() if g.learning_goal_id})
    listed = admin_client.get("/api/v1/orgs/demo/ownership/pops?limit=500").json()
    assert any(row["id"] == str(pop.public_id) and row["content"] is None for row in listed)
    assert SECRET not in admin_client.get("/o/demo/ownership/pops/").content.decode()


def test_it_shows_hr_the_content_once_the_owner_shares_it_with_hr(employee_client, admin_client, pop):
    response = employee_client.post(_page(pop), {"share_with_hr_only": "1", "share_with_hr": "on"})
    assert response.status_code == 302
    assert SECRET in admin_client.get(_page(pop)).content.decode()
    assert SECRET in str(admin_client.get(_api(pop)).json()["content"])


def test_an_api_token_reads_like_hr(pop, org, admin_user):
    from leerkoers.orgs.services import api_token_create

    _token, raw = api_token_create(organization=org, name="HR-systeem", can_write=False, created_by=admin_user)
    data = client_for_token(raw).get(_api(pop)).json()
    assert data["status"] == "shared" and data["content"] is None


def client_for_token(raw):
    from django.test import Client

    return Client(headers={"authorization": f"Bearer {raw}", "accept-language": "en"})


def test_a_draft_is_private_to_its_owner_even_for_the_manager(manager_client, admin_client, colleague, org):
    member = colleague.memberships.get()
    draft = services.pop_create(member=member, year=2031, actor=colleague)
    services.pop_goal_add(pop=draft, by=member, title=SECRET, actor=colleague)
    assert manager_client.get(_page(draft)).status_code == 404
    assert manager_client.get(_api(draft)).status_code == 404
    assert str(draft.public_id) not in manager_client.get("/o/demo/ownership/pops/").content.decode()
    assert SECRET not in admin_client.get(_page(draft)).content.decode()
    assert client_for(colleague).get(_page(draft)).status_code == 200


def test_after_a_revision_the_manager_reads_the_agreed_version_but_not_the_new_draft(
    manager_client, manager_member, employee_member, pop
):
    agreed = services.pop_transition(pop=pop, action="agree", by=manager_member, actor=None)
    revised = services.pop_transition(pop=agreed, action="revise", by=employee_member, actor=None)
    services.pop_goal_add(pop=revised, by=employee_member, title="Nog niet gedeeld doel", actor=None)
    page = manager_client.get(_page(pop)).content.decode()
    assert "Version 1" in page
    assert "Nog niet gedeeld doel" not in page
    data = manager_client.get(_api(pop)).json()
    assert data["content"] is None
    assert [v["number"] for v in data["versions"]] == [1]
    assert SECRET in str(data["versions"][0]["content"])


def test_nobody_but_the_owner_changes_the_plan(manager_client, admin_client, pop):
    for client in (manager_client, admin_client):
        assert client.post(_page(pop), {"support_needed": "overschreven"}).status_code == 403
        assert client.patch(_api(pop), {"support_needed": "x"}, content_type="application/json").status_code == 403
        assert client.post(f"{_page(pop)}goals/", {"title": "erbij"}).status_code == 403
    pop.refresh_from_db()
    assert pop.support_needed != "overschreven"
    assert not pop.goals.filter(title="erbij").exists()


def test_only_the_manager_agrees(employee_client, admin_client, pop):
    for client in (employee_client, admin_client):
        response = client.post(f"{_page(pop)}steps/", {"action": "agree"})
        assert response.status_code == 403
    assert Pop.objects.get(pk=pop.pk).status == PopStatus.SHARED
