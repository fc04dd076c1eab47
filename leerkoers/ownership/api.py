"""The step 4 API: the responsibility matrix, team learning plans, POPs (with the same
visibility rules as the pages: leerkoers.ownership.visibility) and the indicators."""

import datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from leerkoers.alignment.models import LearningGoal
from leerkoers.inventory.models import Activity
from leerkoers.lib.api_body import JsonBody, body_schema, validate_body
from leerkoers.lib.api_errors import STATE, conflict_on
from leerkoers.lib.api_schemas import ErrorOut
from leerkoers.orgs.access import EVERYONE, LEADERSHIP, MANAGING, STEERING, api_access
from leerkoers.orgs.models import Role, Team
from leerkoers.ownership import selectors, services
from leerkoers.ownership.models import ConversationKind, Layer, PlanStatus, Pop, TeamPlan, TeamPlanGoal
from leerkoers.ownership.teams import TeamTree
from leerkoers.ownership.visibility import (
    conversations_visible,
    own_pops,
    plan_for,
    plan_teams_writable,
    plannable_members,
    pop_for,
    pop_view,
    shared_with_me,
    team_plans_visible,
)

router = Router(tags=["ownership"])

Letter = Literal["R", "A", "C", "I", ""]


class ProcessOut(Schema):
    key: str
    name: str
    letters: dict[str, str] = Field(..., description="layer (board, hr, managers, employees) → R, A, C, I or empty")


class MatrixIn(Schema):
    rows: dict[str, dict[str, Letter]] = Field(..., description="process key → {layer: letter}; rows left out stay")


def _matrix_out(rows) -> list[dict]:
    return [{"key": row.key, "name": str(row), "letters": row.letters()} for row in rows]


@router.get("/orgs/{org_slug}/ownership/matrix", response=list[ProcessOut], summary="The responsibility matrix")
def matrix_get(request, org_slug: str):
    access = api_access(request, org_slug, EVERYONE)
    return _matrix_out(selectors.matrix(access.organization))


@router.put(
    "/orgs/{org_slug}/ownership/matrix",
    response={200: list[ProcessOut], 422: ErrorOut},
    summary="Change letters of the matrix (each process: exactly one A, at least one R)",
    openapi_extra=body_schema(MatrixIn),
)
def matrix_put(request, org_slug: str, payload: JsonBody):
    access = api_access(request, org_slug, STEERING, write=True)
    data = validate_body(MatrixIn, payload)
    unknown = {layer for row in data.rows.values() for layer in row} - set(Layer.values)
    if unknown:
        raise ValidationError({"rows": _("Unknown layer: %(layers)s.") % {"layers": ", ".join(sorted(unknown))}})
    rows = services.matrix_update(organization=access.organization, letters=data.rows, actor=request.auth)
    return _matrix_out(rows)


class TeamPlanGoalOut(Schema):
    id: UUID
    title: str
    learning_goal_id: int | None


class TeamPlanActivityOut(Schema):
    id: UUID
    activity_id: int | None
    title: str
    cost: Decimal | None


class TeamPlanOut(Schema):
    id: UUID
    team_id: int
    team: str
    year: int
    status: str
    review_date: datetime.date | None
    budget: Decimal | None
    spend: Decimal
    notes: str
    goals: list[TeamPlanGoalOut]
    activities: list[TeamPlanActivityOut]


def _plan_out(plan: TeamPlan) -> dict:
    return {
        "id": plan.public_id,
        "team_id": plan.team_id,
        "team": plan.team.name,
        "year": plan.year,
        "status": plan.status,
        "review_date": plan.review_date,
        "budget": plan.budget,
        "spend": plan.spend,
        "notes": plan.notes,
        "goals": [
            {"id": g.public_id, "title": g.title, "learning_goal_id": g.learning_goal_id} for g in plan.goals.all()
        ],
        "activities": [
            {"id": a.public_id, "activity_id": a.activity_id, "title": str(a), "cost": a.cost}
            for a in plan.activities.all()
        ],
    }


@router.get("/orgs/{org_slug}/ownership/team-plans", response=list[TeamPlanOut], summary="Team plans you may read")
def team_plan_list(request, org_slug: str):
    access = api_access(request, org_slug, EVERYONE)
    plans = team_plans_visible(access, TeamTree.of(access.organization))
    return [_plan_out(p) for p in plans.select_related("team").prefetch_related("goals", "activities__activity")]


