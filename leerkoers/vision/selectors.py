"""Reads for a participant: which statement comes next, and what they rated."""

from django.db.models import Count, Q

from leerkoers.vision import consensus
from leerkoers.vision.models import VisionParticipant, VisionStatement


def rating_queue(participant: VisionParticipant) -> list[VisionStatement]:
    """The statements the participant has still to rate, in the order of consensus.next_order."""
    vision_round = participant.round
    statements = list(
        VisionStatement.objects.filter(round=vision_round, status=VisionStatement.Status.SHOWN)
        .exclude(author=participant)
        .exclude(ratings__participant=participant)
        .annotate(
            total_votes=Count("ratings"),
            layer_votes=Count("ratings", filter=Q(ratings__layer=participant.layer)),
        )
    )
    order = consensus.next_order(
        (consensus.Candidate(s.pk, s.pinned, s.layer_votes, s.total_votes) for s in statements),
        minimum=vision_round.shown_minimum,
    )
    by_id = {s.pk: s for s in statements}
    return [by_id[pk] for pk in order]


def rated_statements(participant: VisionParticipant) -> list[VisionStatement]:
    return list(
        VisionStatement.objects.filter(ratings__participant=participant, status__in=("shown", "held")).order_by(
            "-ratings__pk"
        )
    )
