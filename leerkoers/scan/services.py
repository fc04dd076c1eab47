"""Workflows of the readiness scan: submitting a response, opening and closing rounds, links.

Submitting is the hot path (a whole organisation may answer at once): no password hashing,
a handful of queries, one short immediate transaction.
"""

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerkoers.audit.services import audit_record
from leerkoers.jobs.invitations import PERSONAL_PREFIX, PersonalLinks
from leerkoers.orgs.models import Organization, Role, Sector, SizeBand, hash_token
from leerkoers.scan import instrument, scoring
from leerkoers.scan.models import Instrument, Layer, RoundLink, ScanInvitation, ScanResponse, ScanRound

LAYER_FOR_ROLE = {
    Role.DIRECTOR: Layer.BOARD,
    Role.MANAGER: Layer.MANAGERS,
    Role.EMPLOYEE: Layer.EMPLOYEES,
    Role.ADMIN: Layer.HR,
}


def instrument_ensure(version: int | None = None) -> Instrument:
    """The stored copy of an instrument version (the current one by default), created on first use.

    Refuses (ImproperlyConfigured) when the published file no longer matches the stored copy:
    a changed instrument must become a new version.
    """
    version = version or instrument.current_version()
    published = instrument.definition(version)
    stored, _created = Instrument.objects.get_or_create(version=version, defaults={"definition": published})
    if stored.definition != published:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"Instrument v{version} differs from its stored copy; publish a new version.")
    return stored


_START_SALT = "leerkoers.scan.started"


def start_issue() -> str:
    """A signed start for a questionnaire (form or API): when it was handed out, and a random
    nonce so that one start cannot be replayed for many answers."""
    return signing.dumps({"t": int(time.time()), "n": secrets.token_hex(8)}, salt=_START_SALT)


def start_read(token) -> tuple[int | None, str]:
    """(seconds since the start was issued, its nonce); (None, "") for a missing or forged start."""
    try:
        value = signing.loads(token, salt=_START_SALT, max_age=7 * 24 * 3600)
        return max(0, int(time.time()) - int(value["t"])), str(value["n"])[:32]
    except (signing.BadSignature, TypeError, KeyError, ValueError):
        return None, ""


@dataclass(frozen=True)
class Target:
    """Where a response goes: public (round None) or a round's layer, maybe by a personal link."""

    round: ScanRound | None = None
    layer: str = ""
    invitation: ScanInvitation | None = None


# Layer links never change once made, so a worker keeps the ones it has seen: the link query
# was a quarter of a submission's time in the process (profile in docs/scan.md). The cached
# round's status may be stale; response_submit checks it again inside its transaction.
_LAYER_LINKS: dict[str, tuple[ScanRound, str]] = {}
_LAYER_LINKS_MAX = 1000


def link_resolve(token: str, *, cached: bool = False) -> Target | None:
    """The round and layer behind a private link, or None for an unknown link.

    `cached`: a layer link may come from this worker's cache, its round's status possibly
    stale — only for submitting, which checks the status again in its transaction."""
    if token.startswith(PERSONAL_PREFIX):
        invitation = (
            ScanInvitation.objects.filter(token_hash=hash_token(token)).select_related("round__organization").first()
        )
        return Target(invitation.round, invitation.layer, invitation) if invitation else None
    known = _LAYER_LINKS.get(token) if cached else None
    if known is None:
        link = RoundLink.objects.filter(token=token).select_related("round").first()
        if link is None:
            return None
        if len(_LAYER_LINKS) >= _LAYER_LINKS_MAX:
            _LAYER_LINKS.clear()
        known = _LAYER_LINKS[token] = (link.round, link.layer)
    return Target(*known)


def target_check(target: Target) -> None:
    """Refuse answering through a closed round or an already used personal link."""
    if target.round is not None and not target.round.is_open:
        raise ValidationError(_("This scan round is closed; answers are no longer accepted."), code="closed")
    if target.invitation is not None and target.invitation.used:
        raise ValidationError(_("This personal link has already been used."), code="used")


