"""The life of a POP through the pages and the API: draft, share, agree or send back,
start, complete; every agreed version kept."""

import datetime

import pytest

from leerkoers.alignment.models import LearningGoal
from leerkoers.audit.models import AuditEvent
from leerkoers.ownership.models import Pop, PopStatus, PopVersion
from leerkoers.ownership.tests.conftest import client_for

YEAR = 2030


@pytest.fixture
def draft(employee_client, employee_member):
    response = employee_client.post("/o/demo/ownership/pops/", {"year": YEAR})
    pop = Pop.objects.get(member=employee_member, year=YEAR)
    assert response["Location"] == f"/o/demo/ownership/pops/{pop.public_id}/"
    return pop


def _url(pop, tail=""):
    return f"/o/demo/ownership/pops/{pop.public_id}/{tail}"


def test_it_walks_a_plan_from_draft_to_completed(employee_client, manager_client, draft, org):
    goal = LearningGoal.objects.filter(organization=org).first()
    employee_client.post(_url(draft, "goals/"), {"title": "Beter rapporteren", "learning_goal": goal.pk})
    employee_client.post(_url(draft, "activities/"), {"title": "Schrijftraining"})
    employee_client.post(_url(draft), {"support_needed": "Een maatje", "hours_asked": "12,5", "budget_asked": "450"})
    employee_client.post(_url(draft, "steps/"), {"action": "share"})
    assert Pop.objects.get(pk=draft.pk).status == PopStatus.SHARED

    manager_client.post(_url(draft, "steps/"), {"action": "agree", "comment": "Goed plan"})
    pop = Pop.objects.get(pk=draft.pk)
    assert pop.status == PopStatus.AGREED and pop.agreed_on is not None
    version = PopVersion.objects.get(pop=pop)
    assert version.number == 1
    assert version.content["goals"] == [{"title": "Beter rapporteren", "learning_goal": goal.title, "team_goal": None}]
    assert version.content["activities"] == ["Schrijftraining"]
    assert version.content["hours_asked"] == "12.5"

    employee_client.post(_url(draft, "steps/"), {"action": "start"})
    employee_client.post(_url(draft, "steps/"), {"action": "complete"})
    assert Pop.objects.get(pk=draft.pk).status == PopStatus.COMPLETED
    actions = set(AuditEvent.objects.filter(object_id=str(draft.pk)).values_list("action", flat=True))
    assert {"ownership.pop_share", "ownership.pop_agree", "ownership.pop_complete"} <= actions
    assert not AuditEvent.objects.filter(summary__contains="Beter rapporteren").exists()


def test_every_agreed_version_is_kept(employee_client, manager_client, draft):
    employee_client.post(_url(draft, "goals/"), {"title": "Eerste doel"})
    employee_client.post(_url(draft, "steps/"), {"action": "share"})
    manager_client.post(_url(draft, "steps/"), {"action": "agree"})
    employee_client.post(_url(draft, "steps/"), {"action": "revise"})
    employee_client.post(_url(draft, "goals/"), {"title": "Tweede doel"})
    employee_client.post(_url(draft, "steps/"), {"action": "share"})
    manager_client.post(_url(draft, "steps/"), {"action": "agree"})
    versions = list(PopVersion.objects.filter(pop=draft).order_by("number"))
    assert [[g["title"] for g in v.content["goals"]] for v in versions] == [
        ["Eerste doel"],
        ["Eerste doel", "Tweede doel"],
    ]


def test_sending_back_needs_a_comment_and_shows_it_to_the_owner(employee_client, manager_client, draft):
    employee_client.post(_url(draft, "goals/"), {"title": "Vaag doel"})
    employee_client.post(_url(draft, "steps/"), {"action": "share"})
    response = manager_client.post(_url(draft, "steps/"), {"action": "send_back", "comment": "  "}, follow=True)
    assert "Say what should change when you send the plan back." in response.content.decode()
    assert Pop.objects.get(pk=draft.pk).status == PopStatus.SHARED
    manager_client.post(_url(draft, "steps/"), {"action": "send_back", "comment": "Maak het meetbaar"})
    assert Pop.objects.get(pk=draft.pk).status == PopStatus.SENT_BACK
    assert "Maak het meetbaar" in employee_client.get(_url(draft)).content.decode()


