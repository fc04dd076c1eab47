"""Taking part through a link: no account, anonymous, rating with results after rating."""

import pytest

from leerkoers.jobs.invitations import PERSONAL_PREFIX
from leerkoers.orgs.models import hash_token
from leerkoers.vision.models import (
    VisionAnswer,
    VisionInvitation,
    VisionParticipant,
    VisionRating,
    VisionStatement,
)
from leerkoers.vision.tests.conftest import add_votes, join, seed_statement

pytestmark = pytest.mark.django_db


def _start(client, token):
    response = client.post(f"/visie/l/{token}/")
    assert response.status_code == 302
    return response["Location"]


def test_a_layer_link_shows_the_rules_and_makes_a_participant_of_that_layer(client, vision_round):
    link = vision_round.layer_links.get(layer="managers")
    html = client.get(f"/visie/l/{link.token}/").content.decode()
    assert "at least 75% agrees in every layer" in html and "from 5 ratings" in html
    assert VisionParticipant.objects.filter(round=vision_round).count() == 0  # opening uses nothing
    page = _start(client, link.token)
    assert page.startswith("/visie/d/")
    participant = VisionParticipant.objects.get(round=vision_round)
    assert participant.layer == "managers"
    assert client.get(page).status_code == 200


def test_a_personal_link_works_once_and_keeps_no_trace_of_the_participant(client, vision_round, org):
    raw = PERSONAL_PREFIX + "abc123"
    invitation = VisionInvitation.objects.create(
        organization=org,
        round=vision_round,
        membership=org.memberships.first(),
        layer="board",
        token_hash=hash_token(raw),
    )
    _start(client, raw)
    invitation.refresh_from_db()
    assert invitation.used
    assert client.post(f"/visie/l/{raw}/").status_code == 410
    assert client.get(f"/visie/l/{raw}/").status_code == 410
    fields = {f.name for f in VisionInvitation._meta.get_fields()}
    assert not fields & {"participant", "used_at"}  # used, but not when nor as whom
    assert not {f.get_internal_type() for f in VisionParticipant._meta.fields} & {"DateTimeField", "DateField"}
    assert not {f.get_internal_type() for f in VisionRating._meta.fields} & {"DateTimeField", "DateField"}
    assert not {f.get_internal_type() for f in VisionParticipant._meta.fields} - {
        "UUIDField",
        "ForeignKey",
        "CharField",
        "BooleanField",
    }


def test_an_unknown_link_is_404(client):
    assert client.get("/visie/l/nope/").status_code == 404
    assert client.get("/visie/d/nope/").status_code == 404


def test_a_participant_rates_and_sees_the_results_only_after_rating(client, vision_round):
    statement = seed_statement(vision_round, "Leren hoort bij het werk.")
    add_votes(vision_round, statement, "employees", agree=5)
    token = join(vision_round, "employees")
    page = client.get(f"/visie/d/{token}/").content.decode()
    assert "Leren hoort bij het werk." in page and "agree (" not in page  # no figures before rating
    response = client.post(f"/visie/d/{token}/rate/", {"statement": str(statement.public_id), "vote": "1"})
    assert response["Location"] == f"/visie/d/{token}/?rated={statement.public_id}#just-rated"
    page = client.get(response["Location"]).content.decode()
    assert "How others rated this" in page and "88% agree (6 ratings)" in page  # (6+1)/(6+2)
    assert "You have rated every statement for now." in page


def test_it_refuses_a_second_rating_an_unknown_vote_and_a_hidden_statement(client, vision_round):
    statement = seed_statement(vision_round, "Leren hoort bij het werk.")
    hidden = seed_statement(vision_round, "Weg ermee.")
    VisionStatement.objects.filter(pk=hidden.pk).update(status="hidden")
    token = join(vision_round, "board")
    url = f"/visie/d/{token}/rate/"
    assert client.post(url, {"statement": str(statement.public_id), "vote": "7"}).status_code == 422
    client.post(url, {"statement": str(statement.public_id), "vote": "-1"})
    second = client.post(url, {"statement": str(statement.public_id), "vote": "1"})
    assert second.status_code == 422 and "already rated this statement" in second.content.decode()
    assert client.post(url, {"statement": str(hidden.public_id), "vote": "1"}).status_code == 422
    assert client.post(url, {"statement": "not-a-uuid", "vote": "1"}).status_code == 422
    assert list(VisionRating.objects.filter(round=vision_round).values_list("vote", flat=True)) == [-1]