def response_submit(
    *,
    answers,
    target: Target = Target(),  # noqa: B008 — frozen, so a shared default is safe
    sector: str = "",
    size_band: str = "",
    started: str = "",
) -> ScanResponse:
    """Validate, score and store one response. Raises ValidationError and stores nothing when
    the answers are not valid (see scoring.validate_answers), sector or size band are unknown,
    the round is closed or a personal link was used before.

    `started` is the signed start the server handed out with the questionnaire (start_issue):
    a response without one, with a forged one, with one used before, or given within
    SCAN_MIN_SECONDS of it is stored as too fast. Scored on the round's instrument version,
    or the current one for the public scan.
    """
    version = target.round.instrument_id if target.round is not None else instrument.current_version()
    definition = instrument.definition(version)
    errors = scoring.validate_answers(definition, answers)
    if sector and sector not in Sector.values:
        errors.append(_("Unknown sector: %(value)s.") % {"value": sector})
    if size_band and size_band not in SizeBand.values:
        errors.append(_("Unknown size band: %(value)s.") % {"value": size_band})
    if errors:
        raise ValidationError(errors)
    target_check(target)
    if target.round is None:
        instrument_ensure(version)  # public: the stored copy must exist for the foreign key
    score = scoring.score_answers(definition, answers)
    seconds_taken, nonce = start_read(started)
    too_fast = seconds_taken is None or seconds_taken < settings.SCAN_MIN_SECONDS
    response = ScanResponse(
        organization_id=target.round.organization_id if target.round else None,
        round=target.round,
        layer=target.layer,
        instrument_id=version,
        answers=answers,
        dimension_scores=score.dimensions,
        overall_score=score.overall,
        level=score.level or "",
        sector=sector if target.round is None else "",
        size_band=size_band if target.round is None else "",
        seconds_taken=seconds_taken,
        too_fast=too_fast,
        verified=target.invitation is not None,
        start_nonce=nonce,
    )
    with transaction.atomic():
        if target.invitation is not None:
            # The conditional update makes a personal link single-use even when it is
            # submitted twice at the same moment.
            used = ScanInvitation.objects.filter(pk=target.invitation.pk, used=False).update(used=True)
            if not used:
                raise ValidationError(_("This personal link has already been used."), code="used")
        status, replayed = _round_status_and_replay(target.round, nonce if not too_fast else None)
        # Closing a round takes the same lock: no answer slips in after it was closed.
        if target.round is not None and status != ScanRound.Status.OPEN:
            raise ValidationError(_("This scan round is closed; answers are no longer accepted."), code="closed")
        response.too_fast = too_fast or replayed  # a replayed start: the same form sent again and again
        response.save(force_insert=True)
    return response


def _round_status_and_replay(scan_round: ScanRound | None, nonce: str | None) -> tuple[str | None, bool]:
    """The round's status now, and whether a response already used this start's nonce: one
    statement inside the submission's transaction (two ORM queries were a sixth of a
    submission's time in the profile, docs/scan.md). None/False for what is not asked."""
    if scan_round is None and nonce is None:
        return None, False
    rounds, responses = ScanRound._meta.db_table, ScanResponse._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT status FROM {rounds} WHERE id = %s), "  # noqa: S608 — table names, not input
            f"EXISTS (SELECT 1 FROM {responses} WHERE start_nonce = %s)",
            [scan_round.pk if scan_round is not None else None, nonce],
        )
        status, replayed = cursor.fetchone()
    return status, bool(replayed) and nonce is not None


def round_open(*, organization: Organization, title: str, actor) -> ScanRound:
    """Open a round on the current instrument with a private link for every layer."""
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Give the round a title.")})
    stored = instrument_ensure()
    with transaction.atomic():
        # An API token opens rounds too; it is named in the audit log, opened_by holds people only.
        opened_by = actor if getattr(actor, "is_authenticated", False) else None
        scan_round = ScanRound(organization=organization, title=title, instrument=stored, opened_by=opened_by)
        scan_round.full_clean()
        scan_round.save()
        RoundLink.objects.bulk_create(
            RoundLink(organization=organization, round=scan_round, layer=layer, token=secrets.token_urlsafe(24))
            for layer in Layer.values
        )
        audit_record(organization=organization, actor=actor, action="scan.round_open", target=scan_round, summary=title)
    return scan_round


def round_close(*, scan_round: ScanRound, actor) -> ScanRound:
    """Close an open round: its links stop accepting answers and its results become visible."""
    if not scan_round.is_open:
        raise ValidationError(_("This round is already closed."))
    with transaction.atomic():
        ScanRound.objects.filter(pk=scan_round.pk).update(status=ScanRound.Status.CLOSED, closed_at=timezone.now())
        scan_round.refresh_from_db()
        audit_record(
            organization=scan_round.organization,
            actor=actor,
            action="scan.round_close",
            target=scan_round,
            summary=scan_round.title,
        )
    return scan_round


def link_url(token: str) -> str:
    return settings.SITE_URL + reverse("scan_public:respond", kwargs={"token": token})


PERSONAL_LINKS = PersonalLinks(
    name=f"{__name__}.PERSONAL_LINKS",
    kind="scan-invite",
    model=ScanInvitation,
    subject=gettext_lazy("Your view on learning at %(org)s: the readiness scan"),
    template="scan/email/invitation.txt",
    link_url=link_url,
    layer_for_role=LAYER_FOR_ROLE,
    default_layer=Layer.EMPLOYEES,
    action="scan.invitations_send",
)
