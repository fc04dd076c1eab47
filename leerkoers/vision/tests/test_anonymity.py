"""Anonymity attacks on a vision round: padding a layer through its shared link, and joining
personal links to ratings in the database."""

import pytest
from django.db import connection

from leerkoers.jobs.invitations import PERSONAL_PREFIX
from leerkoers.orgs.models import hash_token
from leerkoers.vision.models import VisionInvitation, VisionParticipant, VisionRating
from leerkoers.vision.tests.conftest import seed_statement

pytestmark = pytest.mark.django_db


def _invite(org, vision_round, layer, n):
    raws = []
    for i in range(n):
        raw = f"{PERSONAL_PREFIX}{layer}-{i}"
        VisionInvitation.objects.create(
            organization=org, round=vision_round, membership=None, layer=layer, token_hash=hash_token(raw)
        )
        raws.append(raw)
    return raws


def _take_part_and_rate(client, token, statement, vote):
    page = client.post(f"/visie/l/{token}/")["Location"]
    participant = page.rstrip("/").rsplit("/", 1)[1]
    client.post(f"/visie/d/{participant}/rate/", {"statement": str(statement.public_id), "vote": str(vote)})


def test_padding_a_layer_through_its_shared_link_does_not_show_the_one_real_vote(
    admin_client, client, vision_round, org
):
    statement = seed_statement(vision_round, "HR bepaalt welke opleidingen er zijn.")
    real = _invite(org, vision_round, "hr", 1)[0]
    _take_part_and_rate(client, real, statement, 1)  # the one real HR participant agrees
    link = vision_round.layer_links.get(layer="hr").token
    for _ in range(4):  # four made-up participants who all disagree
        _take_part_and_rate(client, link, statement, -1)
    assert VisionRating.objects.filter(statement=statement, layer="hr").count() == 5
    body = admin_client.get(f"/api/v1/orgs/demo/vision/rounds/{vision_round.public_id}/results").json()
    hr = next(c for c in body["statements"][0]["layers"] if c["layer"] == "hr")
    assert hr["shown"] is False and hr["agree"] is None
    csv = admin_client.get(f"/o/demo/vision/rounds/{vision_round.public_id}/ratings.csv").content.decode()
    assert ",hr,,,,," in csv


def test_a_layer_of_five_personal_links_is_shown(admin_client, client, vision_round, org):
    statement = seed_statement(vision_round, "HR bepaalt welke opleidingen er zijn.")
    for i, raw in enumerate(_invite(org, vision_round, "hr", 5)):
        _take_part_and_rate(client, raw, statement, 1 if i < 3 else -1)
    body = admin_client.get(f"/api/v1/orgs/demo/vision/rounds/{vision_round.public_id}/results").json()
    hr = next(c for c in body["statements"][0]["layers"] if c["layer"] == "hr")
    assert hr["shown"] and hr["agree"] == 3 and hr["ratings"] == 5


def test_no_column_joins_a_used_invitation_to_its_participant_or_ratings(client, vision_round, org):
    statement = seed_statement(vision_round, "Leren hoort bij het werk.")
    raws = _invite(org, vision_round, "employees", 6)
    for i, raw in enumerate(raws):
        _take_part_and_rate(client, raw, statement, 1 if i % 2 else -1)
    tables = {m._meta.db_table: m for m in (VisionInvitation, VisionParticipant, VisionRating)}
    with connection.cursor() as cursor:
        for table, model in tables.items():
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            # No time of use or creation anywhere, and no pointer from an invitation to whom it became.
            assert not [c for c in columns if c.endswith(("_at", "created", "time", "date"))], (table, columns)
            assert "participant_id" not in columns or model is VisionRating
    # Invitations are numbered in the order they were sent; participants carry a random key,
    # so the order in which they appear says nothing about which invitation was used when.
    participant_ids = list(VisionParticipant.objects.filter(round=vision_round).values_list("pk", flat=True))
    assert all(p.version == 4 for p in participant_ids)
