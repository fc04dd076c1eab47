"""Reads of vision rounds: which statement a participant meets next, what they rated, and
the approved vision that later steps (the policy document, the journey) build on."""

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import Count, Q

from leerkoers.vision import consensus, results
from leerkoers.vision.models import VisionApproval, VisionParticipant, VisionStatement


@dataclass(frozen=True)
class ApprovedVision:
    """The organisation's approved vision on learning, as the board approved it."""

    text: str
    version: int  # the version's number within its round
    version_id: uuid.UUID  # VisionVersion.public_id
    round_title: str
    round_id: uuid.UUID  # VisionRound.public_id
    approved_at: datetime.datetime
    approved_by: str  # the board member's name (or e-mail address)
    # The endorsement of that version per layer (Layer order), thresholds applied exactly as on
    # the version page: `shown` False and no figures below the anonymity threshold, with
    # complementary suppression; comments only from results.TEXT_MINIMUM answers.
    support: list[results.SupportRow]


def approved_vision(organization) -> ApprovedVision | None:
    """The most recently approved version of the organisation's vision, or None while the
    board has approved none. Four queries whatever the size of the rounds."""
    approval = (
        VisionApproval.objects.filter(organization=organization)
        .select_related("version__round", "approved_by")
        .order_by("-approved_at", "-pk")
        .first()
    )
    if approval is None:
        return None
    version = approval.version
    return ApprovedVision(
        text=version.text,
        version=version.number,
        version_id=version.public_id,
        round_title=version.round.title,
        round_id=version.round.public_id,
        approved_at=approval.approved_at,
        approved_by=approval.approved_by.display_name,
        support=results.support_by_layer(version),
    )


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
