"""Workflows of a vision round: opening, inviting, taking part, rating, moderating, the text.

Participants' actions (answers, statements, ratings) are not written to the audit trail:
a timestamped trail next to an invitation list would tell who rated what.
"""

import secrets
import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerkoers.audit.services import audit_record
from leerkoers.jobs.invitations import PERSONAL_PREFIX, PersonalLinks
from leerkoers.orgs.models import Organization, hash_token
from leerkoers.scan.models import Layer
from leerkoers.scan.services import LAYER_FOR_ROLE
from leerkoers.vision.models import (
    STATEMENT_MAX_LENGTH,
    Support,
    VisionAnswer,
    VisionApproval,
    VisionEndorsement,
    VisionInvitation,
    VisionLayerLink,
    VisionParticipant,
    VisionQuestion,
    VisionRating,
    VisionRound,
    VisionStatement,
    VisionVersion,
    Vote,
)
from leerkoers.vision.results import results_invalidate

# The seed's three guiding questions; a round may add its own.
DEFAULT_QUESTIONS = [
    gettext_lazy("What do we want to achieve with learning?"),
    gettext_lazy("How does learning serve our organisation's goals?"),
    gettext_lazy("What role does learning play in our culture?"),
]


def _audit(vision_round, actor, action, target=None, summary=""):
    audit_record(
        organization=vision_round.organization,
        actor=actor,
        action=f"vision.{action}",
        target=target or vision_round,
        summary=summary or vision_round.title,
    )


