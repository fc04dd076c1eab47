"""The scan's API: the instrument and public responses (no authentication), and an
organisation's rounds, live counts and thresholded results. Contract in docs/scan.md."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from leerkoers.lib.api_body import JsonBody, body_schema, validate_body
from leerkoers.lib.api_errors import conflict_on
from leerkoers.lib.api_schemas import ErrorOut
from leerkoers.orgs.access import LEADERSHIP, STEERING, api_access
from leerkoers.ratelimit.limiter import retry_after, too_many_requests
from leerkoers.scan import instrument, results, scoring
from leerkoers.scan.models import ScanResponse, ScanRound
from leerkoers.scan.services import (
    Target,
    link_resolve,
    link_url,
    response_submit,
    round_close,
    round_open,
    start_issue,
)

router = Router(tags=["scan"])


class ItemOut(Schema):
    id: str
    text: str


class DimensionOut(Schema):
    id: str
    name: str
    items: list[ItemOut]


class InstrumentOut(Schema):
    version: int
    started: str = Field(..., description="a signed start: send it back with the answers as `started`")
    scale: list[str]
    dimensions: list[DimensionOut]


class ResponseIn(Schema):
    answers: dict[str, Any] = Field(..., description='item id → 1–5, or null for "I don\'t know"; every item')
    sector: str | None = Field(None, description="optional, one of the organisation sectors")
    size_band: str | None = Field(None, description="optional: 1-49, 50-249, 250-999, 1000-4999, 5000+")
    started: str | None = Field(
        None,
        description="the `started` of GET /scan/instrument; missing, forged, reused or younger than "
        "SCAN_MIN_SECONDS: the response is stored as too fast",
    )
    link: str | None = Field(None, description="a round's private link token: answer for that round and layer")


class DimensionScoreOut(Schema):
    id: str
    name: str
    score: int | None
    level: str | None
    advice: str


class ResponseOut(Schema):
    id: UUID
    instrument_version: int
    overall_score: int | None
    level: str | None
    level_label: str | None
    dimensions: list[DimensionScoreOut]
    starting_point: list[str]
    report_url: str


def _lang(requested: str | None = None) -> str:
    lang = requested or translation.get_language() or "nl"
    return "en" if lang.startswith("en") else "nl"


def instrument_payload(version: int, lang: str) -> dict:
    definition = instrument.definition(version)
    return {
        "version": version,
        "scale": definition["scale"][lang],
        "dimensions": [
            {
                "id": d["id"],
                "name": instrument.text(d["name"], lang),
                "items": [{"id": i["id"], "text": instrument.text(i["text"], lang)} for i in d["items"]],
            }
            for d in definition["dimensions"]
        ],
    }


def response_payload(response: ScanResponse, lang: str, definition: dict | None = None) -> dict:
    """A response's result, from the definition of the version it was given on (the stored
    copy, unless the caller passes the published definition of that same version)."""
    definition = definition or response.instrument.definition
    dimensions = []
    for d in definition["dimensions"]:
        score = response.dimension_scores.get(d["id"])
        level = scoring.level_for(score)
        advice = instrument.text(d["advice"][level], lang) if level else ""
        dimensions.append(
            {
                "id": d["id"],
                "name": instrument.text(d["name"], lang),
                "score": scoring.round_score(score),
                "level": level,
                "advice": advice or _("Not enough information: too many statements were answered with “I don't know”."),
            }
        )
    order = [d["id"] for d in definition["dimensions"]]
    level = response.level or None
    return {
        "id": response.public_id,
        "instrument_version": response.instrument_id,
        "overall_score": scoring.round_score(response.overall_score),
        "level": level,
        "level_label": str(scoring.LEVEL_LABELS[level]) if level else None,
        "dimensions": dimensions,
        "starting_point": scoring.starting_point(response.dimension_scores, order),
        "report_url": settings.SITE_URL + reverse("scan_public:report", kwargs={"response_id": response.public_id}),
    }


@router.get("/scan/instrument", response=InstrumentOut, auth=None, summary="The current questionnaire")
def instrument_get(request, lang: Literal["nl", "en"] = "nl"):
    return {**instrument_payload(instrument.current_version(), lang), "started": start_issue()}


@router.post(
    "/scan/responses",
    response={201: ResponseOut, 409: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="Submit a completed questionnaire (public, anonymous)",
)
def response_create(request, payload: ResponseIn, lang: Literal["nl", "en"] | None = None):
    target = Target()
    if payload.link:
        wait = retry_after(request, "scan-link", limit="SCAN_LINK_RATE_LIMIT", window="SCAN_LINK_RATE_WINDOW")
        if wait is None:
            target = link_resolve(payload.link, cached=True)
            if target is None:
                raise HttpError(404, _("This scan link is not known. Check the address in your invitation."))
    else:
        wait = retry_after(request, "scan", limit="SCAN_RATE_LIMIT", window="SCAN_RATE_WINDOW")
    if wait is not None:
        return too_many_requests(request, wait)
    with conflict_on("closed", "used"):
        response = response_submit(
            answers=payload.answers,
            target=target,
            sector=payload.sector or "",
            size_band=payload.size_band or "",
            started=payload.started or "",
        )
    with translation.override(_lang(lang)):
        return Status(201, response_payload(response, _lang(lang), instrument.definition(response.instrument_id)))


# --- rounds of an organisation ---


class RoundIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)


class RoundLinkOut(Schema):
    layer: str
    url: str


class RoundOut(Schema):
    id: UUID
    title: str
    status: str
    instrument_version: int
    opened_at: datetime
    closed_at: datetime | None
    respondents: int | str = Field(..., description='exact, or "<5" below the anonymity threshold')


class RoundDetailOut(RoundOut):
    links: list[RoundLinkOut]


class CountsOut(Schema):
    round: UUID
    status: str
    threshold: int
    layers: dict[str, int | str]
    total: int | str


def _round_out(scan_round: ScanRound, total) -> dict:
    return {
        "id": scan_round.public_id,
        "title": scan_round.title,
        "status": scan_round.status,
        "instrument_version": scan_round.instrument_id,
        "opened_at": scan_round.opened_at,
        "closed_at": scan_round.closed_at,
        "respondents": total.as_json(),
    }


def _detail(scan_round: ScanRound) -> dict:
    links = [{"layer": link.layer, "url": link_url(link.token)} for link in scan_round.links.all()]
    return {**_round_out(scan_round, results.round_total(scan_round)), "links": links}


@router.get("/orgs/{org_slug}/scan/rounds", response=list[RoundOut], summary="Scan rounds")
def round_list(request, org_slug: str):
    access = api_access(request, org_slug, LEADERSHIP)
    rounds = list(access.filter(ScanRound))
    return [_round_out(r, results.round_total(r)) for r in rounds]


@router.post(
    "/orgs/{org_slug}/scan/rounds",
    response={201: RoundDetailOut},
    summary="Open a scan round",
    openapi_extra=body_schema(RoundIn),
)
def round_create(request, org_slug: str, payload: JsonBody):
    access = api_access(request, org_slug, STEERING, write=True)
    payload = validate_body(RoundIn, payload)
    scan_round = round_open(organization=access.organization, title=payload.title, actor=request.auth)
    return Status(201, _detail(scan_round))


@router.get(
    "/orgs/{org_slug}/scan/rounds/{scan_round_uuid}", response=RoundDetailOut, summary="A round with its layer links"
)
def round_detail(request, org_slug: str, scan_round_uuid: UUID):
    access = api_access(request, org_slug, STEERING)
    return _detail(access.get(ScanRound, public_id=scan_round_uuid))


@router.post(
    "/orgs/{org_slug}/scan/rounds/{scan_round_uuid}/close",
    response={200: RoundDetailOut, 409: ErrorOut},
    summary="Close a round",
)
def round_close_api(request, org_slug: str, scan_round_uuid: UUID):
    access = api_access(request, org_slug, STEERING, write=True)
    scan_round = access.get(ScanRound, public_id=scan_round_uuid)
    with conflict_on():
        round_close(scan_round=scan_round, actor=request.auth)
    return _detail(scan_round)


@router.get(
    "/orgs/{org_slug}/scan/rounds/{scan_round_uuid}/counts",
    response=CountsOut,
    summary="Respondents per layer (exact from the anonymity threshold on)",
)
def round_counts_api(request, org_slug: str, scan_round_uuid: UUID):
    access = api_access(request, org_slug, STEERING)
    scan_round = access.get(ScanRound, public_id=scan_round_uuid)
    counts = results.round_counts(scan_round)
    return {
        "round": scan_round.public_id,
        "status": scan_round.status,
        "threshold": results.threshold(),
        "layers": {layer: count.as_json() for layer, count in counts.items() if layer != "total"},
        "total": counts["total"].as_json(),
    }


class GroupOut(Schema):
    key: str
    label: str
    respondents: int | str = Field(..., description='exact, "<5" for a small group, "hidden" otherwise')
    shown: bool
    reason: str
    overall: int | None
    overall_interval: list[int] | None = Field(..., description="95 % t-interval [low, high]")
    level: str | None
    level_between: list[str] | None = Field(..., description="the two levels the interval spans, if it does")
    level_text: str
    dimensions: dict[str, int | None]
    intervals: dict[str, list[int] | None]
    hidden_cells: dict[str, str] = Field(..., description='dimension → "few" (too few answered) or "complementary"')
    dont_know: dict[str, float | None] = Field(..., description="share of “I don't know” answers, 0–1")


class GapOut(Schema):
    dimension: str
    high_layer: str
    low_layer: str
    difference: int
    interval: list[int] = Field(..., description="Welch 95 % interval of the difference")
    clear: bool = Field(..., description="the interval excludes 0")
    text: str


class ResultDimensionOut(Schema):
    id: str
    name: str
    dont_know: float | None
    dont_know_high: bool


class ResultsOut(Schema):
    round: UUID
    threshold: int
    excluded_too_fast: int
    dont_know_threshold: float
    dimensions: list[ResultDimensionOut]
    overall: GroupOut
    layers: list[GroupOut]
    gaps: list[GapOut]


def _pair(value):
    return list(value) if value else None


def group_json(group: results.Group) -> dict:
    return {
        "key": group.key,
        "label": group.label,
        "respondents": group.respondents.as_json(),
        "shown": group.shown,
        "reason": group.reason,
        "overall": group.overall,
        "overall_interval": _pair(group.overall_interval),
        "level": group.level,
        "level_between": _pair(group.level_between),
        "level_text": group.level_text,
        "dimensions": group.dimensions,
        "intervals": {key: _pair(value) for key, value in group.intervals.items()},
        "hidden_cells": group.cell_reasons,
        "dont_know": group.dont_know,
    }


@router.get(
    "/orgs/{org_slug}/scan/rounds/{scan_round_uuid}/results",
    response={200: ResultsOut, 409: ErrorOut},
    summary="Results per layer and overall; groups below the anonymity threshold carry no figures",
)
def round_results_api(request, org_slug: str, scan_round_uuid: UUID, lang: Literal["nl", "en"] = "nl"):
    access = api_access(request, org_slug, LEADERSHIP)
    scan_round = get_object_or_404(access.filter(ScanRound), public_id=scan_round_uuid)
    if scan_round.is_open:
        raise HttpError(409, _("Results are shown once the round is closed."))
    with translation.override(lang):
        result = results.round_results(scan_round, lang)
        return {
            "round": scan_round.public_id,
            "threshold": result.threshold,
            "excluded_too_fast": result.excluded,
            "dont_know_threshold": result.dont_know_threshold,
            "dimensions": [
                {"id": d.id, "name": d.name, "dont_know": d.dont_know, "dont_know_high": d.dont_know_high}
                for d in result.dimensions
            ],
            "overall": group_json(result.overall),
            "layers": [group_json(g) for g in result.layers],
            "gaps": result.gaps,
        }
