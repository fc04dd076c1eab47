"""The vision API: an organisation's rounds, statements, moderation, results, versions,
endorsement and approval; and the participant's operations by their private token (no
account). Every figure comes from leerkoers.vision.results, thresholds applied."""

import datetime
from typing import Literal
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from leerkoers.lib.api_body import JsonBody, body_schema, validate_body
from leerkoers.lib.api_errors import conflict_on
from leerkoers.lib.api_schemas import ErrorOut
from leerkoers.orgs.access import BOARD, LEADERSHIP, STEERING, api_access
from leerkoers.ratelimit.limiter import retry_after, too_many_requests
from leerkoers.vision import consensus, export, results, selectors, services
from leerkoers.vision.models import STATEMENT_MAX_LENGTH, VisionParticipant, VisionRound, VisionStatement, VisionVersion

router = Router(tags=["vision"])


class MessageOut(Schema):
    detail: str


class QuestionOut(Schema):
    id: int
    position: int
    text: str


class VisionRoundIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    closes_on: datetime.date
    questions: list[str] | None = Field(None, description="the guiding questions; the seed's three when left out")
    extra_questions: list[str] = Field(default_factory=list, description="own questions after those")
    consensus_threshold: float = Field(0.75, ge=0.5, le=1.0, description="agree share needed in every layer")
    min_ratings: int = Field(5, ge=1, le=100, description="ratings a layer needs on a statement (never below 5)")
    layer_links: bool = False


class VisionRoundOut(Schema):
    id: UUID
    title: str
    status: str
    closes_on: datetime.date
    consensus_threshold: float
    min_ratings: int = Field(..., description="the minimum in force: max(min_ratings, anonymity threshold)")
    anonymity_threshold: int
    questions: list[QuestionOut]
    participants: dict[str, int | str] = Field(..., description='per layer: exact, or "<5" when suppressed')
    layer_links: dict[str, str]


def _round_out(vision_round: VisionRound, *, links: bool = False) -> dict:
    counts, _total, _raw = results.layer_counts(vision_round)
    return {
        "id": vision_round.public_id,
        "title": vision_round.title,
        "status": vision_round.state,
        "closes_on": vision_round.closes_on,
        "consensus_threshold": vision_round.consensus_threshold,
        "min_ratings": vision_round.shown_minimum,
        "anonymity_threshold": vision_round.anonymity_threshold,
        "questions": [{"id": q.pk, "position": q.position, "text": q.text} for q in vision_round.questions.all()],
        "participants": {c.layer: c.as_json() for c in counts},
        "layer_links": {link.layer: services.link_url(link.token) for link in vision_round.layer_links.all()}
        if links
        else {},
    }


# The refusals of the services that are the state of a round or a link, not the input (409).
CONFLICTS = ("closed", "used", "duplicate")


@router.get("/orgs/{org_slug}/vision/rounds", response=list[VisionRoundOut], summary="Vision rounds")
def round_list(request, org_slug: str):
    access = api_access(request, org_slug, LEADERSHIP)
    return [_round_out(r) for r in access.filter(VisionRound).prefetch_related("questions")]


@router.post(
    "/orgs/{org_slug}/vision/rounds",
    response={201: VisionRoundOut, 422: ErrorOut},
    summary="Open a vision round",
    openapi_extra=body_schema(VisionRoundIn),
)
def round_create(request, org_slug: str, payload: JsonBody):
    access = api_access(request, org_slug, STEERING, write=True)
    data = validate_body(VisionRoundIn, payload)
    vision_round = services.round_open(
        organization=access.organization,
        title=data.title,
        closes_on=data.closes_on,
        questions=data.questions,
        extra_questions=data.extra_questions,
        consensus_threshold=data.consensus_threshold,
        min_ratings=data.min_ratings,
        layer_links=data.layer_links,
        actor=request.auth,
    )
    return Status(201, _round_out(vision_round, links=True))


