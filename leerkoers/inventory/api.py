"""The inventory's API: activities, participations, exports, imports, xAPI and the analysis.

Every operation has its full path (the router is mounted at the API root) and starts with
`api_access(...)`. Reads are open to HR / L&D, advisors and directors; writes to HR / L&D
and advisors (and write tokens).
"""

import datetime as dt
import json
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from leerkoers.inventory import exports, selectors
from leerkoers.inventory.importing.runs import import_run_check, import_run_create, import_run_start
from leerkoers.inventory.models import (
    Activity,
    EvaluationLevel,
    ImportKind,
    ImportRun,
    Initiator,
    Kind,
    Participation,
    ParticipationStatus,
)
from leerkoers.inventory.services import activity_delete, activity_save, participation_delete, participation_save
from leerkoers.inventory.xapi import XapiConflict, XapiInvalid, statements_store
from leerkoers.lib.api_body import BodyRefused, JsonBody, body_schema, parse_json, validate_body
from leerkoers.lib.field_limits import decimal_limits, integer_range
from leerkoers.lib.pagination import Page, paginate
from leerkoers.lib.params import Id, IdList, PathId, QueryId, QueryYear
from leerkoers.lib.tables import ImportRefused
from leerkoers.orgs.access import LEADERSHIP, STEERING, api_access
from leerkoers.orgs.models import Team

router = Router(tags=["inventory"])


class ActivityOut(Schema):
    id: int
    title: str
    kind: str
    provider: str
    initiator: str
    teams: list[int]
    start_date: dt.date | None
    end_date: dt.date | None
    participants: int | None
    hours_per_participant: Decimal | None
    cost: Decimal | None
    goal: str
    result: str
    result_measure: str
    evaluation_level: int
    mandatory: bool
    external_id: str
    participation_count: int

    @staticmethod
    def resolve_teams(obj):
        return sorted(link.team_id for link in obj.team_links.all())


class ActivityIn(Schema):
    title: str = Field(min_length=1, max_length=300)
    kind: Kind = Kind.TRAINING
    provider: str = Field("", max_length=200)
    initiator: Initiator | None = None
    teams: IdList = []
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    # The limits are the model's own (lib.field_limits), as the form's and the import's are.
    participants: int | None = Field(None, **integer_range(Activity, "participants"))
    hours_per_participant: Decimal | None = Field(None, ge=0, **decimal_limits(Activity, "hours_per_participant"))
    cost: Decimal | None = Field(None, ge=0, **decimal_limits(Activity, "cost"))
    goal: str = ""
    result: str = ""
    result_measure: str = Field("", max_length=300)
    evaluation_level: EvaluationLevel = EvaluationLevel.NONE
    mandatory: bool = False
    external_id: str = Field("", max_length=500)


class ParticipationOut(Schema):
    id: int
    activity: int
    person_key: str
    member: int | None
    team: int | None
    status: str
    enrolled_on: dt.date | None
    completion_date: dt.date | None
    hours: Decimal | None
    score: Decimal | None
    source: str

    @staticmethod
    def resolve_activity(obj):
        return obj.activity_id

    @staticmethod
    def resolve_member(obj):
        return obj.membership_id

    @staticmethod
    def resolve_team(obj):
        return obj.team_id


class ParticipationIn(Schema):
    activity: Id
    person: str = Field(min_length=1, max_length=254, description="employee number or e-mail address")
    team: Id | None = None
    status: ParticipationStatus = ParticipationStatus.COMPLETED
    enrolled_on: dt.date | None = None
    completion_date: dt.date | None = None
    hours: Decimal | None = Field(None, ge=0, **decimal_limits(Participation, "hours"))
    score: Decimal | None = Field(None, **decimal_limits(Participation, "score"))


def _activities(access):
    return access.filter(Activity).prefetch_related("team_links")


def _activity_or_404(access, activity_id: int) -> Activity:
    found = _activities(access).filter(pk=activity_id).first()
    if found is None:
        raise HttpError(404, _("Not found."))
    return found