class TeamPlanIn(Schema):
    team_id: int
    year: int = Field(..., ge=2000, le=2100)


@router.post(
    "/orgs/{org_slug}/ownership/team-plans",
    response={201: TeamPlanOut, 422: ErrorOut},
    summary="Start a team's learning plan for a year",
    openapi_extra=body_schema(TeamPlanIn),
)
def team_plan_create(request, org_slug: str, payload: JsonBody):
    access = api_access(request, org_slug, MANAGING, write=True)
    data = validate_body(TeamPlanIn, payload)
    team = access.filter(Team, pk=data.team_id).first()
    writable = plan_teams_writable(access, TeamTree.of(access.organization))
    if team is None or (writable is not None and team.pk not in writable):
        raise ValidationError({"team_id": _("Choose a team you manage.")})
    plan = services.team_plan_create(organization=access.organization, team=team, year=data.year, actor=request.auth)
    return Status(201, _plan_out(plan))


@router.get("/orgs/{org_slug}/ownership/team-plans/{team_plan_uuid}", response=TeamPlanOut, summary="A team plan")
def team_plan_detail(request, org_slug: str, team_plan_uuid: UUID):
    access = api_access(request, org_slug, EVERYONE)
    plan, _editable = plan_for(access, team_plan_uuid)
    return _plan_out(plan)


class TeamPlanPatch(Schema):
    status: PlanStatus | None = None
    review_date: datetime.date | None = None
    budget: Decimal | None = Field(None, ge=0)
    spend: Decimal | None = Field(None, ge=0)
    notes: str | None = None


@router.patch(
    "/orgs/{org_slug}/ownership/team-plans/{team_plan_uuid}",
    response={200: TeamPlanOut, 422: ErrorOut},
    summary="Change status, review date, budget, spend or notes",
    openapi_extra=body_schema(TeamPlanPatch),
)
def team_plan_patch(request, org_slug: str, team_plan_uuid: UUID, payload: JsonBody):
    access = api_access(request, org_slug, MANAGING, write=True)
    plan, _editable = plan_for(access, team_plan_uuid, write=True)
    data = validate_body(TeamPlanPatch, payload)
    fields = data.model_dump(exclude_unset=True)
    plan = services.team_plan_update(plan=plan, actor=request.auth, **fields)
    return _plan_out(plan)


class GoalIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    learning_goal_id: int | None = None


class TeamActivityIn(Schema):
    activity_id: int | None = None
    title: str = Field("", max_length=300)
    cost: Decimal | None = Field(None, ge=0)


def _own(access, model, pk):
    """The organisation's row, or a 422 naming the field: a body's id of another tenant is bad input."""
    if pk is None:
        return None
    found = access.filter(model, pk=pk).first()
    if found is None:
        raise ValidationError({f"{model._meta.model_name}_id": _("Not found in this organisation.")})
    return found


@router.post(
    "/orgs/{org_slug}/ownership/team-plans/{team_plan_uuid}/goals",
    response={201: TeamPlanOut, 422: ErrorOut},
    summary="Add a team learning goal",
    openapi_extra=body_schema(GoalIn),
)
def team_plan_goal_add(request, org_slug: str, team_plan_uuid: UUID, payload: JsonBody):
    access = api_access(request, org_slug, MANAGING, write=True)
    plan, _editable = plan_for(access, team_plan_uuid, write=True)
    data = validate_body(GoalIn, payload)
    learning_goal = _own(access, LearningGoal, data.learning_goal_id)
    services.team_plan_goal_add(plan=plan, title=data.title, learning_goal=learning_goal, actor=request.auth)
    return Status(201, _plan_out(plan))


@router.post(
    "/orgs/{org_slug}/ownership/team-plans/{team_plan_uuid}/activities",
    response={201: TeamPlanOut, 422: ErrorOut},
    summary="Add a chosen activity (of the inventory, or new)",
    openapi_extra=body_schema(TeamActivityIn),
)
def team_plan_activity_add(request, org_slug: str, team_plan_uuid: UUID, payload: JsonBody):
    access = api_access(request, org_slug, MANAGING, write=True)
    plan, _editable = plan_for(access, team_plan_uuid, write=True)
    data = validate_body(TeamActivityIn, payload)
    activity = _own(access, Activity, data.activity_id)
    services.team_plan_activity_add(plan=plan, activity=activity, title=data.title, cost=data.cost, actor=request.auth)
    return Status(201, _plan_out(plan))