@router.get("/orgs/{org_slug}/vision/rounds/{vision_round_uuid}", response=VisionRoundOut, summary="A vision round")
def round_detail(request, org_slug: str, vision_round_uuid: UUID):
    access = api_access(request, org_slug, LEADERSHIP)
    return _round_out(access.get(VisionRound, public_id=vision_round_uuid), links=access.is_admin)


@router.post(
    "/orgs/{org_slug}/vision/rounds/{vision_round_uuid}/close",
    response={200: VisionRoundOut, 409: ErrorOut},
    summary="Close a vision round",
)
def round_close(request, org_slug: str, vision_round_uuid: UUID):
    access = api_access(request, org_slug, STEERING, write=True)
    vision_round = access.get(VisionRound, public_id=vision_round_uuid)
    with conflict_on():
        services.round_close(vision_round=vision_round, actor=request.auth)
    return _round_out(vision_round, links=True)


class StatementOut(Schema):
    id: UUID
    text: str
    status: str
    pinned: bool
    seeded: bool
    merged_into: UUID | None


class StatementIn(Schema):
    text: str = Field(..., max_length=STATEMENT_MAX_LENGTH * 4)


def _statement_out(s: VisionStatement) -> dict:
    return {
        "id": s.public_id,
        "text": s.text,
        "status": s.status,
        "pinned": s.pinned,
        "seeded": s.seeded,
        "merged_into": s.merged_into.public_id if s.merged_into else None,
    }


@router.get(
    "/orgs/{org_slug}/vision/rounds/{vision_round_uuid}/statements",
    response=list[StatementOut],
    summary="All statements of a round, for moderation (never with author)",
)
def statement_list(request, org_slug: str, vision_round_uuid: UUID):
    access = api_access(request, org_slug, STEERING)
    vision_round = access.get(VisionRound, public_id=vision_round_uuid)
    return [_statement_out(s) for s in vision_round.statements.select_related("merged_into")]


@router.post(
    "/orgs/{org_slug}/vision/rounds/{vision_round_uuid}/statements",
    response={201: StatementOut, 409: ErrorOut, 422: ErrorOut},
    summary="Seed a statement of the organisation's own",
    openapi_extra=body_schema(StatementIn),
)
def statement_seed(request, org_slug: str, vision_round_uuid: UUID, payload: JsonBody):
    access = api_access(request, org_slug, STEERING, write=True)
    vision_round = access.get(VisionRound, public_id=vision_round_uuid)
    data = validate_body(StatementIn, payload)
    with conflict_on(*CONFLICTS):
        statement = services.statement_propose(vision_round=vision_round, text=data.text, actor=request.auth)
    return Status(201, _statement_out(statement))


class ModerateIn(Schema):
    action: Literal["hide", "show", "hold", "pin", "unpin"]


class MergeIn(Schema):
    into: UUID


@router.post(
    "/orgs/{org_slug}/vision/statements/{vision_statement_uuid}/moderate",
    response={200: StatementOut, 422: ErrorOut},
    summary="Hide, show, hold back, pin or unpin a statement",
    openapi_extra=body_schema(ModerateIn),
)
def statement_moderate(request, org_slug: str, vision_statement_uuid: UUID, payload: JsonBody):
    access = api_access(request, org_slug, STEERING, write=True)
    statement = access.get(VisionStatement, public_id=vision_statement_uuid)
    data = validate_body(ModerateIn, payload)
    services.statement_moderate(statement=statement, action=data.action, actor=request.auth)
    return _statement_out(statement)


@router.post(
    "/orgs/{org_slug}/vision/statements/{vision_statement_uuid}/merge",
    response={200: StatementOut, 422: ErrorOut},
    summary="Merge a near-duplicate into another statement of the round",
    openapi_extra=body_schema(MergeIn),
)
def statement_merge(request, org_slug: str, vision_statement_uuid: UUID, payload: JsonBody):
    access = api_access(request, org_slug, STEERING, write=True)
    statement = access.get(VisionStatement, public_id=vision_statement_uuid)
    data = validate_body(MergeIn, payload)
    into = access.filter(VisionStatement, public_id=data.into).first()
    services.statement_merge(statement=statement, into=into, actor=request.auth)
    return _statement_out(statement)


