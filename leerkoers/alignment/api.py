"""The step-3 API: strategic goals, KPIs and their measurements, learning goals, the golden thread.

Contract in docs/alignment.md. Every operation starts with `api_access`; request bodies are
taken as plain JSON and validated against the schemas below *after* it, so that a caller
without access learns nothing from validation errors. OpenAPI still documents each body.
"""

from datetime import date
from typing import Literal

import pydantic
from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from leerkoers.alignment import golden_thread as gt
from leerkoers.alignment import selectors, services
from leerkoers.alignment.models import (
    PRESET_THEMES,
    Kpi,
    LearningGoal,
    LearningGoalLink,
    Measurement,
    StrategicGoal,
    Theme,
)
from leerkoers.alignment.smart import smart_check
from leerkoers.inventory.models import Activity
from leerkoers.lib.api_body import JsonBody, body_schema, validate_body
from leerkoers.lib.pagination import Page, paginate
from leerkoers.lib.params import MAX_IDS, Id, IdList, PathId, QueryId
from leerkoers.orgs.access import EVERYONE, LEADERSHIP, api_access
from leerkoers.orgs.models import Membership, Team

router = Router(tags=["alignment"])

Amount = pydantic.condecimal(max_digits=14, decimal_places=4)


# --- helpers -----------------------------------------------------------------------------


def _members(access, member_id: int | None, field: str):
    if member_id is None:
        return None
    member = access.filter(Membership, pk=member_id).first()
    if member is None:
        raise ValidationError({field: _("Unknown member.")})
    return member


