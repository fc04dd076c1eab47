"""Vision rounds inside an organisation: opening, invitations, results per layer, export."""

import datetime

import pytest
from django.core import mail

from leerkoers.jobs.models import Job
from leerkoers.vision.models import VisionInvitation, VisionParticipant, VisionRound
from leerkoers.vision.tests.conftest import add_votes, seed_statement

pytestmark = pytest.mark.django_db

FUTURE = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()


def test_it_opens_a_round_with_the_seeds_questions_own_ones_and_fixed_thresholds(admin_client, org):
    response = admin_client.post(
        "/o/demo/vision/rounds/",
        {
            "title": "Visie 2027",
            "closes_on": FUTURE,
            "custom_questions": "1",
            "question": ["What do we want to achieve with learning?", "What role does learning play in our culture?"],
            "extra_questions": "Wat mag leren kosten?\n\n",
            "consensus_threshold": "80",
            "min_ratings": "7",
            "layer_links": "on",
        },
    )
    vision_round = VisionRound.objects.get(organization=org, title="Visie 2027")
    assert response["Location"] == f"/o/demo/vision/rounds/{vision_round.public_id}/"
    assert [q.text for q in vision_round.questions.all()] == [
        "What do we want to achieve with learning?",
        "What role does learning play in our culture?",
        "Wat mag leren kosten?",
    ]
    assert vision_round.consensus_threshold == 0.8 and vision_round.min_ratings == 7
    assert vision_round.layer_links.count() == 4
    html = admin_client.get(response["Location"]).content.decode()
    assert "at least 80% agreement in every layer" in html and "from 7 ratings" in html
    for link in vision_round.layer_links.all():
        assert f"/visie/l/{link.token}/" in html


def test_it_uses_the_three_default_questions_when_none_are_chosen(admin_client, org):
    admin_client.post("/o/demo/vision/rounds/", {"title": "Standaard", "closes_on": FUTURE})
    vision_round = VisionRound.objects.get(organization=org, title="Standaard")
    assert vision_round.questions.count() == 3 and vision_round.layer_links.count() == 0


@pytest.mark.parametrize(
    "data, message",
    [
        ({"title": " ", "closes_on": FUTURE}, "Give the round a title."),
        ({"title": "X", "closes_on": "2001-01-01"}, "The closing date cannot lie in the past."),
        ({"title": "X", "closes_on": "morgen"}, "Give the closing date."),
        ({"title": "X", "closes_on": FUTURE, "consensus_threshold": "40"}, "Ensure this value is greater"),
        ({"title": "X", "closes_on": FUTURE, "consensus_threshold": "veel"}, "must be whole numbers"),
        ({"title": "X", "closes_on": FUTURE, "custom_questions": "1"}, "Ask at least one guiding question."),
    ],
)
def test_it_refuses_a_bad_round_and_stores_nothing(admin_client, data, message):
    before = VisionRound.objects.count()
    response = admin_client.post("/o/demo/vision/rounds/", data, follow=True)
    assert message in response.content.decode()
    assert VisionRound.objects.count() == before


def test_only_steering_roles_open_rounds(employee_client, director_client):
    for client in (employee_client, director_client):
        assert client.post("/o/demo/vision/rounds/", {"title": "x", "closes_on": FUTURE}).status_code == 403


def test_an_employee_sees_the_rounds_but_no_results(employee_client, vision_round):
    html = employee_client.get("/o/demo/vision/").content.decode()
    assert "Testronde visie" in html and 'name="title"' not in html
    assert employee_client.get(f"/o/demo/vision/rounds/{vision_round.public_id}/").status_code == 403


def test_it_emails_a_personal_link_to_every_member_once_with_progress(admin_client, vision_round, org):
    members = org.memberships.count()
    response = admin_client.post(f"/o/demo/vision/rounds/{vision_round.public_id}/invite/")
    assert len(mail.outbox) == members
    job = Job.objects.get(kind=f"vision-invite:{vision_round.public_id}")
    assert job.status == Job.Status.DONE and job.result == {"sent": members}
    assert f'id="job-{job.pk}"' in admin_client.get(response["Location"]).content.decode()
    assert "/visie/l/p-" in mail.outbox[0].body
    layers = dict(VisionInvitation.objects.filter(round=vision_round).values_list("membership__user__email", "layer"))
    assert layers["director@demo.example"] == "board" and layers["admin@demo.example"] == "hr"
    admin_client.post(f"/o/demo/vision/rounds/{vision_round.public_id}/invite/")
    assert len(mail.outbox) == members