def test_it_refuses_to_share_a_plan_without_goals(employee_client, draft):
    response = employee_client.post(_url(draft, "steps/"), {"action": "share"}, follow=True)
    assert "Add at least one goal before you share the plan." in response.content.decode()
    assert Pop.objects.get(pk=draft.pk).status == PopStatus.DRAFT


def test_an_agreed_plan_cannot_be_changed_without_a_revision(employee_client, manager_client, draft):
    employee_client.post(_url(draft, "goals/"), {"title": "Doel"})
    employee_client.post(_url(draft, "steps/"), {"action": "share"})
    manager_client.post(_url(draft, "steps/"), {"action": "agree"})
    response = employee_client.post(_url(draft, "goals/"), {"title": "Stiekem erbij"}, follow=True)
    assert "An agreed plan cannot be changed" in response.content.decode()
    assert not draft.goals.filter(title="Stiekem erbij").exists()


def test_it_refuses_a_second_plan_for_the_same_year_and_a_bad_amount(employee_client, draft):
    response = employee_client.post("/o/demo/ownership/pops/", {"year": YEAR}, follow=True)
    assert f"You already have a personal development plan for {YEAR}." in response.content.decode()
    response = employee_client.post(_url(draft), {"hours_asked": "veel"}, follow=True)
    assert "Enter an amount as a number" in response.content.decode()


def test_the_api_walks_the_same_steps(employee_client, manager_client):
    base = "/api/v1/orgs/demo/ownership/pops"
    created = employee_client.post(base, {"year": YEAR}, content_type="application/json")
    assert created.status_code == 201
    url = f"{base}/{created.json()['id']}"
    assert (
        employee_client.post(f"{url}/goals", {"title": "Via de API"}, content_type="application/json").status_code
        == 201
    )
    shared = employee_client.post(f"{url}/transitions", {"action": "share"}, content_type="application/json")
    assert shared.json()["status"] == "shared"
    again = employee_client.post(f"{url}/transitions", {"action": "share"}, content_type="application/json")
    assert again.status_code == 409
    refused = employee_client.post(f"{url}/transitions", {"action": "agree"}, content_type="application/json")
    assert refused.status_code == 403
    agreed = manager_client.post(f"{url}/transitions", {"action": "agree"}, content_type="application/json")
    assert agreed.status_code == 200
    assert agreed.json()["agreed_on"] == datetime.date.today().isoformat()
    assert agreed.json()["versions"][0]["content"]["goals"][0]["title"] == "Via de API"


def test_the_indicator_moves_when_a_plan_is_agreed(employee_client, manager_client, admin_client, colleague, draft):
    before = admin_client.get(f"/api/v1/orgs/demo/ownership/indicators?year={YEAR}").json()["pops"]
    employee_client.post(_url(draft, "goals/"), {"title": "Doel"})
    employee_client.post(_url(draft, "steps/"), {"action": "share"})
    manager_client.post(_url(draft, "steps/"), {"action": "agree"})
    after = admin_client.get(f"/api/v1/orgs/demo/ownership/indicators?year={YEAR}").json()["pops"]
    assert after["part"] == before["part"] + 1
    assert after["whole"] == before["whole"]


def test_an_advisor_has_no_plan_of_their_own(advisor_client):
    response = advisor_client.post("/o/demo/ownership/pops/", {"year": YEAR}, follow=True)
    assert "Only members of the organisation have a personal development plan." in response.content.decode()
    assert not Pop.objects.filter(year=YEAR).exists()


def test_the_pop_pages_answer_within_a_fixed_number_of_queries(
    admin_client, manager_client, employee_client, django_assert_max_num_queries
):
    for client in (admin_client, manager_client, employee_client):
        with django_assert_max_num_queries(16):
            assert client.get("/o/demo/ownership/pops/").status_code == 200
    with django_assert_max_num_queries(16):
        assert admin_client.get("/api/v1/orgs/demo/ownership/pops").status_code == 200


def test_it_shows_the_plan_in_dutch(draft, employee_user):
    page = client_for(employee_user).get(_url(draft), headers={"accept-language": "nl"}).content.decode()
    assert "Concept" in page
