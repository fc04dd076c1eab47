"""Demo data of the scan: two closed rounds in `demo` (a baseline and a later one, for the
trend) with answers from every layer — HR stays below the anonymity threshold so that the
rule is visible — a personal link, and some public responses."""

import random
from datetime import timedelta

from django.utils import timezone

from leerkoers.orgs.models import Membership, Role
from leerkoers.scan import instrument, scoring
from leerkoers.scan.models import Layer, RoundLink, ScanInvitation, ScanResponse, ScanRound
from leerkoers.scan.services import instrument_ensure

# Per layer, the typical answer per dimension (1–5): managers see more ownership than
# employees do, the board is the most optimistic — a perception gap worth discussing.
PROFILES = {
    Layer.BOARD: {
        "situation": 3.4,
        "vision": 3.8,
        "strategy": 3.6,
        "ownership": 3.6,
        "experiment": 2.8,
        "conditions": 3.9,
    },
    Layer.MANAGERS: {
        "situation": 2.8,
        "vision": 3.2,
        "strategy": 2.9,
        "ownership": 3.9,
        "experiment": 2.6,
        "conditions": 3.0,
    },
    Layer.EMPLOYEES: {
        "situation": 2.5,
        "vision": 2.6,
        "strategy": 2.3,
        "ownership": 2.5,
        "experiment": 2.2,
        "conditions": 2.4,
    },
    Layer.HR: {
        "situation": 2.2,
        "vision": 3.0,
        "strategy": 2.6,
        "ownership": 2.4,
        "experiment": 2.0,
        "conditions": 2.6,
    },
}
ROUNDS = [
    # (title, days ago opened, days ago closed, respondents per layer, improvement in points)
    ("Nulmeting 2025", 400, 380, {Layer.BOARD: 5, Layer.MANAGERS: 6, Layer.EMPLOYEES: 11, Layer.HR: 0}, -0.4),
    ("Scan voorjaar 2026", 200, 185, {Layer.BOARD: 5, Layer.MANAGERS: 8, Layer.EMPLOYEES: 14, Layer.HR: 3}, 0.0),
]


def _answers(rng: random.Random, definition: dict, profile: dict, shift: float) -> dict:
    answers = {}
    for dimension in definition["dimensions"]:
        mean = profile[dimension["id"]] + shift
        for item in dimension["items"]:
            if rng.random() < 0.06:
                answers[item["id"]] = None  # "I don't know"
            else:
                answers[item["id"]] = min(5, max(1, round(rng.gauss(mean, 0.8))))
    return answers


def _response(definition, version, answers, **fields) -> ScanResponse:
    score = scoring.score_answers(definition, answers)
    return ScanResponse(
        instrument_id=version,
        answers=answers,
        dimension_scores=score.dimensions,
        overall_score=score.overall,
        level=score.level or "",
        seconds_taken=240,
        **fields,
    )


def seed(*, demo, other, small: bool) -> None:
    stored = instrument_ensure()
    version, definition = stored.version, instrument.definition(stored.version)
    rng = random.Random(7)
    now = timezone.now()
    for title, opened, closed, layers, shift in ROUNDS:
        if ScanRound.objects.filter(organization=demo, title=title).exists():
            continue
        scan_round = ScanRound.objects.create(
            organization=demo, title=title, instrument=stored, status=ScanRound.Status.CLOSED
        )
        ScanRound.objects.filter(pk=scan_round.pk).update(
            opened_at=now - timedelta(days=opened), closed_at=now - timedelta(days=closed)
        )
        RoundLink.objects.bulk_create(
            RoundLink(
                organization=demo, round=scan_round, layer=layer, token=f"demo-{scan_round.public_id.hex[:12]}-{layer}"
            )
            for layer in Layer.values
        )
        rows = [
            _response(
                definition,
                version,
                _answers(rng, definition, PROFILES[layer], shift),
                organization=demo,
                round=scan_round,
                layer=layer,
            )
            for layer, count in layers.items()
            for _ in range(count)
        ]
        ScanResponse.objects.bulk_create(rows)
        member = Membership.objects.filter(organization=demo, role=Role.EMPLOYEE).order_by("pk").first()
        if member is not None:
            ScanInvitation.objects.create(
                organization=demo,
                round=scan_round,
                membership=member,
                layer=Layer.EMPLOYEES,
                token_hash=f"demo-not-sent-{scan_round.public_id.hex}",
                used=True,
            )
    if not ScanResponse.objects.filter(organization__isnull=True).exists():
        profiles = list(PROFILES.values())
        ScanResponse.objects.bulk_create(
            _response(
                definition,
                version,
                _answers(rng, definition, profiles[i % len(profiles)], 0.3),
                sector=["care", "education", "government"][i % 3],
                size_band=["50-249", "250-999"][i % 2],
            )
            for i in range(3 if small else 25)
        )