def _validation_error(exc: ValidationError):
    raise HttpError(422, "; ".join(exc.messages)) from None


@router.get("/orgs/{org_slug}/activities", response=Page[ActivityOut], summary="Learning activities")
def activity_list(
    request,
    org_slug: str,
    limit: int = 100,
    offset: int = 0,
    q: str = "",
    kind: str = "",
    initiator: str = "",
    team: QueryId = None,
    year: QueryYear = None,
    sort: str = "-start_date",
):
    access = api_access(request, org_slug, LEADERSHIP)
    activities = selectors.activities_found(
        access.organization, query=q[:100], kind=kind, initiator=initiator, team=team, year=year
    ).prefetch_related("team_links")
    allowed = {"title", "start_date", "cost", "provider", "id"}
    if sort.lstrip("-") not in allowed:
        raise HttpError(422, _("sort must be one of: %(fields)s.") % {"fields": ", ".join(sorted(allowed))})
    return paginate(activities.order_by(sort, "pk"), limit=limit, offset=offset)


@router.get("/orgs/{org_slug}/activities/export", summary="All activities as CSV or XLSX (formulas neutralised)")
def activity_export(request, org_slug: str, format: str = "csv"):
    access = api_access(request, org_slug, LEADERSHIP)
    return exports.activities_response(access.filter(Activity).order_by("pk"), format)


def _save_activity(access, request, activity: Activity, payload: ActivityIn) -> Activity:
    data = payload.dict()
    team_ids = data.pop("teams")
    teams = list(access.filter(Team, pk__in=team_ids))
    if len(teams) != len(set(team_ids)):
        raise HttpError(422, _("Unknown team."))
    data["initiator"] = data["initiator"] or ""
    if data["external_id"]:
        clash = access.filter(Activity, external_id=data["external_id"]).exclude(pk=activity.pk)
        if clash.exists():
            raise HttpError(409, _("Another activity already has this external id."))
    for name, value in data.items():
        setattr(activity, name, value)
    try:
        return activity_save(
            organization=access.organization,
            activity=activity,
            teams=teams,
            actor=access.token or request.user,
            source="api",
        )
    except ValidationError as exc:
        _validation_error(exc)


@router.post(
    "/orgs/{org_slug}/activities",
    response={201: ActivityOut},
    summary="Add an activity",
    openapi_extra=body_schema(ActivityIn),
)
def activity_create(request, org_slug: str, payload: JsonBody):
    access = api_access(request, org_slug, STEERING, write=True)
    payload = validate_body(ActivityIn, payload)
    activity = _save_activity(access, request, Activity(), payload)
    return Status(201, _activity_or_404(access, activity.pk))


@router.get("/orgs/{org_slug}/activities/{activity_id}", response=ActivityOut, summary="One activity")
def activity_detail(request, org_slug: str, activity_id: PathId):
    access = api_access(request, org_slug, LEADERSHIP)
    return _activity_or_404(access, activity_id)


@router.put(
    "/orgs/{org_slug}/activities/{activity_id}",
    response=ActivityOut,
    summary="Replace an activity",
    openapi_extra=body_schema(ActivityIn),
)
def activity_update(request, org_slug: str, activity_id: PathId, payload: JsonBody):
    access = api_access(request, org_slug, STEERING, write=True)
    _activity_or_404(access, activity_id)
    payload = validate_body(ActivityIn, payload)
    activity = _save_activity(access, request, _activity_or_404(access, activity_id), payload)
    return _activity_or_404(access, activity.pk)


@router.delete("/orgs/{org_slug}/activities/{activity_id}", response={204: None}, summary="Delete an activity")
def activity_remove(request, org_slug: str, activity_id: PathId):
    access = api_access(request, org_slug, STEERING, write=True)
    activity = access.get(Activity, pk=activity_id)
    activity_delete(organization=access.organization, activity=activity, actor=access.token or request.user)
    return Status(204, None)