class LayerCellOut(Schema):
    layer: str
    shown: bool
    ratings: int | None
    agree: int | None
    disagree: int | None
    passed: int | None
    agree_share: float | None = Field(..., description="(agree + 1) / (ratings + 2)")
    interval: tuple[float, float] | None = Field(..., description="95 % Wilson interval of agree / ratings")


class StatementResultOut(Schema):
    id: UUID
    text: str
    kind: Literal["consensus", "dividing", "unclear", "none"]
    split: float | None
    layers: list[LayerCellOut]


class VisionResultsOut(Schema):
    round: UUID
    computed_at: datetime.datetime | None = Field(..., description="when these figures were computed")
    updating: bool = Field(..., description="newer ratings or moderation are being taken in (background task)")
    consensus_threshold: float
    min_ratings: int
    participants: dict[str, int | str]
    taking_part: list[str]
    statements: list[StatementResultOut]


def _row_out(row: results.StatementRow) -> dict:
    return {
        "id": row.statement.public_id,
        "text": row.statement.text,
        "kind": row.result.kind,
        "split": row.result.split,
        "layers": [
            {
                "layer": c.layer,
                "shown": c.shown,
                "ratings": c.votes,
                "agree": c.raw_agree,
                "disagree": c.raw_disagree,
                "passed": c.raw_pass,
                "agree_share": c.agree,
                "interval": c.interval,
            }
            for c in row.cells
        ],
    }


@router.get(
    "/orgs/{org_slug}/vision/rounds/{vision_round_uuid}/results",
    response=VisionResultsOut,
    summary="Consensus, dividing and unclear statements; layers below the minimum carry no figures",
)
def round_results(request, org_slug: str, vision_round_uuid: UUID):
    access = api_access(request, org_slug, LEADERSHIP)
    vision_round = access.get(VisionRound, public_id=vision_round_uuid)
    figures = results.computed(vision_round)
    result = figures.results
    return {
        "round": vision_round.public_id,
        "computed_at": figures.computed_at,
        "updating": figures.updating,
        "consensus_threshold": vision_round.consensus_threshold,
        "min_ratings": vision_round.shown_minimum,
        "participants": {c.layer: c.as_json() for c in result.participants},
        "taking_part": result.taking_part,
        "statements": [_row_out(row) for row in result.rows],
    }


@router.get(
    "/orgs/{org_slug}/vision/rounds/{vision_round_uuid}/ratings.csv",
    summary="CSV of the anonymised rating matrix: statement × layer counts, empty below the thresholds",
)
def round_ratings_csv(request, org_slug: str, vision_round_uuid: UUID):
    access = api_access(request, org_slug, STEERING)
    vision_round = access.get(VisionRound, public_id=vision_round_uuid)
    return export.ratings_response(results.computed(vision_round).results)


class VersionIn(Schema):
    text: str = Field(..., max_length=20000)


class SupportOut(Schema):
    layer: str
    shown: bool
    count: int | None
    distribution: dict[int, int] | None
    mean: float | None
    spread: float | None
    support_share: float | None
    blocks: int | None


class VersionOut(Schema):
    id: UUID
    number: int
    text: str
    created_at: datetime.datetime
    endorsement_open: bool
    approved: bool
    approved_at: datetime.datetime | None
    approved_by: str | None
    diff: list[tuple[str, str]] | None = Field(..., description="word diff against the previous version")
    support: list[SupportOut]


