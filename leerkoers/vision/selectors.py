"""Reads of vision rounds: which statement a participant meets next, what they rated, and
the approved vision that later steps (the policy document, the journey) build on."""

import datetime
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count

from leerkoers.scan.models import Layer
from leerkoers.vision import consensus, results
from leerkoers.vision.models import (
    VisionApproval,
    VisionParticipant,
    VisionRating,
    VisionResults,
    VisionRound,
    VisionStatement,
)


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


# The next-statement order may count from a snapshot this many ratings behind; past it, a
# participant's page queues the snapshot's recomputation (about 1–3 s of work at 2,000 × 150).
COUNTS_BEHIND = 5000


def rating_counts(vision_round: VisionRound, statement_ids: list[int]) -> dict[int, Counter]:
    """Ratings per statement and layer for the next-statement order: the round's computed
    snapshot plus the ratings made since (an index range over the newest ratings only), so
    a page does not count a large round's ratings anew — an aggregate over 150,000 ratings
    took about a second per view. Merges since the snapshot are counted where they were."""
    counts: dict[int, Counter] = defaultdict(Counter)
    snapshot = (
        VisionResults.objects.filter(round=vision_round, computed_revision__isnull=False)
        .values_list("data__tallies", "ratings_seen")
        .first()
    )
    since = 0
    if snapshot is not None:
        tallies, since = snapshot
        for statement_id, cells in tallies.items():
            for layer, cell in zip(Layer.values, cells, strict=True):
                counts[int(statement_id)][layer] += cell[0] + cell[1] + cell[2]
    # By statement (each one's index on (statement, id) gives just the newer ratings), not by
    # round, which SQLite answers by reading the round's whole covering index.
    newer = (
        VisionRating.objects.filter(statement_id__in=statement_ids, pk__gt=since)
        .values_list("statement_id", "layer")
        .annotate(n=Count("id"))
        .order_by()
    )
    behind = 0
    for statement_id, layer, n in newer:
        counts[statement_id][layer] += n
        behind += n
    if behind > COUNTS_BEHIND:
        results.refresh_request(vision_round)
    return counts


def rating_queue(participant: VisionParticipant) -> list[VisionStatement]:
    """The statements the participant has still to rate, in the order of consensus.next_order."""
    vision_round = participant.round
    rated = set(VisionRating.objects.filter(participant=participant).values_list("statement_id", flat=True))
    statements = [
        s
        for s in VisionStatement.objects.filter(round=vision_round, status=VisionStatement.Status.SHOWN)
        .exclude(author=participant)
        .select_related("merged_into")
        if s.pk not in rated
    ]
    counts = rating_counts(vision_round, [s.pk for s in statements])
    order = consensus.next_order(
        (
            consensus.Candidate(s.pk, s.pinned, counts[s.pk][participant.layer], sum(counts[s.pk].values()))
            for s in statements
        ),
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
