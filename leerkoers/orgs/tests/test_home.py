import pytest
from django.urls import reverse

from leerkoers.orgs import journey

HOME = reverse("orgs:home", args=["demo"])


def test_it_shows_all_seven_steps_with_their_status(admin_client, django_assert_max_num_queries):
    # The foundation needs 5 queries; each of the seven steps' reporters may add up to 5.
    with django_assert_max_num_queries(40):
        response = admin_client.get(HOME)
    assert response.status_code == 200
    steps = response.context["steps"]
    assert [step.definition.key for step in steps] == [
        "scan",
        "inventory",
        "vision",
        "alignment",
        "ownership",
        "pilots",
        "policy",
    ]
    page = response.content.decode()
    assert page.count('class="journey-step ') == 7
    for step in steps:
        assert str(step.definition.title) in page
        assert str(step.report.status.label) in page


@pytest.mark.parametrize("cast", ["director_client", "manager_client", "employee_client", "advisor_client"])
def test_it_shows_the_journey_to_every_role(request, db, cast):
    assert request.getfixturevalue(cast).get(HOME).status_code == 200


def test_it_links_the_admin_pages_for_admins_only(admin_client, employee_client):
    assert reverse("orgs:api_tokens", args=["demo"]) in admin_client.get(HOME).content.decode()
    page = employee_client.get(HOME).content.decode()
    assert reverse("orgs:api_tokens", args=["demo"]) not in page
    assert reverse("orgs:members", args=["demo"]) not in page


def test_it_answers_a_missing_organisation_like_a_forbidden_one(admin_client, outsider_client):
    missing = admin_client.get("/o/no-such-org/")
    forbidden = outsider_client.get(HOME)
    assert missing.status_code == forbidden.status_code == 404


def test_it_reports_a_registered_step_with_its_figures(admin_client, monkeypatch):
    report = journey.StepReport(journey.Status.DONE, [journey.Figure("Vision statements", "12")], "Share the vision")
    monkeypatch.setitem(journey._REPORTERS, "vision", lambda organization: report)
    response = admin_client.get(HOME)
    page = response.content.decode()
    assert "Vision statements" in page and "12" in page and "Share the vision" in page
    assert response.context["progress"] >= round(100 / 7)


def test_it_counts_progress_from_the_statuses():
    def step(status):
        return journey.JourneyStep(journey.STEPS[0], journey.StepReport(status), None, True)

    S = journey.Status
    assert journey.progress_share([]) == 0
    assert journey.progress_share([step(S.DONE), step(S.IN_PROGRESS), step(S.NOT_STARTED), step(S.DONE)]) == 0.625


def test_it_refuses_to_register_an_unknown_step():
    with pytest.raises(ValueError):
        journey.register("no-such-step", lambda organization: None)


def test_it_offers_the_advisor_a_switch_between_organisations(advisor_client):
    page = advisor_client.get(HOME).content.decode()
    assert 'id="org-switcher"' in page
    assert "Zorggroep Demo" in page and "Techniek Andere BV" in page
    response = advisor_client.get(reverse("landing"), {"org": "demo-other"})
    assert response["Location"] == "/o/demo-other/"
    assert advisor_client.get("/o/demo-other/").status_code == 200


def test_it_ignores_a_switch_to_an_organisation_one_cannot_enter(admin_client, advisor_client):
    assert admin_client.get(reverse("landing"), {"org": "demo-other"})["Location"] == "/o/demo/"
    response = advisor_client.get(reverse("landing"), {"org": "no-such-org"})
    assert response.status_code == 200
    assert "Your organisations" in response.content.decode()


def test_it_shows_no_switcher_to_a_member_of_one_organisation(admin_client):
    assert 'id="org-switcher"' not in admin_client.get(HOME).content.decode()


def test_it_tells_someone_without_an_organisation_how_to_get_in(client, db):
    from leerkoers.accounts.models import User

    user = User.objects.create_user(email="los@example.org", password=None)
    client.force_login(user)
    response = client.get(reverse("landing"))
    assert "You are not a member of any organisation yet." in response.content.decode()


def test_it_marks_the_first_unfinished_step_as_next(admin_client, monkeypatch):
    done = journey.StepReport(journey.Status.DONE)
    started = journey.StepReport(journey.Status.IN_PROGRESS)
    monkeypatch.setattr(journey, "_REPORTERS", {"scan": lambda o: done, "inventory": lambda o: started})
    response = admin_client.get(HOME)
    assert response.context["next_step"].definition.key == "inventory"
    page = response.content.decode()
    assert page.count("Next on the route") == 1
    assert page.index("Next on the route") > page.index("Map the current situation")


def test_it_marks_no_next_step_when_nothing_is_there_to_work_on(admin_client, monkeypatch):
    monkeypatch.setattr(journey, "_REPORTERS", {})
    response = admin_client.get(HOME)
    assert response.context["next_step"] is None
    assert "Next on the route" not in response.content.decode()


def test_it_writes_journey_counts_in_the_users_locale():
    from django.utils import translation

    with translation.override("nl"):
        assert journey.count(20000) == "20.000"
    with translation.override("en"):
        assert journey.count(20000) == "20,000"
    assert journey.count(None) == "0"
    assert journey.percent(0.384) == "38%"


def test_it_titles_the_page_with_its_own_name_and_the_product(admin_client):
    content = admin_client.get("/o/demo/").content.decode()
    assert "<title>Zorggroep Demo · Leerkoers</title>" in content