def _version_out(version: VisionVersion) -> dict:
    previous = VisionVersion.objects.filter(round=version.round, number__lt=version.number).order_by("-number").first()
    approval = version.approvals.select_related("approved_by").first()
    support = []
    for row in results.support_by_layer(version):
        s = row.summary
        support.append(
            {
                "layer": row.layer,
                "shown": row.shown,
                "count": s.count if s else None,
                "distribution": s.distribution if s else None,
                "mean": s.mean if s else None,
                "spread": s.spread if s else None,
                "support_share": s.support_share if s else None,
                "blocks": s.blocks if s else None,
            }
        )
    return {
        "id": version.public_id,
        "number": version.number,
        "text": version.text,
        "created_at": version.created_at,
        "endorsement_open": version.endorsement_open,
        "approved": approval is not None,
        "approved_at": approval.approved_at if approval else None,
        "approved_by": approval.approved_by.email if approval else None,
        "diff": consensus.text_diff(previous.text, version.text) if previous else None,
        "support": support,
    }


@router.get(
    "/orgs/{org_slug}/vision/rounds/{vision_round_uuid}/versions",
    response=list[VersionOut],
    summary="Versions of the vision text, newest first",
)
def version_list(request, org_slug: str, vision_round_uuid: UUID):
    access = api_access(request, org_slug, LEADERSHIP)
    vision_round = access.get(VisionRound, public_id=vision_round_uuid)
    return [_version_out(v) for v in vision_round.versions.all()]


@router.post(
    "/orgs/{org_slug}/vision/rounds/{vision_round_uuid}/versions",
    response={201: VersionOut, 422: ErrorOut},
    summary="Save the vision text as the next version",
    openapi_extra=body_schema(VersionIn),
)
def version_create(request, org_slug: str, vision_round_uuid: UUID, payload: JsonBody):
    access = api_access(request, org_slug, STEERING, write=True)
    vision_round = access.get(VisionRound, public_id=vision_round_uuid)
    data = validate_body(VersionIn, payload)
    version = services.version_create(vision_round=vision_round, text=data.text, actor=request.auth)
    return Status(201, _version_out(version))


@router.get("/orgs/{org_slug}/vision/versions/{vision_version_uuid}", response=VersionOut, summary="A version")
def version_detail(request, org_slug: str, vision_version_uuid: UUID):
    access = api_access(request, org_slug, LEADERSHIP)
    return _version_out(access.get(VisionVersion, public_id=vision_version_uuid))


@router.post(
    "/orgs/{org_slug}/vision/versions/{vision_version_uuid}/endorsement",
    response=VersionOut,
    summary="Put a version to the endorsement round",
)
def version_endorsement(request, org_slug: str, vision_version_uuid: UUID):
    access = api_access(request, org_slug, STEERING, write=True)
    version = access.get(VisionVersion, public_id=vision_version_uuid)
    services.endorsement_open(version=version, actor=request.auth)
    return _version_out(version)


@router.post(
    "/orgs/{org_slug}/vision/versions/{vision_version_uuid}/approve",
    response={200: VersionOut, 409: ErrorOut},
    summary="The board's approval of a version (a board member's session only)",
)
def version_approve(request, org_slug: str, vision_version_uuid: UUID):
    access = api_access(request, org_slug, BOARD, write=True)
    version = access.get(VisionVersion, public_id=vision_version_uuid)
    with conflict_on():
        services.version_approve(version=version, actor=request.auth)
    return _version_out(version)


# --- participants, by their private token (no account) ---


class StartOut(Schema):
    participant_token: str = Field(..., description="private: keep it; every participant operation needs it")
    layer: str


class ParticipantOut(Schema):
    round: UUID
    title: str
    status: str
    layer: str
    consensus_threshold: float
    min_ratings: int
    questions: list[QuestionOut]
    next_statement: StatementOut | None = Field(..., description="chosen by the documented next-statement rule")
    remaining: int
    rated: list[StatementResultOut] = Field(..., description="results only of the statements this participant rated")


class RatingIn(Schema):
    statement: UUID
    vote: Literal[1, -1, 0] = Field(..., description="1 agree, -1 disagree, 0 pass")


class AnswersIn(Schema):
    answers: dict[int, str] = Field(..., description="question id → free text (≤ 2,000 characters)")


class EndorsementIn(Schema):
    support: Literal[5, 4, 3, 2, 1] = Field(..., description="5 full support … 1 cannot live with it")
    comment: str = Field("", max_length=1000)