def test_the_results_show_consensus_division_and_unclear_per_layer(admin_client, vision_round):
    shared = seed_statement(vision_round, "Leren hoort bij het werk.")
    split = seed_statement(vision_round, "Elke training dient een strategisch doel.")
    thin = seed_statement(vision_round, "HR kiest de opleidingen.")
    add_votes(vision_round, shared, "board", agree=5)
    add_votes(vision_round, shared, "employees", agree=6)
    add_votes(vision_round, split, "board", agree=5)
    add_votes(vision_round, split, "employees", disagree=6)
    add_votes(vision_round, thin, "board", agree=5)
    add_votes(vision_round, thin, "employees", agree=2)  # employees lack ratings here
    html = admin_client.get(f"/o/demo/vision/rounds/{vision_round.public_id}/").content.decode()
    consensus_part = html.split("Broad support in every layer</h2>")[1].split("</table>")[0]
    dividing_part = html.split("Statements that divide layers</h2>")[1].split("</table>")[0]
    unclear_part = html.split("Unclear: a layer lacks ratings</h2>")[1].split("</table>")[0]
    assert "Leren hoort bij het werk." in consensus_part and "88%" in consensus_part  # (6+1)/(6+2)
    assert "Elke training dient" in dividing_part and "73%" in dividing_part  # 6/7 − 1/8 = 0.732
    assert "HR kiest de opleidingen." in unclear_part


def test_a_small_layer_is_counted_as_fewer_than_five_and_the_next_smallest_hidden_too(admin_client, vision_round):
    for layer, n in (("board", 3), ("managers", 6), ("employees", 12)):
        VisionParticipant.objects.bulk_create(
            VisionParticipant(
                organization=vision_round.organization, round=vision_round, layer=layer, token_hash=f"{layer}{i}"
            )
            for i in range(n)
        )
    html = admin_client.get(f"/o/demo/vision/rounds/{vision_round.public_id}/").content.decode()
    figures = html.split('<dl class="figures">')[1].split("</dl>")[0]
    assert figures.count("fewer than 5") == 2 and "<dd>12</dd>" in figures and "<dd>6</dd>" not in figures


def test_the_export_holds_counts_per_statement_and_layer_only_above_the_threshold(admin_client, vision_round):
    statement = seed_statement(vision_round, "=HYPERLINK(1) leren")
    add_votes(vision_round, statement, "board", agree=4, disagree=1, passes=1)
    add_votes(vision_round, statement, "hr", agree=2)  # HR (2) too small to take part: board alone decides
    response = admin_client.get(f"/o/demo/vision/rounds/{vision_round.public_id}/ratings.csv")
    rows = response.content.decode().splitlines()
    assert rows[0] == "statement,result,layer,ratings,agree,disagree,pass,agree share"
    assert "'=HYPERLINK(1) leren,none,board,6,4,1,1,0.625" in rows
    assert "'=HYPERLINK(1) leren,none,hr,,,,," in rows


def test_closing_stops_new_participants(admin_client, client, vision_round):
    link = vision_round.layer_links.first()
    admin_client.post(f"/o/demo/vision/rounds/{vision_round.public_id}/close/")
    vision_round.refresh_from_db()
    assert not vision_round.is_open and vision_round.closed_at
    assert client.post(f"/visie/l/{link.token}/").status_code == 410


def test_the_demo_round_shows_opinion_groups_without_layers_or_ids(admin_client, org):
    demo_round = VisionRound.objects.get(organization=org, title="Visie op leren 2026")
    html = admin_client.get(f"/o/demo/vision/rounds/{demo_round.public_id}/").content.decode()
    assert 'id="groups-data"' in html and "Group 2" in html
    data = html.split('id="groups-data" type="application/json">')[1].split("</script>")[0]
    assert "layer" not in data and "board" not in data and data.count("[") > 10


def test_opinion_groups_wait_for_enough_participants(admin_client, vision_round):
    html = admin_client.get(f"/o/demo/vision/rounds/{vision_round.public_id}/").content.decode()
    assert "Opinion groups appear once 15 participants have each rated at least 7 statements." in html
    assert 'id="groups-data"' not in html


def test_the_answers_page_shows_themes_only_from_layers_of_ten(admin_client, vision_round):
    from leerkoers.vision.models import VisionAnswer

    question = vision_round.questions.first()
    texts = ["Meer tijd om te leren in werktijd", "Tijd voor leren tijdens werktijd"] * 5
    for layer, n in (("employees", 10), ("board", 3)):
        for i in range(n):
            participant = VisionParticipant.objects.create(
                organization=vision_round.organization, round=vision_round, layer=layer, token_hash=f"a{layer}{i}"
            )
            VisionAnswer.objects.create(
                organization=vision_round.organization,
                round=vision_round,
                question=question,
                participant=participant,
                layer=layer,
                text=texts[i] if layer == "employees" else "Geheim bestuursantwoord over budgetten",
            )
    html = admin_client.get(f"/o/demo/vision/rounds/{vision_round.public_id}/answers/").content.decode()
    assert "tijd, werktijd, leren" in html or "leren, tijd, werktijd" in html
    assert "10 answers" in html
    assert "Geheim bestuursantwoord" not in html and "Too few answers in this layer to show them." in html