def round_open(
    *,
    organization: Organization,
    title: str,
    closes_on: date | None,
    questions: list[str] | None = None,
    extra_questions: list[str] | None = None,
    consensus_threshold: float = 0.75,
    min_ratings: int = 5,
    layer_links: bool = False,
    actor,
) -> VisionRound:
    """Open a round with guiding questions (the seed's three unless `questions` is given, plus
    `extra_questions`), a closing date in the future, and the thresholds fixed from now on.
    Layer links are made only when asked. Raises ValidationError and stores nothing on bad input."""
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Give the round a title.")
    if closes_on is None:
        errors["closes_on"] = _("Give the closing date.")
    elif closes_on < timezone.localdate():
        errors["closes_on"] = _("The closing date cannot lie in the past.")
    texts = [str(q) for q in (DEFAULT_QUESTIONS if questions is None else questions)]
    texts += [q.strip() for q in (extra_questions or []) if q and q.strip()]
    if not texts:
        errors["questions"] = _("Ask at least one guiding question.")
    elif any(len(q) > 300 for q in texts):
        errors["questions"] = _("A question can be at most 300 characters long.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        vision_round = VisionRound(
            organization=organization,
            title=title,
            closes_on=closes_on,
            consensus_threshold=consensus_threshold,
            min_ratings=min_ratings,
            anonymity_threshold=max(5, settings.ANONYMITY_THRESHOLD),
            # An API token opens rounds too; the audit log names it, opened_by holds people only.
            opened_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        vision_round.full_clean()
        vision_round.save()
        VisionQuestion.objects.bulk_create(
            VisionQuestion(organization=organization, round=vision_round, position=n, text=text)
            for n, text in enumerate(texts, start=1)
        )
        if layer_links:
            VisionLayerLink.objects.bulk_create(
                VisionLayerLink(
                    organization=organization, round=vision_round, layer=layer, token=secrets.token_urlsafe(24)
                )
                for layer in Layer.values
            )
        _audit(vision_round, actor, "round_open")
    return vision_round


def round_close(*, vision_round: VisionRound, actor) -> VisionRound:
    """Close a round now (also one whose closing date has passed but is not yet recorded as
    closed). Refused for a round closed before."""
    if vision_round.status != VisionRound.Status.OPEN:
        raise ValidationError(_("This round is already closed."))
    with transaction.atomic():
        VisionRound.objects.filter(pk=vision_round.pk).update(
            status=VisionRound.Status.CLOSED, closed_at=timezone.now()
        )
        vision_round.refresh_from_db()
        _audit(vision_round, actor, "round_close")
    return vision_round


def rounds_close_due(*, today: date | None = None) -> int:
    """Record as closed every open round whose closing date lies before `today` (default:
    the local date), each with an audit entry without actor. Rounds count as closed from
    that day anyway (VisionRound.is_open); this makes the status column and the audit trail
    say so too. Safe to run twice or from two workers. Returns how many it closed."""
    today = today or timezone.localdate()
    closed = 0
    for vision_round in VisionRound.objects.filter(status=VisionRound.Status.OPEN, closes_on__lt=today).select_related(
        "organization"
    ):
        with transaction.atomic():
            if VisionRound.objects.filter(pk=vision_round.pk, status=VisionRound.Status.OPEN).update(
                status=VisionRound.Status.CLOSED, closed_at=timezone.now()
            ):
                vision_round.refresh_from_db()
                _audit(
                    vision_round,
                    None,
                    "round_close",
                    summary=_("%(title)s: closing date passed") % {"title": vision_round.title},
                )
                closed += 1
    return closed


def link_url(token: str) -> str:
    return settings.SITE_URL + reverse("vision_public:start", kwargs={"token": token})


def participant_url(token: str) -> str:
    return reverse("vision_public:participate", kwargs={"token": token})


PERSONAL_LINKS = PersonalLinks(
    name=f"{__name__}.PERSONAL_LINKS",
    kind="vision-invite",
    model=VisionInvitation,
    subject=gettext_lazy("Help shape the vision on learning at %(org)s"),
    template="vision/email/invitation.txt",
    link_url=link_url,
    layer_for_role=LAYER_FOR_ROLE,
    default_layer=Layer.EMPLOYEES,
    action="vision.invitations_send",
)


def start_resolve(token: str) -> tuple[VisionRound, str, VisionInvitation | None] | None:
    """The round and layer behind a personal or layer link, or None for an unknown link."""
    if token.startswith(PERSONAL_PREFIX):
        invitation = (
            VisionInvitation.objects.filter(token_hash=hash_token(token)).select_related("round__organization").first()
        )
        return (invitation.round, invitation.layer, invitation) if invitation else None
    link = VisionLayerLink.objects.filter(token=token).select_related("round__organization").first()
    return (link.round, link.layer, None) if link else None


def participant_start(*, vision_round: VisionRound, layer: str, invitation: VisionInvitation | None) -> str:
    """Turn a link into an anonymous participant; returns the participant's private token.

    A personal invitation works once (a conditional update, safe against a double click);
    it keeps no trace of the participant it became. Refused for a closed round.
    """
    if not vision_round.is_open:
        raise ValidationError(_("This vision round is closed."), code="closed")
    raw = secrets.token_urlsafe(24)
    with transaction.atomic():
        used_now = invitation is None or VisionInvitation.objects.filter(pk=invitation.pk, used=False).update(used=True)
        if not used_now:
            raise ValidationError(_("This personal link has already been used."), code="used")
        VisionParticipant.objects.create(
            organization=vision_round.organization,
            round=vision_round,
            layer=layer,
            token_hash=hash_token(raw),
            verified=invitation is not None,
        )
    return raw


def participant_resolve(token: str) -> VisionParticipant | None:
    return VisionParticipant.objects.filter(token_hash=hash_token(token)).select_related("round__organization").first()


def _require_open(vision_round: VisionRound) -> None:
    if not VisionRound.objects.filter(
        pk=vision_round.pk, status=VisionRound.Status.OPEN, closes_on__gte=timezone.localdate()
    ).exists():
        raise ValidationError(_("This vision round is closed."), code="closed")


def answers_save(*, participant: VisionParticipant, answers: dict[int, str]) -> int:
    """Store (or replace) the participant's answers by question id; empty answers are
    skipped. Returns how many were stored. Refused for a closed round or too long a text."""
    questions = {q.pk: q for q in participant.round.questions.all()}
    cleaned = {}
    for question_id, text in answers.items():
        text = (text or "").strip()
        if question_id not in questions:
            raise ValidationError(_("Unknown question."))
        if len(text) > 2000:
            raise ValidationError(_("An answer can be at most 2,000 characters long."))
        if text:
            cleaned[question_id] = text
    with transaction.atomic():
        _require_open(participant.round)
        for question_id, text in cleaned.items():
            VisionAnswer.objects.update_or_create(
                organization=participant.organization,
                question=questions[question_id],
                participant=participant,
                defaults={"round": participant.round, "layer": participant.layer, "text": text},
            )
    return len(cleaned)


def _statement_text(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError({"text": _("Write a statement.")})
    if len(text) > STATEMENT_MAX_LENGTH:
        raise ValidationError(
            {"text": _("A statement can be at most %(max)s characters long.") % {"max": STATEMENT_MAX_LENGTH}}
        )
    return text


def statement_propose(
    *, vision_round: VisionRound, text: str, participant: VisionParticipant | None = None, actor=None
) -> VisionStatement:
    """A new statement: by a participant, or seeded by the organisation (participant None).
    Refused when empty, longer than 140 characters, already in the round, or the round is closed."""
    text = _statement_text(text)
    with transaction.atomic():
        _require_open(vision_round)
        if VisionStatement.objects.filter(round=vision_round, text__iexact=text).exists():
            raise ValidationError({"text": _("This statement is already in the round.")})
        statement = VisionStatement(
            organization=vision_round.organization,
            round=vision_round,
            text=text,
            author=participant,
            seeded=participant is None,
        )
        try:
            with transaction.atomic():
                statement.save()
        except IntegrityError:
            raise ValidationError({"text": _("This statement is already in the round.")}) from None
        results_invalidate(vision_round)  # a new row in the results, and in the groups' columns
        if participant is None:
            _audit(vision_round, actor, "statement_seed", statement, text)
    return statement


# The tables are the models' default names (VisionRating, VisionParticipant, VisionStatement,
# VisionRound).
RATING_INSERT = (
    "INSERT INTO vision_visionrating (organization_id, round_id, statement_id, participant_id, layer, vote, verified) "
    "SELECT p.organization_id, p.round_id, s.id, p.id, p.layer, %s, p.verified FROM vision_visionparticipant p "
    "JOIN vision_visionstatement s ON s.round_id = p.round_id JOIN vision_visionround r ON r.id = p.round_id "
    "WHERE p.token_hash = %s AND s.public_id = %s AND s.status = %s "
    "AND (s.author_id IS NULL OR s.author_id <> p.id) AND r.status = %s AND r.closes_on >= %s "
    "ON CONFLICT DO NOTHING"
)


def rating_submit(*, token: str, statement_id, vote: int) -> uuid.UUID:
    """Store one rating (agree 1, disagree -1, pass 0) by the participant with this private
    token of a statement shown in the round; returns the statement's public id.

    Raises VisionParticipant.DoesNotExist for an unknown token; ValidationError for an unknown
    vote, a statement that is not shown to raters, the participant's own statement, a second
    rating of the same statement, or a closed round.
    """
    if vote not in Vote.values:
        raise ValidationError(_("Choose agree, disagree or pass."))
    try:
        public_id = uuid.UUID(str(statement_id))
    except ValueError:
        raise ValidationError(_("This statement cannot be rated."), code="unknown") from None
    # The hot path of a round, one statement: the participant is found by its token and the
    # checks (statement shown, not the rater's own, round open) are the INSERT's own WHERE,
    # a second rating its ON CONFLICT, so nothing can slip in between a check and the write
    # and no transaction is held across queries (5 queries per rating → 1). Only a refusal
    # costs the queries that say why.
    params = [
        vote,
        hash_token(token),
        VisionStatement._meta.get_field("public_id").get_db_prep_value(public_id, connection),
        VisionStatement.Status.SHOWN.value,
        VisionRound.Status.OPEN.value,
        VisionRound._meta.get_field("closes_on").get_db_prep_value(timezone.localdate(), connection),
    ]
    with connection.cursor() as cursor:
        cursor.execute(RATING_INSERT, params)
        if cursor.rowcount == 1:
            return public_id
    participant = participant_resolve(token)
    if participant is None:
        raise VisionParticipant.DoesNotExist
    _require_open(participant.round)
    statement = VisionStatement.objects.filter(
        round_id=participant.round_id, public_id=public_id, status=VisionStatement.Status.SHOWN
    ).first()
    if statement is None:
        raise ValidationError(_("This statement cannot be rated."), code="unknown")
    if statement.author_id == participant.pk:
        raise ValidationError(_("You cannot rate your own statement."))
    raise ValidationError(_("You have already rated this statement."), code="duplicate")


def statement_moderate(*, statement: VisionStatement, action: str, actor) -> VisionStatement:
    """hide | show | hold | pin | unpin. A hidden statement leaves the analysis; a held-back
    one is kept from raters (its ratings stay) until it is shown again."""
    changes = {
        "hide": {"status": VisionStatement.Status.HIDDEN, "pinned": False},
        "show": {"status": VisionStatement.Status.SHOWN, "merged_into": None},
        "hold": {"status": VisionStatement.Status.HELD, "pinned": False},
        "pin": {"pinned": True, "status": VisionStatement.Status.SHOWN},
        "unpin": {"pinned": False},
    }
    if action not in changes:
        raise ValidationError(_("Unknown moderation action."))
    with transaction.atomic():
        for name, value in changes[action].items():
            setattr(statement, name, value)
        statement.save()
        results_invalidate(statement.round)
        _audit(statement.round, actor, f"statement_{action}", statement, statement.text)
    return statement


def statement_merge(*, statement: VisionStatement, into: VisionStatement | None, actor) -> VisionStatement:
    """Merge a near-duplicate into another statement of the same round: it leaves the
    queue and the analysis; its ratings move to `into` where the rater had not rated it.
    Refused when `into` is missing (None: not found), the statement itself, of another
    round, hidden or merged."""
    if into is None or into.round_id != statement.round_id or into.pk == statement.pk:
        raise ValidationError(_("Choose another statement of the same round."))
    if into.status in (VisionStatement.Status.HIDDEN, VisionStatement.Status.MERGED):
        raise ValidationError(_("A statement cannot be merged into a hidden or merged one."))
    with transaction.atomic():
        already = set(VisionRating.objects.filter(statement=into).values_list("participant_id", flat=True))
        VisionRating.objects.filter(statement=statement).exclude(participant_id__in=already).update(statement=into)
        statement.status = VisionStatement.Status.MERGED
        statement.merged_into = into
        statement.pinned = False
        statement.save()
        results_invalidate(statement.round)
        _audit(statement.round, actor, "statement_merge", statement, f"{statement.text} → {into.text}")
    return statement


def draft_save(
    *, vision_round: VisionRound, text: str, actor, add: VisionStatement | None = None, as_version: bool = False
) -> VisionVersion | None:
    """Save the round's draft of the vision text, with the text of statement `add` appended
    below it when given. With `as_version` the draft is also stored as the next version
    (version_create), which is returned. Refused (ValidationError, nothing saved) when the
    round does not validate with that draft, or a version is empty or unchanged.
    """
    if add is not None:
        text = (text.rstrip() + "\n\n" if text.strip() else "") + add.text
    with transaction.atomic():
        vision_round.draft = text
        if as_version:
            vision_round.save(update_fields=["draft"])
            return version_create(vision_round=vision_round, text=text, actor=actor)
        vision_round.full_clean()
        vision_round.save(update_fields=["draft"])
        _audit(vision_round, actor, "draft_save")
    return None


def version_create(*, vision_round: VisionRound, text: str, actor) -> VisionVersion:
    """Store the vision text as the round's next version. Refused when empty or unchanged."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the vision text.")})
    if len(text) > 20000:
        raise ValidationError({"text": _("The vision text can be at most 20,000 characters long.")})
    with transaction.atomic():
        latest = VisionVersion.objects.select_for_update().filter(round=vision_round).order_by("-number").first()
        if latest is not None and latest.text == text:
            raise ValidationError({"text": _("The text is the same as the latest version.")})
        version = VisionVersion.objects.create(
            organization=vision_round.organization,
            round=vision_round,
            number=(latest.number + 1) if latest else 1,
            text=text,
            created_by=actor,
        )
        _audit(vision_round, actor, "version_create", version, f"v{version.number}")
    return version


def endorsement_open(*, version: VisionVersion, actor) -> VisionVersion:
    """Put a version to the endorsement round (one version at a time per round)."""
    with transaction.atomic():
        VisionVersion.objects.filter(round=version.round, endorsement_open=True).update(endorsement_open=False)
        version.endorsement_open = True
        version.save(update_fields=["endorsement_open"])
        _audit(version.round, actor, "endorsement_open", version, f"v{version.number}")
    return version


def endorsement_submit(*, participant: VisionParticipant, support: int, comment: str = "") -> VisionEndorsement:
    """A participant's support for the version now put to endorsement; a second answer
    replaces the first. Refused for an unknown level or when no version is put to endorsement."""
    if support not in Support.values:
        raise ValidationError(_("Choose how far you support this version."))
    comment = (comment or "").strip()
    if len(comment) > 1000:
        raise ValidationError(_("A comment can be at most 1,000 characters long."))
    version = VisionVersion.objects.filter(round=participant.round, endorsement_open=True).first()
    if version is None:
        raise ValidationError(_("No version of the vision is open for endorsement."))
    with transaction.atomic():
        endorsement, _created = VisionEndorsement.objects.update_or_create(
            organization=participant.organization,
            version=version,
            participant=participant,
            defaults={"layer": participant.layer, "support": support, "comment": comment},
        )
    return endorsement


def version_approve(*, version: VisionVersion, actor) -> VisionApproval:
    """The board's explicit approval of a version, recorded with who and when. Support
    figures never approve anything by themselves. Refused for a version approved before."""
    with transaction.atomic():
        if VisionApproval.objects.filter(version=version).exists():
            raise ValidationError(_("This version has already been approved."))
        approval = VisionApproval.objects.create(organization=version.organization, version=version, approved_by=actor)
        _audit(version.round, actor, "version_approve", version, f"v{version.number}")
    return approval