class PopVersionOut(Schema):
    number: int
    agreed_on: datetime.date
    agreed_by: str
    content: dict


class PopOut(Schema):
    id: UUID
    year: int
    status: str
    member: str
    team: str | None
    share_with_hr: bool
    agreed_on: datetime.date | None
    learning_goals: list[str] = Field(..., description="titles of the organisation learning goals it serves")
    content: dict | None = Field(None, description="null where the caller may not read the content")
    manager_comment: str | None = None
    versions: list[PopVersionOut] | None = Field(None, description="the agreed versions; null where not readable")


def _pop_out(pop: Pop, view) -> dict:
    return {
        "id": pop.public_id,
        "year": pop.year,
        "status": pop.status,
        "member": pop.member.user.full_name or pop.member.user.email,
        "team": pop.member.team.name if pop.member.team_id else None,
        "share_with_hr": pop.share_with_hr,
        "agreed_on": pop.agreed_on,
        "learning_goals": selectors.linked_learning_goals(pop),
        "content": services.pop_content(pop) if view.content else None,
        "manager_comment": pop.manager_comment if view.content else None,
        "versions": [
            {"number": v.number, "agreed_on": v.agreed_on, "agreed_by": v.agreed_by_name, "content": v.content}
            for v in pop.versions.all()
        ]
        if view.versions
        else None,
    }


@router.get(
    "/orgs/{org_slug}/ownership/pops",
    response=list[PopOut],
    summary="The POPs you may know of: your own, those shared with you, and for HR every POP's state",
)
def pop_list(request, org_slug: str, limit: int = 100, offset: int = 0):
    access = api_access(request, org_slug, EVERYONE)
    tree = TeamTree.of(access.organization)
    if access.role == Role.ADMIN:
        pops = access.filter(Pop)
    else:
        pops = own_pops(access) | shared_with_me(access, tree)
    pops = (
        pops.select_related("member__user", "member__team")
        .prefetch_related("goals__learning_goal", "goals__team_goal", "activities__activity", "versions")
        .order_by("-year", "pk")
    )
    limit = max(1, min(limit, 500))
    return [_pop_out(pop, pop_view(access, pop, tree)) for pop in pops[max(offset, 0) : max(offset, 0) + limit]]


class PopIn(Schema):
    year: int = Field(..., ge=2000, le=2100)


@router.post(
    "/orgs/{org_slug}/ownership/pops",
    response={201: PopOut, 422: ErrorOut},
    summary="Start your own POP for a year",
    openapi_extra=body_schema(PopIn),
)
def pop_create(request, org_slug: str, payload: JsonBody):
    access = api_access(request, org_slug, EVERYONE, write=True)
    data = validate_body(PopIn, payload)
    pop = services.pop_create(member=access.membership, year=data.year, actor=request.auth)
    return Status(201, _pop_out(pop, pop_view(access, pop)))


@router.get("/orgs/{org_slug}/ownership/pops/{pop_uuid}", response=PopOut, summary="A POP, as far as you may read it")
def pop_detail(request, org_slug: str, pop_uuid: UUID):
    access = api_access(request, org_slug, EVERYONE)
    pop, view = pop_for(access, pop_uuid)
    return _pop_out(pop, view)


class PopPatch(Schema):
    support_needed: str | None = Field(None, max_length=5000)
    hours_asked: Decimal | None = Field(None, ge=0)
    budget_asked: Decimal | None = Field(None, ge=0)
    share_with_hr: bool | None = None


@router.patch(
    "/orgs/{org_slug}/ownership/pops/{pop_uuid}",
    response={200: PopOut, 409: ErrorOut, 422: ErrorOut},
    summary="Change your own POP",
    openapi_extra=body_schema(PopPatch),
)
def pop_patch(request, org_slug: str, pop_uuid: UUID, payload: JsonBody):
    access = api_access(request, org_slug, EVERYONE, write=True)
    pop, view = pop_for(access, pop_uuid)
    data = validate_body(PopPatch, payload)
    with conflict_on(STATE):
        pop = services.pop_update(
            pop=pop, by=access.membership, actor=request.auth, **data.model_dump(exclude_unset=True)
        )
    return _pop_out(pop, view)


class PopGoalIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    learning_goal_id: int | None = None
    team_goal_id: UUID | None = None


@router.post(
    "/orgs/{org_slug}/ownership/pops/{pop_uuid}/goals",
    response={201: PopOut, 409: ErrorOut, 422: ErrorOut},
    summary="Add a goal to your own POP",
    openapi_extra=body_schema(PopGoalIn),
)
def pop_goal_add(request, org_slug: str, pop_uuid: UUID, payload: JsonBody):
    access = api_access(request, org_slug, EVERYONE, write=True)
    pop, view = pop_for(access, pop_uuid)
    data = validate_body(PopGoalIn, payload)
    team_goal = None
    if data.team_goal_id is not None:
        team_goal = access.filter(TeamPlanGoal, public_id=data.team_goal_id).first()
        if team_goal is None:
            raise ValidationError({"team_goal_id": _("Not found in this organisation.")})
    with conflict_on(STATE):
        services.pop_goal_add(
            pop=pop,
            by=access.membership,
            title=data.title,
            learning_goal=_own(access, LearningGoal, data.learning_goal_id),
            team_goal=team_goal,
            actor=request.auth,
        )
    return Status(201, _pop_out(pop, view))


class PopActivityIn(Schema):
    activity_id: int | None = None
    title: str = Field("", max_length=300)


@router.post(
    "/orgs/{org_slug}/ownership/pops/{pop_uuid}/activities",
    response={201: PopOut, 409: ErrorOut, 422: ErrorOut},
    summary="Add a chosen activity to your own POP",
    openapi_extra=body_schema(PopActivityIn),
)
def pop_activity_add(request, org_slug: str, pop_uuid: UUID, payload: JsonBody):
    access = api_access(request, org_slug, EVERYONE, write=True)
    pop, view = pop_for(access, pop_uuid)
    data = validate_body(PopActivityIn, payload)
    with conflict_on(STATE):
        services.pop_activity_add(
            pop=pop,
            by=access.membership,
            activity=_own(access, Activity, data.activity_id),
            title=data.title,
            actor=request.auth,
        )
    return Status(201, _pop_out(pop, view))


class TransitionIn(Schema):
    action: Literal["share", "agree", "send_back", "start", "complete", "revise"]
    comment: str = Field("", max_length=5000)


@router.post(
    "/orgs/{org_slug}/ownership/pops/{pop_uuid}/transitions",
    response={200: PopOut, 409: ErrorOut, 422: ErrorOut},
    summary="Share, agree, send back, start, complete or revise a POP",
    openapi_extra=body_schema(TransitionIn),
)
def pop_transition(request, org_slug: str, pop_uuid: UUID, payload: JsonBody):
    access = api_access(request, org_slug, EVERYONE, write=True)
    pop, _view = pop_for(access, pop_uuid)
    data = validate_body(TransitionIn, payload)
    with conflict_on(STATE):
        pop = services.pop_transition(
            pop=pop, action=data.action, by=access.membership, comment=data.comment, actor=request.auth
        )
    return _pop_out(pop, pop_view(access, pop))


class ShareOut(Schema):
    part: int
    whole: int
    value: float | None


class TeamCoverageOut(Schema):
    team: str
    members: int | None = Field(..., description="null: hidden, a small group or needed to protect one")
    agreed: ShareOut | None


class TeamTrendOut(Schema):
    team: str
    members: int | None = Field(..., description="null: hidden, a small group or needed to protect one")
    quarters: dict[str, ShareOut] = Field(..., description="empty when the team is hidden")


class TeamConversationsOut(Schema):
    team: str
    people: int | None = Field(..., description="members with a conversation held; null: hidden (a small group)")
    follow_up: ShareOut | None = Field(..., description="held with a follow-up ÷ held; null when hidden or none held")