def test_a_participant_proposes_a_statement_but_never_rates_their_own(client, vision_round):
    token = join(vision_round, "employees")
    response = client.post(f"/visie/d/{token}/statements/", {"text": "  Leren   mag in werktijd.  "})
    assert response.status_code == 302
    statement = VisionStatement.objects.get(round=vision_round)
    assert statement.text == "Leren mag in werktijd." and not statement.seeded
    page = client.get(f"/visie/d/{token}/").content.decode()
    assert 'name="statement"' not in page  # their own is not offered to them
    other = join(vision_round, "board")
    assert "Leren mag in werktijd." in client.get(f"/visie/d/{other}/").content.decode()
    refused = client.post(f"/visie/d/{token}/rate/", {"statement": str(statement.public_id), "vote": "1"})
    assert refused.status_code == 422 and "own statement" in refused.content.decode()


@pytest.mark.parametrize(
    "text, message",
    [("", "Write a statement."), ("x" * 141, "at most 140 characters"), ("leren HOORT bij het werk.", "already in")],
)
def test_it_refuses_a_bad_statement_with_a_clear_message(client, vision_round, text, message):
    seed_statement(vision_round, "Leren hoort bij het werk.")
    token = join(vision_round, "employees")
    response = client.post(f"/visie/d/{token}/statements/", {"text": text})
    assert response.status_code == 422 and message in response.content.decode()
    assert VisionStatement.objects.filter(round=vision_round).count() == 1


def test_it_answers_the_guiding_questions_and_changes_an_answer(client, vision_round):
    token = join(vision_round, "managers")
    first, second, _third = vision_round.questions.all()
    url = f"/visie/d/{token}/questions/"
    assert "What do we want to achieve with learning?" in client.get(url).content.decode()
    client.post(url, {f"q{first.pk}": "Vakmanschap", f"q{second.pk}": ""})
    client.post(url, {f"q{first.pk}": "Vakmanschap en plezier"})
    assert list(VisionAnswer.objects.filter(round=vision_round).values_list("text", "layer")) == [
        ("Vakmanschap en plezier", "managers")
    ]
    too_long = client.post(url, {f"q{first.pk}": "x" * 2001})
    assert too_long.status_code == 422 and "at most 2,000 characters" in too_long.content.decode()


def test_a_closed_round_takes_no_more_ratings(client, vision_round):
    statement = seed_statement(vision_round, "Leren hoort bij het werk.")
    token = join(vision_round, "board")
    vision_round.status = "closed"
    vision_round.save()
    response = client.post(f"/visie/d/{token}/rate/", {"statement": str(statement.public_id), "vote": "1"})
    assert response.status_code == 410 and not VisionRating.objects.filter(round=vision_round).exists()


def test_the_participant_page_is_in_dutch(client, vision_round):
    token = join(vision_round, "board")
    html = client.get(f"/visie/d/{token}/", headers={"accept-language": "nl"}).content.decode()
    assert "Stel een stelling voor" in html


def test_a_rating_with_an_unknown_token_is_404_and_stores_nothing(client, vision_round):
    import json

    statement = seed_statement(vision_round, "Leren hoort bij het werk.")
    body = json.dumps({"statement": str(statement.public_id), "vote": 1})
    response = client.post("/api/v1/vision/participants/nobody/ratings", body, content_type="application/json")
    assert response.status_code == 404
    assert client.post("/visie/d/nobody/rate/", {"statement": str(statement.public_id), "vote": "1"}).status_code == 404
    assert not VisionRating.objects.filter(round=vision_round).exists()