def _participant(token: str):
    participant = services.participant_resolve(token)
    if participant is None:
        raise HttpError(404, _("This link is not known."))
    return participant


def _participant_out(participant) -> dict:
    vision_round = participant.round
    queue = selectors.rating_queue(participant) if vision_round.is_open else []
    rated = selectors.rated_statements(participant)
    shown = results.round_results(vision_round, statements=rated)
    return {
        "round": vision_round.public_id,
        "title": vision_round.title,
        "status": vision_round.state,
        "layer": participant.layer,
        "consensus_threshold": vision_round.consensus_threshold,
        "min_ratings": vision_round.shown_minimum,
        "questions": [{"id": q.pk, "position": q.position, "text": q.text} for q in vision_round.questions.all()],
        "next_statement": _statement_out(queue[0]) if queue else None,
        "remaining": len(queue),
        "rated": [_row_out(row) for row in shown.rows],
    }


@router.post(
    "/vision/links/{token}/start",
    response={201: StartOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="Take part through a personal (single-use) or layer link",
)
def participant_start(request, token: str):
    found = services.start_resolve(token)
    if found is None:
        raise HttpError(404, _("This link is not known."))
    vision_round, layer, invitation = found
    if invitation is None:
        wait = retry_after(request, "vision-link", limit="SCAN_LINK_RATE_LIMIT", window="SCAN_LINK_RATE_WINDOW")
        if wait is not None:
            return too_many_requests(request, wait)
    with conflict_on():
        raw = services.participant_start(vision_round=vision_round, layer=layer, invitation=invitation)
    return Status(201, {"participant_token": raw, "layer": layer})


@router.get(
    "/vision/participants/{token}",
    response={200: ParticipantOut, 404: ErrorOut},
    auth=None,
    summary="The participant's round, next statement and the results of what they rated",
)
def participant_detail(request, token: str):
    return _participant_out(_participant(token))


class RatingOut(Schema):
    statement: UUID
    vote: int


@router.post(
    "/vision/participants/{token}/ratings",
    response={201: RatingOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=None,
    summary="Rate a statement: agree, disagree or pass (then GET the participant for the next one and the results)",
)
def participant_rate(request, token: str, payload: RatingIn):
    # The hot path of a round: one INSERT … SELECT (services.rating_submit), no results computed.
    try:
        with conflict_on(*CONFLICTS):
            services.rating_submit(token=token, statement_id=payload.statement, vote=payload.vote)
    except VisionParticipant.DoesNotExist:
        raise HttpError(404, _("This link is not known.")) from None
    return Status(201, {"statement": payload.statement, "vote": payload.vote})


@router.post(
    "/vision/participants/{token}/statements",
    response={201: StatementOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=None,
    summary="Propose a statement (at most 140 characters)",
)
def participant_propose(request, token: str, payload: StatementIn):
    participant = _participant(token)
    with conflict_on(*CONFLICTS):
        statement = services.statement_propose(
            vision_round=participant.round, text=payload.text, participant=participant
        )
    return Status(201, _statement_out(statement))


@router.post(
    "/vision/participants/{token}/answers",
    response={200: ParticipantOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=None,
    summary="Answer the guiding questions (replaces earlier answers)",
)
def participant_answers(request, token: str, payload: AnswersIn):
    participant = _participant(token)
    with conflict_on(*CONFLICTS):
        services.answers_save(participant=participant, answers=payload.answers)
    return _participant_out(participant)


@router.post(
    "/vision/participants/{token}/endorsement",
    response={201: MessageOut, 404: ErrorOut, 422: ErrorOut},
    auth=None,
    summary="Support the version put to endorsement (a second answer replaces the first)",
)
def participant_endorse(request, token: str, payload: EndorsementIn):
    participant = _participant(token)
    services.endorsement_submit(participant=participant, support=payload.support, comment=payload.comment)
    return Status(201, {"detail": _("Thank you: your support is recorded.")})
