import dataclasses

import pytest
from django.urls import reverse

from leerkoers import journey
from leerkoers.lib import journey as step_report

HOME = reverse("orgs:home", args=["demo"])


def test_it_shows_the_steps_that_exist_with_their_status(admin_client, django_assert_max_num_queries):
    # The foundation needs 5 queries; the six steps' reporters about 6 each.
    with django_assert_max_num_queries(45):
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
    assert 'class="journey-coming"' not in page  # every step exists
    assert page.count('class="journey-step ') == len(journey.STEPS)
    for step in steps:
        assert str(step.definition.title) in page
        assert str(step.report.status.label) in page
        assert f'href="{step.url}"' in page


def test_it_names_what_is_coming_without_a_status_or_a_link(admin_client, monkeypatch):
    assert 'class="journey-coming"' not in admin_client.get(HOME).content.decode()  # every step exists
    monkeypatch.setattr(journey, "COMING", [journey.ComingStep(6, "Learning together", "A planned step.")])
    page = admin_client.get(HOME).content.decode()
    coming = page[page.index('class="journey-coming"') :]
    assert "Learning together" in coming and "Learning together" not in page[: page.index('class="journey-coming"')]
    assert "<a " not in coming.split("</section>")[0]


def _with_report(monkeypatch, reports: dict):
    steps = [
        dataclasses.replace(step, report=(lambda o, r=reports[step.key]: r), reports=None)
        if step.key in reports
        else step
        for step in journey.STEPS
    ]
    monkeypatch.setattr(journey, "STEPS", steps)


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
    report = journey.StepReport(
        journey.Status.DONE, [step_report.Figure("Vision statements", "12")], "Share the vision"
    )
    _with_report(monkeypatch, {"vision": report})
    response = admin_client.get(HOME)
    page = response.content.decode()
    assert "Vision statements" in page and "12" in page and "Share the vision" in page
    assert response.context["progress"] >= round(100 / 7)


def test_it_counts_progress_from_the_statuses():
    def step(status):
        return journey.JourneyStep(journey.STEPS[0], journey.StepReport(status), "/")

    S = journey.Status
    assert journey.progress_share([], total=0) == 0
    steps = [step(S.DONE), step(S.IN_PROGRESS), step(S.NOT_STARTED), step(S.DONE)]
    assert journey.progress_share(steps, total=4) == 0.625
    # Out of the whole route by default: the steps still to come count as not started.
    assert journey.progress_share(steps) == 2.5 / (len(journey.STEPS) + len(journey.COMING))


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
    _with_report(monkeypatch, {"scan": done, "inventory": started})
    response = admin_client.get(HOME)
    assert response.context["next_step"].definition.key == "inventory"
    page = response.content.decode()
    assert page.count("Next on the route") == 1
    assert page.index("Next on the route") > page.index("Map the current situation")


def test_it_marks_no_next_step_when_every_step_is_done(admin_client, monkeypatch):
    _with_report(monkeypatch, {step.key: journey.StepReport(journey.Status.DONE) for step in journey.STEPS})
    response = admin_client.get(HOME)
    assert response.context["next_step"] is None
    assert "Next on the route" not in response.content.decode()


def test_it_writes_journey_counts_in_the_users_locale():
    from django.utils import translation

    with translation.override("nl"):
        assert step_report.count(20000) == "20.000"
    with translation.override("en"):
        assert step_report.count(20000) == "20,000"
    assert step_report.count(None) == "0"
    assert step_report.percent(0.384) == "38%"


def test_it_titles_the_page_with_its_own_name_and_the_product(admin_client):
    content = admin_client.get("/o/demo/").content.decode()
    assert "<title>Zorggroep Demo · Leerkoers</title>" in content


def test_it_ranks_what_to_do_next_steps_without_data_first_then_in_progress_then_the_document(
    admin_client, monkeypatch
):
    S = journey.Status
    reports = {
        "scan": journey.StepReport(S.DONE, [], "Repeat the scan"),
        "inventory": journey.StepReport(S.IN_PROGRESS, [], "Import the participations"),
        "vision": journey.StepReport(S.NOT_STARTED, [], "Open a vision round"),
        "alignment": journey.StepReport(S.IN_PROGRESS, [], "Link the open goals"),
        "ownership": journey.StepReport(S.NOT_STARTED, [], "Agree the responsibilities"),
        "pilots": journey.StepReport(S.IN_PROGRESS, [], ""),  # no action: not listed
        "policy": journey.StepReport(S.NOT_STARTED, [], "Make the first version"),
    }
    _with_report(monkeypatch, reports)
    response = admin_client.get(HOME)
    ranked = [step.definition.key for step in response.context["next_actions"]]
    assert ranked == ["vision", "ownership", "inventory"]  # the first three of five open actions
    everything = journey.next_actions(response.context["steps"], limit=10)
    assert [step.definition.key for step in everything] == ["vision", "ownership", "inventory", "alignment", "policy"]
    page = response.content.decode()
    assert "What to do next" in page
    assert (
        page.index("Open a vision round")
        < page.index("Agree the responsibilities")
        < page.index("Import the participations")
    )
    assert f'href="{reverse("vision:index", args=["demo"])}"' in page


def test_it_lists_nothing_to_do_next_when_every_step_is_done(admin_client, monkeypatch):
    _with_report(
        monkeypatch, {step.key: journey.StepReport(journey.Status.DONE, [], "Keep going") for step in journey.STEPS}
    )
    response = admin_client.get(HOME)
    assert response.context["next_actions"] == []
    assert "What to do next" not in response.content.decode()
