"""Evaluation forms: the private link, anonymous responses, suppression of small groups and
how far up the four levels the evidence reaches."""

import json

import pytest
from django.urls import reverse

from leerkoers.pilots import evaluation
from leerkoers.pilots.demo import FINISHED, RUNNING
from leerkoers.pilots.models import EvaluationForm, EvaluationResponse, Pilot

pytestmark = pytest.mark.django_db


def _form(org, level=1, audience="participant"):
    pilot = Pilot.objects.get(organization=org, title=RUNNING)
    return EvaluationForm.objects.create(
        organization=org, pilot=pilot, level=level, audience=audience, token=f"t-{level}-{audience}", invited=10
    )


def test_it_hides_a_form_below_the_threshold_and_reaches_the_highest_shown_level():
    forms = [
        evaluation.FormData("r", 1, "participant", 10, ["useful"], [{"useful": 4}] * 5 + [{"useful": 2}]),
        evaluation.FormData("b", 3, "manager", 3, ["apply"], [{"apply": 5}] * 4),
    ]
    result = evaluation.evaluate(forms, minimum=5, results_shown=False)
    reaction, behaviour = result.forms
    assert reaction.responses == 6 and reaction.response_rate == pytest.approx(0.6)
    assert reaction.means == {"useful": pytest.approx(22 / 6)} and reaction.ltem_tier == 3
    assert behaviour.suppressed == "primary" and behaviour.responses is None and behaviour.means == {}
    assert result.highest_level == 1
    assert evaluation.evaluate(forms, minimum=5, results_shown=True).highest_level == 4


def test_it_answers_a_form_by_its_private_link_once_per_browser(client, org):
    form = _form(org)
    url = reverse("pilots_public:respond", kwargs={"token": form.token})
    page = client.get(url).content.decode()
    assert "What I learned is useful for my work." in page
    response = client.post(url, {"useful": "4", "recommend": "5"})
    assert "stored without your name" in response.content.decode()
    (stored,) = EvaluationResponse.objects.filter(form=form)
    assert stored.answers == {"useful": 4, "recommend": 5}
    assert "already answered" in client.get(url).content.decode()


def test_it_refuses_an_incomplete_response_with_a_clear_error(client, org):
    form = _form(org)
    url = reverse("pilots_public:respond", kwargs={"token": form.token})
    response = client.post(url, {"useful": "9"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not EvaluationResponse.objects.filter(form=form).exists()


def test_it_closes_the_forms_of_a_decided_pilot(client, org):
    form = EvaluationForm.objects.filter(pilot__title=FINISHED).first()
    url = reverse("pilots_public:respond", kwargs={"token": form.token})
    assert client.get(url).status_code == 410
    assert client.post(url, {"useful": "4"}).status_code == 410


def test_it_shows_the_demo_evaluation_with_the_small_managers_group_hidden(employee_client, org):
    pilot = Pilot.objects.get(organization=org, title=FINISHED)
    page = employee_client.get(reverse("pilots:pilot", args=["demo", pilot.public_id])).content.decode()
    assert "reaches level 4 of 4" in page
    assert "hidden: fewer than 5 responses" in page
    assert "15 / 18" in page
    assert "/pilot/f/" not in page and "Personal links for" not in page  # for those who run the pilot


def test_it_makes_a_form_for_a_running_pilot_only(admin_client, org):
    running = Pilot.objects.get(organization=org, title=RUNNING)
    url = reverse("pilots:form_new", args=["demo", running.public_id])
    admin_client.post(url, {"level": "3", "audience": "manager", "invited": "4"})
    assert EvaluationForm.objects.filter(pilot=running, level=3, audience="manager").exists()
    admin_client.post(url, {"level": "1", "audience": "manager"})
    assert not EvaluationForm.objects.filter(pilot=running, level=1, audience="manager").exists()


def test_it_answers_a_form_through_the_api_and_lists_the_results(client, admin_client, org):
    form = _form(org)
    base = f"/api/v1/pilot-forms/{form.token}"
    assert [q["key"] for q in client.get(base).json()["questions"]] == ["useful", "recommend"]
    body = json.dumps({"answers": {"useful": 3, "recommend": 4}})
    assert client.post(f"{base}/responses", body, content_type="application/json").status_code == 201
    bad = json.dumps({"answers": {"useful": 3}})
    assert client.post(f"{base}/responses", bad, content_type="application/json").status_code == 422
    listed = admin_client.get(f"/api/v1/orgs/demo/pilots/{form.pilot.public_id}/forms").json()
    assert listed[0]["responses"] is None and listed[0]["link"].endswith(f"/{form.token}/")