def _by_ids(access, model, ids: list[int], field: str, label: str) -> list:
    found = {obj.pk: obj for obj in access.filter(model, pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError(
            {field: _("Unknown %(what)s: %(ids)s.") % {"what": label, "ids": ", ".join(map(str, missing))}}
        )
    return [found[i] for i in ids]


# --- themes ------------------------------------------------------------------------------


class ThemeIn(Schema):
    key: str = pydantic.Field(min_length=1, max_length=60, pattern=r"^[-a-z0-9_]+$")
    name: str = pydantic.Field(min_length=1, max_length=120)


class ThemeOut(Schema):
    id: int | None
    key: str
    name: str
    preset: bool


@router.get("/orgs/{org_slug}/themes", response=Page[ThemeOut], summary="Themes: the four preset ones, then your own")
def theme_list(request, org_slug: str):
    access = api_access(request, org_slug, EVERYONE)
    items = [{"id": None, "key": key, "name": str(label), "preset": True} for key, label in PRESET_THEMES.items()]
    items += [{"id": t.pk, "key": t.key, "name": t.name, "preset": False} for t in access.filter(Theme)]
    return {"items": items, "count": len(items)}


@router.post(
    "/orgs/{org_slug}/themes", response={201: ThemeOut}, summary="Add an own theme", openapi_extra=body_schema(ThemeIn)
)
def theme_create(request, org_slug: str, payload: JsonBody):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    data = validate_body(ThemeIn, payload)
    theme = services.theme_create(
        organization=access.organization, key=data.key, name=data.name, actor=access.token or request.user
    )
    return Status(201, {"id": theme.pk, "key": theme.key, "name": theme.name, "preset": False})


@router.delete("/orgs/{org_slug}/themes/{theme_id}", response={204: None}, summary="Delete an own theme no goal uses")
def theme_remove(request, org_slug: str, theme_id: PathId):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    services.theme_delete(theme=access.get(Theme, pk=theme_id), actor=access.token or request.user)
    return Status(204, None)


# --- strategic goals ---------------------------------------------------------------------


class StrategicGoalIn(Schema):
    title: str = pydantic.Field(min_length=1, max_length=200)
    description: str = ""
    theme: str = pydantic.Field(min_length=1, max_length=60)
    owner: Id | None = None
    period_start: date | None = None
    period_end: date | None = None
    status: Literal["draft", "active", "achieved", "dropped"] = "active"
    priority: int = pydantic.Field(default=1, ge=1, le=1000)


class StrategicGoalOut(Schema):
    id: int
    title: str
    description: str
    theme: str
    owner: int | None
    period_start: date | None
    period_end: date | None
    status: str
    priority: int
    learning_goals: list[int]
    kpis: list[int]

    @staticmethod
    def resolve_owner(obj):
        return obj.owner_id

    @staticmethod
    def resolve_learning_goals(obj):
        return sorted(link.learning_goal_id for link in obj.links.all())

    @staticmethod
    def resolve_kpis(obj):
        return sorted(kpi.pk for kpi in obj.kpis.all())


def _strategic_goals(access):
    return access.filter(StrategicGoal).prefetch_related("links", "kpis")


def _strategic_goal_changes(access, data: StrategicGoalIn) -> dict:
    changes = data.model_dump()
    changes["owner"] = _members(access, data.owner, "owner")
    return changes


def _strategic_goal_as_input(goal: StrategicGoal) -> dict:
    return {name: getattr(goal, name) for name in services.STRATEGIC_GOAL_FIELDS if name != "owner"} | {
        "owner": goal.owner_id
    }


@router.get("/orgs/{org_slug}/strategic-goals", response=Page[StrategicGoalOut], summary="Strategic goals")
def strategic_goal_list(request, org_slug: str, limit: int = 100, offset: int = 0):
    access = api_access(request, org_slug, EVERYONE)
    return paginate(_strategic_goals(access), limit=limit, offset=offset)


@router.post(
    "/orgs/{org_slug}/strategic-goals",
    response={201: StrategicGoalOut},
    summary="Create a strategic goal",
    openapi_extra=body_schema(StrategicGoalIn),
)
def strategic_goal_create(request, org_slug: str, payload: JsonBody):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    data = validate_body(StrategicGoalIn, payload)
    goal = StrategicGoal(organization=access.organization)
    services.strategic_goal_save(
        goal=goal, actor=access.token or request.user, changes=_strategic_goal_changes(access, data)
    )
    return Status(201, _strategic_goals(access).get(pk=goal.pk))


@router.get(
    "/orgs/{org_slug}/strategic-goals/{strategic_goal_id}", response=StrategicGoalOut, summary="One strategic goal"
)
def strategic_goal_detail(request, org_slug: str, strategic_goal_id: PathId):
    access = api_access(request, org_slug, EVERYONE)
    goal = _strategic_goals(access).filter(pk=strategic_goal_id).first()
    if goal is None:
        raise HttpError(404, _("Not found."))
    return goal


def _update_strategic_goal(request, access, strategic_goal_id, payload, *, partial: bool):
    goal = access.get(StrategicGoal, pk=strategic_goal_id)
    if partial and not isinstance(payload, dict):
        raise NinjaValidationError([{"loc": [], "msg": _("Send a JSON object.")}])
    data = validate_body(StrategicGoalIn, {**_strategic_goal_as_input(goal), **payload} if partial else payload)
    services.strategic_goal_save(
        goal=goal, actor=access.token or request.user, changes=_strategic_goal_changes(access, data)
    )
    return _strategic_goals(access).get(pk=goal.pk)


@router.put(
    "/orgs/{org_slug}/strategic-goals/{strategic_goal_id}",
    response=StrategicGoalOut,
    summary="Replace a strategic goal",
    openapi_extra=body_schema(StrategicGoalIn),
)
def strategic_goal_replace(request, org_slug: str, strategic_goal_id: PathId, payload: JsonBody):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    return _update_strategic_goal(request, access, strategic_goal_id, payload, partial=False)


@router.patch(
    "/orgs/{org_slug}/strategic-goals/{strategic_goal_id}",
    response=StrategicGoalOut,
    summary="Change fields of a strategic goal",
    openapi_extra=body_schema(StrategicGoalIn, partial=True),
)
def strategic_goal_update(request, org_slug: str, strategic_goal_id: PathId, payload: JsonBody):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    return _update_strategic_goal(request, access, strategic_goal_id, payload, partial=True)


@router.delete(
    "/orgs/{org_slug}/strategic-goals/{strategic_goal_id}", response={204: None}, summary="Delete a strategic goal"
)
def strategic_goal_remove(request, org_slug: str, strategic_goal_id: PathId):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    goal = access.get(StrategicGoal, pk=strategic_goal_id)
    services.strategic_goal_delete(goal=goal, actor=access.token or request.user)
    return Status(204, None)


# --- KPIs --------------------------------------------------------------------------------


class KpiIn(Schema):
    strategic_goal: Id
    name: str = pydantic.Field(min_length=1, max_length=200)
    definition: str = ""
    unit: Literal["percent", "number", "score", "euro", "days", "hours", "minutes"]
    source: str = pydantic.Field(default="", max_length=200)
    owner: Id | None = None
    direction: Literal["higher", "lower"]
    baseline_value: Amount
    baseline_date: date
    target_value: Amount
    target_date: date


class KpiOut(Schema):
    id: int
    strategic_goal: int
    name: str
    definition: str
    unit: str
    source: str
    owner: int | None
    direction: str
    baseline_value: float
    baseline_date: date
    target_value: float
    target_date: date
    status: str
    latest_value: float | None
    latest_date: date | None
    expected_value: float | None = pydantic.Field(description="Where the planned path is on the latest date")
    judged_value: float | None = pydantic.Field(
        description="The trend through the recent measurements on the latest date (the latest value below three)"
    )
    tolerance: float | None = pydantic.Field(description="Two standard errors of the judged value (0 without a trend)")
    measurements_judged: int = pydantic.Field(description="Measurements the trend runs through; 1: the latest alone")


def _kpi_out(kpi: Kpi, assessment) -> dict:
    latest = assessment.latest
    return {
        "id": kpi.pk,
        "strategic_goal": kpi.strategic_goal_id,
        "name": kpi.name,
        "definition": kpi.definition,
        "unit": kpi.unit,
        "source": kpi.source,
        "owner": kpi.owner_id,
        "direction": kpi.direction,
        "baseline_value": kpi.baseline_value,
        "baseline_date": kpi.baseline_date,
        "target_value": kpi.target_value,
        "target_date": kpi.target_date,
        "status": assessment.status.value,
        "latest_value": latest.value if latest else None,
        "latest_date": latest.date if latest else None,
        "expected_value": assessment.expected_value,
        "judged_value": assessment.judged_value,
        "tolerance": assessment.tolerance,
        "measurements_judged": assessment.points_used,
    }


def _kpi_detail(access, kpi_id: int) -> dict:
    found = selectors.with_status(selectors.kpi_queryset(access.organization).filter(pk=kpi_id))
    if not found:
        raise HttpError(404, _("Not found."))
    return _kpi_out(*found[0])


def _kpi_changes(access, data: KpiIn) -> dict:
    changes = data.model_dump()
    changes["strategic_goal"] = _by_ids(
        access, StrategicGoal, [data.strategic_goal], "strategic_goal", _("strategic goal")
    )[0]
    changes["owner"] = _members(access, data.owner, "owner")
    return changes


@router.get("/orgs/{org_slug}/kpis", response=Page[KpiOut], summary="KPIs with their status")
def kpi_list(request, org_slug: str, limit: int = 100, offset: int = 0, strategic_goal: QueryId = None):
    access = api_access(request, org_slug, EVERYONE)
    kpis = selectors.kpi_queryset(access.organization)
    if strategic_goal is not None:
        kpis = kpis.filter(strategic_goal_id=strategic_goal)
    page = paginate(kpis, limit=limit, offset=offset)
    return {"items": [_kpi_out(*pair) for pair in selectors.with_status(page["items"])], "count": page["count"]}


@router.post("/orgs/{org_slug}/kpis", response={201: KpiOut}, summary="Create a KPI", openapi_extra=body_schema(KpiIn))
def kpi_create(request, org_slug: str, payload: JsonBody):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    data = validate_body(KpiIn, payload)
    kpi = Kpi(organization=access.organization)
    services.kpi_save(kpi=kpi, actor=access.token or request.user, changes=_kpi_changes(access, data))
    return Status(201, _kpi_detail(access, kpi.pk))


@router.get("/orgs/{org_slug}/kpis/{kpi_id}", response=KpiOut, summary="One KPI with its status")
def kpi_detail(request, org_slug: str, kpi_id: PathId):
    access = api_access(request, org_slug, EVERYONE)
    return _kpi_detail(access, kpi_id)


def _update_kpi(request, access, kpi_id, payload, *, partial: bool):
    kpi = access.get(Kpi, pk=kpi_id)
    if partial and not isinstance(payload, dict):
        raise NinjaValidationError([{"loc": [], "msg": _("Send a JSON object.")}])
    current = {name: getattr(kpi, name) for name in services.KPI_FIELDS if name not in ("strategic_goal", "owner")}
    current |= {"strategic_goal": kpi.strategic_goal_id, "owner": kpi.owner_id}
    data = validate_body(KpiIn, {**current, **payload} if partial else payload)
    services.kpi_save(kpi=kpi, actor=access.token or request.user, changes=_kpi_changes(access, data))
    return _kpi_detail(access, kpi.pk)


@router.put(
    "/orgs/{org_slug}/kpis/{kpi_id}", response=KpiOut, summary="Replace a KPI", openapi_extra=body_schema(KpiIn)
)
def kpi_replace(request, org_slug: str, kpi_id: PathId, payload: JsonBody):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    return _update_kpi(request, access, kpi_id, payload, partial=False)


@router.patch(
    "/orgs/{org_slug}/kpis/{kpi_id}",
    response=KpiOut,
    summary="Change fields of a KPI",
    openapi_extra=body_schema(KpiIn, partial=True),
)
def kpi_update(request, org_slug: str, kpi_id: PathId, payload: JsonBody):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    return _update_kpi(request, access, kpi_id, payload, partial=True)


@router.delete("/orgs/{org_slug}/kpis/{kpi_id}", response={204: None}, summary="Delete a KPI and its measurements")
def kpi_remove(request, org_slug: str, kpi_id: PathId):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    services.kpi_delete(kpi=access.get(Kpi, pk=kpi_id), actor=access.token or request.user)
    return Status(204, None)


# --- measurements ------------------------------------------------------------------------


class MeasurementIn(Schema):
    model_config = pydantic.ConfigDict(extra="forbid")

    date: date
    value: Amount
    team: Id | None = None
    unit: str = pydantic.Field(default="", max_length=20, description="Optional; checked against the KPI's unit.")


class MeasurementOut(Schema):
    id: int
    date: date
    value: float
    team: int | None

    @staticmethod
    def resolve_team(obj):
        return obj.team_id


class MeasurementBatch(pydantic.RootModel):
    root: MeasurementIn | list[MeasurementIn]


@router.get(
    "/orgs/{org_slug}/kpis/{kpi_id}/measurements", response=Page[MeasurementOut], summary="Measurements of a KPI"
)
def measurement_list(request, org_slug: str, kpi_id: PathId, limit: int = 100, offset: int = 0, team: QueryId = None):
    access = api_access(request, org_slug, EVERYONE)
    kpi = access.get(Kpi, pk=kpi_id)
    measurements = access.filter(Measurement, kpi=kpi).order_by("date", F("team_id").asc(nulls_first=True), "pk")
    if team is not None:
        measurements = measurements.filter(team_id=team)
    return paginate(measurements, limit=limit, offset=offset)


@router.post(
    "/orgs/{org_slug}/kpis/{kpi_id}/measurements",
    response={201: Page[MeasurementOut]},
    summary="Add one or many measurements (all or nothing)",
    openapi_extra=body_schema(MeasurementBatch),
)
def measurement_create(request, org_slug: str, kpi_id: PathId, payload: JsonBody):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    kpi = access.get(Kpi, pk=kpi_id)
    try:
        created = services.measurements_create(
            organization=access.organization,
            items=_measurement_inputs(access, kpi, payload),
            actor=access.token or request.user,
        )
    except services.MeasurementErrors as exc:
        raise exc.by_field() from None
    return Status(201, {"items": created, "count": len(created)})


def _measurement_inputs(access, kpi: Kpi, payload) -> list:
    """The measurements of a body (one object or a list of them) for measurements_create;
    ValidationError names each item by its position in the list."""
    raw_items = payload if isinstance(payload, list) else [payload]
    if len(raw_items) > 10_000:
        raise HttpError(422, _("Send at most 10,000 measurements at a time."))
    items = [
        validate_body(MeasurementIn, raw, (i,) if isinstance(payload, list) else ()) for i, raw in enumerate(raw_items)
    ]
    team_ids = sorted({item.team for item in items if item.team is not None})
    teams = {team.pk: team for team in access.filter(Team, pk__in=team_ids)}
    errors = {}
    inputs = []
    for i, item in enumerate(items):
        where = str(i) if isinstance(payload, list) else ""
        if item.team is not None and item.team not in teams:
            errors[".".join(filter(None, [where, "team"]))] = [_("Unknown team.")]
            continue
        inputs.append(
            services.MeasurementInput(where, kpi, item.date, item.value, teams.get(item.team), item.unit or "")
        )
    if errors:
        raise ValidationError(errors)
    return inputs


@router.delete(
    "/orgs/{org_slug}/kpis/{kpi_id}/measurements/{measurement_id}", response={204: None}, summary="Delete a measurement"
)
def measurement_remove(request, org_slug: str, kpi_id: PathId, measurement_id: PathId):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    measurement = access.get(Measurement, pk=measurement_id, kpi_id=kpi_id)
    services.measurement_delete(measurement=measurement, actor=access.token or request.user)
    return Status(204, None)


# --- learning goals ----------------------------------------------------------------------


class LearningGoalIn(Schema):
    title: str = pydantic.Field(min_length=1, max_length=200)
    who: str = pydantic.Field(default="", max_length=300)
    behaviour: str = ""
    deadline: date | None = None
    measure: str = ""
    target_teams: IdList = []
    target_roles: list[Literal["admin", "director", "manager", "employee"]] = []
    strategic_goals: IdList = []
    rationales: dict[Id, str] = pydantic.Field(
        default_factory=dict,
        max_length=MAX_IDS,
        description="Why the goal serves each strategic goal: {strategic goal id: text}.",
    )


class LinkOut(Schema):
    strategic_goal: int
    rationale: str


class SmartOut(Schema):
    complete: bool
    missing: list[str]


class LearningGoalOut(Schema):
    id: int
    title: str
    who: str
    behaviour: str
    deadline: date | None
    measure: str
    target_teams: list[int]
    target_roles: list[str]
    strategic_goals: list[int]
    links: list[LinkOut]
    activities: list[int]
    smart: SmartOut


def _learning_goals(access):
    return access.filter(LearningGoal).prefetch_related(
        "target_teams",
        Prefetch("links", queryset=LearningGoalLink.objects.order_by("strategic_goal_id")),
        "activity_links",
    )


def _learning_goal_out(goal: LearningGoal, today: date) -> dict:
    links = list(goal.links.all())
    checks = smart_check(
        who=goal.who,
        behaviour=goal.behaviour,
        measure=goal.measure,
        deadline=goal.deadline,
        has_target_groups=bool(goal.target_roles) or bool(goal.target_teams.all()),
        strategic_goal_count=len(links),
        today=today,
    )
    return {
        "id": goal.pk,
        "title": goal.title,
        "who": goal.who,
        "behaviour": goal.behaviour,
        "deadline": goal.deadline,
        "measure": goal.measure,
        "target_teams": sorted(team.pk for team in goal.target_teams.all()),
        "target_roles": goal.target_roles,
        "strategic_goals": [link.strategic_goal_id for link in links],
        "links": [{"strategic_goal": link.strategic_goal_id, "rationale": link.rationale} for link in links],
        "activities": sorted(link.activity_id for link in goal.activity_links.all()),
        "smart": {"complete": all(c.ok for c in checks), "missing": [c.key for c in checks if not c.ok]},
    }


def _today():
    return timezone.localdate()


def _save_learning_goal(request, access, goal: LearningGoal, data: LearningGoalIn):
    strategic_goals = _by_ids(
        access, StrategicGoal, list(dict.fromkeys(data.strategic_goals)), "strategic_goals", _("strategic goal")
    )
    teams = _by_ids(access, Team, list(dict.fromkeys(data.target_teams)), "target_teams", _("team"))
    unknown = set(data.rationales) - {sg.pk for sg in strategic_goals}
    if unknown:
        raise ValidationError({"rationales": _("A rationale is for a strategic goal in strategic_goals.")})
    services.learning_goal_save(
        goal=goal,
        actor=access.token or request.user,
        changes=data.model_dump(include={"title", "who", "behaviour", "deadline", "measure", "target_roles"}),
        target_teams=teams,
        links=[(sg, data.rationales.get(sg.pk, "")) for sg in strategic_goals],
    )
    return _learning_goal_out(_learning_goals(access).get(pk=goal.pk), _today())


@router.get("/orgs/{org_slug}/learning-goals", response=Page[LearningGoalOut], summary="Learning goals")
def learning_goal_list(request, org_slug: str, limit: int = 100, offset: int = 0):
    access = api_access(request, org_slug, EVERYONE)
    page = paginate(_learning_goals(access), limit=limit, offset=offset)
    today = _today()
    return {"items": [_learning_goal_out(goal, today) for goal in page["items"]], "count": page["count"]}


@router.post(
    "/orgs/{org_slug}/learning-goals",
    response={201: LearningGoalOut},
    summary="Create a learning goal",
    openapi_extra=body_schema(LearningGoalIn),
)
def learning_goal_create(request, org_slug: str, payload: JsonBody):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    data = validate_body(LearningGoalIn, payload)
    return Status(201, _save_learning_goal(request, access, LearningGoal(organization=access.organization), data))


@router.get("/orgs/{org_slug}/learning-goals/{learning_goal_id}", response=LearningGoalOut, summary="One learning goal")
def learning_goal_detail(request, org_slug: str, learning_goal_id: PathId):
    access = api_access(request, org_slug, EVERYONE)
    goal = _learning_goals(access).filter(pk=learning_goal_id).first()
    if goal is None:
        raise HttpError(404, _("Not found."))
    return _learning_goal_out(goal, _today())


def _update_learning_goal(request, access, learning_goal_id, payload, *, partial: bool):
    goal = _learning_goals(access).filter(pk=learning_goal_id).first()
    if goal is None:
        raise HttpError(404, _("Not found."))
    if partial and not isinstance(payload, dict):
        raise NinjaValidationError([{"loc": [], "msg": _("Send a JSON object.")}])
    if partial:
        current = _learning_goal_out(goal, _today())
        current["rationales"] = {link["strategic_goal"]: link["rationale"] for link in current["links"]}
        payload = {key: current[key] for key in LearningGoalIn.model_fields} | payload
    data = validate_body(LearningGoalIn, payload)
    return _save_learning_goal(request, access, goal, data)


@router.put(
    "/orgs/{org_slug}/learning-goals/{learning_goal_id}",
    response=LearningGoalOut,
    summary="Replace a learning goal",
    openapi_extra=body_schema(LearningGoalIn),
)
def learning_goal_replace(request, org_slug: str, learning_goal_id: PathId, payload: JsonBody):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    return _update_learning_goal(request, access, learning_goal_id, payload, partial=False)


@router.patch(
    "/orgs/{org_slug}/learning-goals/{learning_goal_id}",
    response=LearningGoalOut,
    summary="Change fields of a learning goal",
    openapi_extra=body_schema(LearningGoalIn, partial=True),
)
def learning_goal_update(request, org_slug: str, learning_goal_id: PathId, payload: JsonBody):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    return _update_learning_goal(request, access, learning_goal_id, payload, partial=True)


@router.delete(
    "/orgs/{org_slug}/learning-goals/{learning_goal_id}", response={204: None}, summary="Delete a learning goal"
)
def learning_goal_remove(request, org_slug: str, learning_goal_id: PathId):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    services.learning_goal_delete(
        goal=access.get(LearningGoal, pk=learning_goal_id), actor=access.token or request.user
    )
    return Status(204, None)


class ActivityLinkIn(Schema):
    activity: Id


class ActivityLinkOut(Schema):
    learning_goal: int
    activity: int


@router.post(
    "/orgs/{org_slug}/learning-goals/{learning_goal_id}/activities",
    response={200: ActivityLinkOut, 201: ActivityLinkOut},
    summary="Link an activity to a learning goal (201; 200 when it was linked already)",
    openapi_extra=body_schema(ActivityLinkIn),
)
def learning_goal_activity_add(request, org_slug: str, learning_goal_id: PathId, payload: JsonBody):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    goal = access.get(LearningGoal, pk=learning_goal_id)
    data = validate_body(ActivityLinkIn, payload)
    activity = _by_ids(access, Activity, [data.activity], "activity", _("activity"))[0]
    _link, created = services.activity_link_add(goal=goal, activity=activity, actor=access.token or request.user)
    return Status(201 if created else 200, {"learning_goal": goal.pk, "activity": activity.pk})


@router.delete(
    "/orgs/{org_slug}/learning-goals/{learning_goal_id}/activities/{activity_id}",
    response={204: None},
    summary="Remove the link between a learning goal and an activity",
)
def learning_goal_activity_remove(request, org_slug: str, learning_goal_id: PathId, activity_id: PathId):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    goal = access.get(LearningGoal, pk=learning_goal_id)
    activity = access.get(Activity, pk=activity_id)
    if not services.activity_link_remove(goal=goal, activity=activity, actor=access.token or request.user):
        raise HttpError(404, _("This activity is not linked to this learning goal."))
    return Status(204, None)


class SuggestionIn(Schema):
    learning_goal: Id
    activity: Id


@router.post(
    "/orgs/{org_slug}/rejected-suggestions",
    response={204: None},
    summary="Reject a suggested link so it is not suggested again (accept = link the activity)",
    openapi_extra=body_schema(SuggestionIn),
)
def suggestion_reject(request, org_slug: str, payload: JsonBody):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    data = validate_body(SuggestionIn, payload)
    goal = _by_ids(access, LearningGoal, [data.learning_goal], "learning_goal", _("learning goal"))[0]
    activity = _by_ids(access, Activity, [data.activity], "activity", _("activity"))[0]
    services.suggestion_reject(goal=goal, activity=activity, actor=access.token or request.user)
    return Status(204, None)


# --- golden thread -----------------------------------------------------------------------


SUGGESTIONS_SHOWN = 100  # the best ones; accepting or rejecting them brings up the next


class GapsOut(Schema):
    strategic_goals_without_learning_goals: list[int]
    learning_goals_without_activities: list[int]
    activities_without_learning_goals: list[int]
    learning_goals_without_measure: list[int]


class ShareTotalsOut(Schema):
    aligned_spend_share: float
    aligned_hours_share: float
    total_spend: float
    aligned_spend: float
    total_hours: float
    aligned_hours: float


class TeamShareOut(Schema):
    team: int | Literal["no_records"] | None
    aligned_spend_share: float
    aligned_hours_share: float
    spend: float
    hours: float


class TrendOut(Schema):
    period: str
    aligned_spend_share: float
    aligned_hours_share: float
    spend: float
    hours: float


class MatrixRowOut(Schema):
    strategic_goal: int
    learning_goals: list[int]


class SuggestionOut(Schema):
    activity: int
    learning_goal: int
    score: float


class GoldenThreadOut(Schema):
    aligned_spend_share: float
    aligned_hours_share: float
    total_spend: float
    aligned_spend: float
    total_hours: float
    aligned_hours: float
    period_start: date | None = pydantic.Field(description="Strategy period the shares above count in")
    period_end: date | None
    all_periods: ShareTotalsOut = pydantic.Field(description="The same shares over every activity, whatever its date")
    gaps: GapsOut
    by_team: list[TeamShareOut] = pydantic.Field(description="Split over the activities' target teams")
    by_participants: list[TeamShareOut] = pydantic.Field(
        description="Split over the teams of the participation records, in proportion to their number; "
        'team null: records without a team, "no_records": activities without records'
    )
    trend: list[TrendOut]
    matrix: list[MatrixRowOut]
    suggestions: list[SuggestionOut]


def _shares(row) -> dict:
    """The aligned shares and totals of one row of the report (a team's, a period's)."""
    return {
        "aligned_spend_share": row.spend.share,
        "aligned_hours_share": row.hours.share,
        "spend": row.spend.total,
        "hours": row.hours.total,
    }


@router.get(
    "/orgs/{org_slug}/golden-thread", response=GoldenThreadOut, summary="Golden thread: gaps and aligned shares"
)
def golden_thread(request, org_slug: str, period: Literal["year", "quarter"] = "year"):
    access = api_access(request, org_slug, EVERYONE)
    thread = selectors.thread_for(access.organization)
    report = gt.report(thread, trend_period=period, rejected=selectors.rejected_pairs(access.organization))
    return {
        **_share_totals(report.spend, report.hours),
        "period_start": report.period[0] if report.period else None,
        "period_end": report.period[1] if report.period else None,
        "all_periods": _share_totals(report.spend_all, report.hours_all),
        "gaps": report.gaps.as_dict(),
        "by_team": [{"team": row.team, **_shares(row)} for row in report.by_team],
        "by_participants": [{"team": row.team, **_shares(row)} for row in report.by_participants],
        "trend": [{"period": row.period, **_shares(row)} for row in report.trend],
        "matrix": [
            {
                "strategic_goal": sg.id,
                "learning_goals": [lg.id for lg, on in zip(thread.learning_goals, cells, strict=True) if on],
            }
            for sg, cells in report.matrix
        ],
        "suggestions": [
            {"activity": s.activity_id, "learning_goal": s.learning_goal_id, "score": round(s.score, 1)}
            for s in report.suggestions[:SUGGESTIONS_SHOWN]
        ],
    }


def _share_totals(spend: gt.Share, hours: gt.Share) -> dict:
    return {
        "aligned_spend_share": spend.share,
        "aligned_hours_share": hours.share,
        "total_spend": spend.total,
        "aligned_spend": spend.aligned,
        "total_hours": hours.total,
        "aligned_hours": hours.aligned,
    }
