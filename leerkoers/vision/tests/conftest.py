import datetime

import pytest

from leerkoers.vision.models import VisionParticipant, VisionRating, VisionStatement
from leerkoers.vision.services import participant_start, round_open, statement_propose


@pytest.fixture
def vision_round(org, admin_user):
    return round_open(
        organization=org,
        title="Testronde visie",
        closes_on=datetime.date.today() + datetime.timedelta(days=14),
        layer_links=True,
        actor=admin_user,
    )


def join(vision_round, layer: str) -> str:
    """A new participant of `layer`; returns their private token."""
    return participant_start(vision_round=vision_round, layer=layer, invitation=None)


def seed_statement(vision_round, text: str) -> VisionStatement:
    return statement_propose(vision_round=vision_round, text=text)


def add_votes(vision_round, statement, layer: str, agree=0, disagree=0, passes=0, *, verified=True) -> None:
    """Ratings of `statement` by new participants of `layer` (through personal links unless
    `verified` is False)."""
    for vote, n in ((1, agree), (-1, disagree), (0, passes)):
        for _ in range(n):
            participant = VisionParticipant.objects.create(
                organization=vision_round.organization,
                round=vision_round,
                layer=layer,
                token_hash=f"{statement.pk}-{layer}-{vote}-{_}-{VisionParticipant.objects.count()}",
                verified=verified,
            )
            VisionRating.objects.create(
                organization=vision_round.organization,
                round=vision_round,
                statement=statement,
                participant=participant,
                layer=layer,
                vote=vote,
                verified=verified,
            )
