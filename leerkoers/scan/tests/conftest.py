import secrets
import time

import pytest
from django.core import signing

from leerkoers.scan import instrument, scoring
from leerkoers.scan.models import Layer, ScanResponse, ScanRound
from leerkoers.scan.services import _START_SALT, round_open


def old_start(seconds: int, nonce: str | None = None) -> str:
    """A start the server signed `seconds` ago (as if the respondent took that long)."""
    value = {"t": int(time.time()) - seconds, "n": nonce or secrets.token_hex(8)}
    return signing.dumps(value, salt=_START_SALT)


def answers_all(value):
    return dict.fromkeys(instrument.item_ids(instrument.current_version()), value)


def add_responses(scan_round, layer, count, value=3, *, too_fast=False, verified=True, changes=None):
    """Store `count` responses of one layer that answered `value` everywhere.

    `verified` (the default): as if each came through its own personal link, so identical
    answers still count as different people; False: through the shared layer link."""
    definition = instrument.definition(scan_round.instrument_id)
    answers = answers_all(value) | (changes or {})
    score = scoring.score_answers(definition, answers)
    ScanResponse.objects.bulk_create(
        ScanResponse(
            organization=scan_round.organization,
            round=scan_round,
            layer=layer,
            instrument_id=scan_round.instrument_id,
            answers=answers,
            dimension_scores=score.dimensions,
            overall_score=score.overall,
            level=score.level or "",
            too_fast=too_fast,
            verified=verified,
        )
        for _ in range(count)
    )


@pytest.fixture
def answers():
    return answers_all(4)


@pytest.fixture
def open_round(org, admin_user):
    return round_open(organization=org, title="Testronde", actor=admin_user)


@pytest.fixture
def closed_round(open_round):
    """Board 6 (all 5 → 100), managers 7 (all 4 → 75), employees 10 (all 2 → 25), HR 4 (all 3 → 50)."""
    add_responses(open_round, Layer.BOARD, 6, 5)
    add_responses(open_round, Layer.MANAGERS, 7, 4)
    add_responses(open_round, Layer.EMPLOYEES, 10, 2)
    add_responses(open_round, Layer.HR, 4, 3)
    ScanRound.objects.filter(pk=open_round.pk).update(status=ScanRound.Status.CLOSED)
    open_round.refresh_from_db()
    return open_round