@router.get("/orgs/{org_slug}/participations", response=Page[ParticipationOut], summary="Participation records")
def participation_list(
    request,
    org_slug: str,
    limit: int = 100,
    offset: int = 0,
    activity: QueryId = None,
    team: QueryId = None,
    status: str = "",
    person: str = "",
):
    access = api_access(request, org_slug, LEADERSHIP)
    rows = selectors.participations_found(
        access.organization, activity=activity, team=team, status=status, person=person
    )
    page = paginate(rows.none(), limit=limit, offset=offset)  # checks limit and offset
    page["items"] = list(rows[offset : offset + limit])
    # Counting a million rows per page is what makes large tables slow; without filters other
    # than the activity, the counts the services keep on the activities give the same number.
    if not (team is not None or status or person):
        kept = access.filter(Activity, **({"pk": activity} if activity is not None else {}))
        page["count"] = kept.aggregate(n=Sum("participation_count"))["n"] or 0
    else:
        page["count"] = rows.count()
    return page


@router.get("/orgs/{org_slug}/participations/export", summary="All participations as CSV or XLSX")
def participation_export(request, org_slug: str, format: str = "csv"):
    access = api_access(request, org_slug, LEADERSHIP)
    return exports.participations_response(access.filter(Participation), format)


def _save_participation(access, request, participation: Participation, payload: ParticipationIn):
    activity = access.filter(Activity, pk=payload.activity).first()
    team = access.filter(Team, pk=payload.team).first() if payload.team is not None else None
    if activity is None or (payload.team is not None and team is None):
        raise HttpError(422, _("Unknown activity or team."))
    participation.activity = activity
    participation.team = team
    for name in ("status", "enrolled_on", "completion_date", "hours", "score"):
        setattr(participation, name, getattr(payload, name))
    try:
        return participation_save(
            organization=access.organization,
            participation=participation,
            person=payload.person,
            actor=access.token or request.user,
            source="api",
        )
    except ValidationError as exc:
        if "__all__" in getattr(exc, "message_dict", {}):
            raise HttpError(409, _("This person already has a participation in this activity on this date.")) from None
        _validation_error(exc)


@router.post(
    "/orgs/{org_slug}/participations",
    response={201: ParticipationOut},
    summary="Add a participation",
    openapi_extra=body_schema(ParticipationIn),
)
def participation_create(request, org_slug: str, payload: JsonBody):
    access = api_access(request, org_slug, STEERING, write=True)
    payload = validate_body(ParticipationIn, payload)
    return Status(201, _save_participation(access, request, Participation(), payload))


@router.get(
    "/orgs/{org_slug}/participations/{participation_id}", response=ParticipationOut, summary="One participation"
)
def participation_detail(request, org_slug: str, participation_id: PathId):
    access = api_access(request, org_slug, LEADERSHIP)
    return access.get(Participation, pk=participation_id)


@router.put(
    "/orgs/{org_slug}/participations/{participation_id}",
    response=ParticipationOut,
    summary="Replace one",
    openapi_extra=body_schema(ParticipationIn),
)
def participation_update(request, org_slug: str, participation_id: PathId, payload: JsonBody):
    access = api_access(request, org_slug, STEERING, write=True)
    participation = access.get(Participation, pk=participation_id)
    return _save_participation(access, request, participation, validate_body(ParticipationIn, payload))


@router.delete("/orgs/{org_slug}/participations/{participation_id}", response={204: None}, summary="Delete one")
def participation_remove(request, org_slug: str, participation_id: PathId):
    access = api_access(request, org_slug, STEERING, write=True)
    participation = access.get(Participation, pk=participation_id)
    participation_delete(
        organization=access.organization, participation=participation, actor=access.token or request.user
    )
    return Status(204, None)


# --- imports -------------------------------------------------------------------------


class ImportOut(Schema):
    id: UUID
    kind: str
    filename: str
    status: str
    job: UUID | None
    summary: dict
    errors: list[dict]

    @staticmethod
    def resolve_id(obj):
        return obj.uuid

    @staticmethod
    def resolve_job(obj):
        return obj.job_id