class IndicatorsOut(Schema):
    year: int
    team_plans: ShareOut
    pops: ShareOut | None = Field(..., description="null when the organisation is below the anonymity threshold")
    pops_by_team: list[TeamCoverageOut]
    pops_by_quarter: dict[str, ShareOut]
    pops_by_team_and_quarter: list[TeamTrendOut] = Field(
        ..., description="share with an agreed POP at the end of each quarter, per team; the same teams hidden"
    )
    initiatives: ShareOut
    initiatives_by_quarter: dict[str, ShareOut]
    conversations: ShareOut | None = Field(
        ...,
        description="held conversations of the year with a follow-up ÷ held; null when fewer members than the "
        "threshold had one",
    )
    conversations_by_team: list[TeamConversationsOut]
    conversations_by_quarter: dict[str, ShareOut | None] = Field(
        ..., description="per quarter held (only quarters with a conversation held); null: hidden"
    )
    anonymity_threshold: int


def _share(share) -> dict | None:
    return None if share is None else {"part": share.part, "whole": share.whole, "value": share.value}


@router.get("/orgs/{org_slug}/ownership/indicators", response=IndicatorsOut, summary="Ownership indicators")
def indicators(request, org_slug: str, year: int | None = None):
    access = api_access(request, org_slug, LEADERSHIP)
    found = selectors.indicators_for(access.organization, year if year and 2000 <= year <= 2100 else None)
    return {
        "year": found.year,
        "team_plans": _share(found.team_plans),
        "pops": _share(found.pops.overall),
        "pops_by_team": [
            {"team": row.team, "members": row.members, "agreed": _share(row.agreed)} for row in found.pops.teams
        ],
        "pops_by_quarter": {quarter: _share(share) for quarter, share in found.pop_trend},
        "pops_by_team_and_quarter": [
            {"team": row.team, "members": row.members, "quarters": {q: _share(share) for q, share in row.quarters}}
            for row in found.pop_trend_by_team
        ],
        "initiatives": _share(found.initiatives.overall),
        "initiatives_by_quarter": {quarter: _share(share) for quarter, share in found.initiatives.by_quarter},
        "conversations": _share(found.conversations.overall),
        "conversations_by_team": [
            {"team": row.team, "people": row.people, "follow_up": _share(row.follow_up)}
            for row in found.conversations.teams
        ],
        "conversations_by_quarter": {quarter: _share(share) for quarter, share in found.conversations.by_quarter},
        "anonymity_threshold": found.pops.minimum,
    }


class ConversationOut(Schema):
    id: UUID
    kind: str
    member_id: int
    member: str
    manager_id: int | None
    planned_on: datetime.date
    held_on: datetime.date | None
    follow_up: str


def _conversation_out(c) -> dict:
    return {
        "id": c.public_id,
        "kind": c.kind,
        "member_id": c.member_id,
        "member": c.member.user.full_name or c.member.user.email,
        "manager_id": c.manager_id,
        "planned_on": c.planned_on,
        "held_on": c.held_on,
        "follow_up": c.follow_up,
    }


@router.get(
    "/orgs/{org_slug}/ownership/conversations",
    response=list[ConversationOut],
    summary="Conversations of the HR cycle you take part in or manage (HR: all)",
)
def conversation_list(request, org_slug: str, limit: int = 200, offset: int = 0):
    access = api_access(request, org_slug, EVERYONE)
    listed = conversations_visible(access, TeamTree.of(access.organization)).select_related("member__user")
    offset, limit = max(offset, 0), max(1, min(limit, 1000))
    return [_conversation_out(c) for c in listed[offset : offset + limit]]


class ConversationIn(Schema):
    member_id: int
    kind: ConversationKind
    planned_on: datetime.date


@router.post(
    "/orgs/{org_slug}/ownership/conversations",
    response={201: ConversationOut, 422: ErrorOut},
    summary="Plan a conversation with a member of your teams (HR: anyone)",
    openapi_extra=body_schema(ConversationIn),
)
def conversation_create(request, org_slug: str, payload: JsonBody):
    access = api_access(request, org_slug, MANAGING, write=True)
    data = validate_body(ConversationIn, payload)
    member = plannable_members(access, TeamTree.of(access.organization)).filter(pk=data.member_id).first()
    if member is None:
        raise ValidationError({"member_id": _("Choose a member of your teams.")})
    conversation = services.conversation_plan(
        organization=access.organization, member=member, kind=data.kind, planned_on=data.planned_on, actor=request.auth
    )
    return Status(201, _conversation_out(conversation))