def _parsed_mapping(mapping: str) -> dict | None:
    """The form field `mapping` (a JSON object of field names to column names), None when empty."""
    if not mapping:
        return None
    try:
        parsed = json.loads(mapping)
    except json.JSONDecodeError:
        raise HttpError(422, _("mapping must be a JSON object.")) from None
    if not isinstance(parsed, dict):
        raise HttpError(422, _("mapping must be a JSON object."))
    if not all(isinstance(column, str) for column in parsed.values()):
        raise HttpError(422, _("mapping must be a JSON object of field names to column names."))
    return parsed


@router.post("/orgs/{org_slug}/imports", response={200: dict, 202: ImportOut}, summary="Upload a file to import")
def import_upload(
    request,
    org_slug: str,
    file: File[UploadedFile] = None,
    kind: Form[str] = "",
    mapping: Form[str] = "",
    sheet: Form[str] = "",
    skip_invalid: Form[bool] = False,
    dry_run: Form[bool] = False,
):
    """Same options as the commands. With `dry_run` the check's report comes back at once;
    otherwise the import runs in the background: poll /jobs/{job} or /imports/{id}."""
    # file and kind are checked here, after the role: a caller without it learns nothing.
    access = api_access(request, org_slug, STEERING, write=True)
    if file is None:
        raise HttpError(422, _("Send the file to import in the field file."))
    if kind not in ImportKind.values:
        raise HttpError(422, _("kind must be activities or participations."))
    parsed_mapping = _parsed_mapping(mapping)
    actor = access.token or request.user
    try:
        run = import_run_create(
            organization=access.organization,
            kind=kind,
            upload=file,
            mapping=parsed_mapping,
            sheet=sheet,
            actor=request.user,
        )
        if dry_run:  # complete in itself: the report comes back, the file is not kept
            result = import_run_check(run=run, mapping=parsed_mapping, keep_file=False, actor=actor)
            return Status(200, result.as_dict())
    except ImportRefused as exc:
        raise HttpError(422, str(exc)) from None
    language = translation.get_language() or "nl"
    run = import_run_start(run=run, skip_invalid=skip_invalid, actor=actor, language=language, checked=False)
    return Status(202, run)


@router.get("/orgs/{org_slug}/imports/{import_run_uuid}", response=ImportOut, summary="An import and its outcome")
def import_detail(request, org_slug: str, import_run_uuid: UUID):
    access = api_access(request, org_slug, STEERING)
    return access.get(ImportRun, uuid=import_run_uuid)


# --- xAPI and analysis ---------------------------------------------------------------


@router.post(
    "/orgs/{org_slug}/xapi/statements",
    response={200: list[str], 400: dict, 409: dict},
    summary="Store xAPI 1.0.3 statements (one or an array) as participations",
)
def xapi_statements(request, org_slug: str):
    access = api_access(request, org_slug, STEERING, write=True)
    try:
        payload = parse_json(request.body or b"null")
    except BodyRefused as exc:
        return Status(400, {"detail": str(exc)})
    except ValueError:  # incl. JSONDecodeError and UnicodeDecodeError
        return Status(400, {"detail": _("The body is not valid JSON.")})
    try:
        result = statements_store(organization=access.organization, payload=payload, actor=access.token or request.user)
    except XapiInvalid as exc:
        return Status(400, {"detail": _("Invalid statements; none was stored."), "errors": exc.errors})
    except XapiConflict as exc:
        return Status(409, {"detail": _("These statement ids were stored before with other content."), "ids": exc.ids})
    return Status(200, result.ids)


@router.get("/orgs/{org_slug}/analysis", response=dict, summary="The coherence analysis figures")
def analysis(request, org_slug: str):
    access = api_access(request, org_slug, LEADERSHIP)
    data, updating = selectors.analysis_state(access.organization)
    return exports.analysis_json(data, selectors.starting_point(data)) | {"updating": updating}


@router.get("/orgs/{org_slug}/analysis/export", summary="The analysis as XLSX or CSV")
def analysis_export(request, org_slug: str, format: str = "xlsx"):
    access = api_access(request, org_slug, LEADERSHIP)
    data = selectors.analysis(access.organization)
    return exports.analysis_response(data, selectors.starting_point(data), format)
