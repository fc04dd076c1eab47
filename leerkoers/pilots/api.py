"""The pilots API: pilots with their design, the design check, effects, the random draw,
start, rule changes, evaluation and the decision — the same services as the pages."""

from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

import pydantic
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from leerkoers.alignment.models import Kpi, LearningGoal
from leerkoers.inventory.models import Activity
from leerkoers.jobs.api import JobOut
from leerkoers.jobs.invitations import invitations_job
from leerkoers.lib.api_body import JsonBody, body_schema, validate_body
from leerkoers.lib.api_errors import conflict_on
from leerkoers.lib.api_schemas import ErrorOut
from leerkoers.lib.params import IdList
from leerkoers.orgs.access import EVERYONE, LEADERSHIP, api_access
from leerkoers.orgs.models import Team
from leerkoers.pilots import selectors, services
from leerkoers.pilots.decision import Outcome, rule_text
from leerkoers.pilots.models import Arm, EvaluationForm, EvaluationInvitation, Pilot
from leerkoers.ratelimit.limiter import retry_after, too_many_requests

router = Router(tags=["pilots"])


class PilotMessageOut(Schema):
    detail: str


Money = pydantic.condecimal(ge=0, max_digits=12, decimal_places=2)


class PilotIn(Schema):
    title: str = pydantic.Field(min_length=1, max_length=200)
    hypothesis: str = pydantic.Field(min_length=1, max_length=2000)
    template: Literal["", "learning_goals", "training_kpi", "lms"] = ""
    assignment: Literal["matched", "convenience", "random"] = pydantic.Field(
        "convenience", description="random only for a pilot whose teams were drawn (POST …/draw) and are kept"
    )
    pilot_teams: IdList
    comparison_teams: IdList = []
    kpis: IdList = []
    learning_goals: IdList = []
    activities: IdList = []
    baseline_start: date | None = None
    start: date | None = None
    end: date | None = None
    follow_up_dates: list[date] = pydantic.Field(default_factory=list, max_length=50)
    evaluation_plan: str = pydantic.Field(default="", max_length=4000)
    fees: Money = Decimal(0)
    hours: pydantic.condecimal(ge=0, max_digits=10, decimal_places=2) = Decimal(0)
    hourly_cost: Money = Decimal(0)
    materials: Money = Decimal(0)
    scale_up_min: pydantic.condecimal(max_digits=14, decimal_places=4) = Decimal(1)
    max_p: pydantic.condecimal(ge=Decimal("0.001"), le=Decimal("0.5"), max_digits=4, decimal_places=3) = Decimal("0.1")
    stop_max: pydantic.condecimal(max_digits=14, decimal_places=4) = Decimal(0)


class PilotOut(Schema):
    id: UUID
    title: str
    hypothesis: str
    template: str
    status: str
    assignment: str
    draw_seed: int | None
    draw_candidates: list[int]
    pilot_teams: list[int]
    comparison_teams: list[int]
    kpis: list[int]
    baseline_start: date | None
    start: date | None
    end: date | None
    follow_up_dates: list[date]
    evaluation_plan: str
    cost: Decimal = pydantic.Field(description="fully loaded: fees + hours × hourly cost + materials")
    rule: str
    rule_locked: bool
    decision: str
    decision_reason: str
    lessons: str
    scale_up_start: date | None
    scale_up_end: date | None


def _pilot_out(pilot: Pilot) -> dict:
    teams = list(pilot.teams.all())
    return {
        "id": pilot.public_id,
        "title": pilot.title,
        "hypothesis": pilot.hypothesis,
        "template": pilot.template,
        "status": pilot.status,
        "assignment": pilot.assignment,
        "draw_seed": pilot.draw_seed,
        "draw_candidates": pilot.draw_candidates,
        "pilot_teams": sorted(t.team_id for t in teams if t.arm == Arm.PILOT),
        "comparison_teams": sorted(t.team_id for t in teams if t.arm == Arm.COMPARISON),
        "kpis": sorted(k.kpi_id for k in pilot.kpi_links.all()),
        "baseline_start": pilot.baseline_start,
        "start": pilot.start,
        "end": pilot.end,
        "follow_up_dates": pilot.follow_up_dates,
        "evaluation_plan": pilot.evaluation_plan,
        "cost": pilot.cost,
        "rule": rule_text(pilot.rule),
        "rule_locked": pilot.rule_locked_at is not None,
        "decision": pilot.decision,
        "decision_reason": pilot.decision_reason,
        "lessons": pilot.lessons,
        "scale_up_start": pilot.scale_up_start,
        "scale_up_end": pilot.scale_up_end,
    }


def _by_ids(access, model, ids: list[int], field: str) -> list:
    ids = list(dict.fromkeys(ids))
    found = {obj.pk: obj for obj in access.filter(model, pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({field: _("Unknown ids: %(ids)s.") % {"ids": ", ".join(map(str, missing))}})
    return [found[i] for i in ids]


def _get(access, pilot_uuid: UUID) -> Pilot:
    access.get(Pilot, public_id=pilot_uuid)  # 404 for what is not this organisation's
    return selectors.pilot_queryset(access.organization).get(public_id=pilot_uuid)


def _actor(request, access):
    return access.token or request.user


@router.get("/orgs/{org_slug}/pilots", response=list[PilotOut], summary="Pilots")
def pilot_list(request, org_slug: str):
    access = api_access(request, org_slug, EVERYONE)
    return [_pilot_out(p) for p in selectors.pilot_queryset(access.organization)]


@router.post(
    "/orgs/{org_slug}/pilots",
    response={201: PilotOut},
    summary="Design a pilot",
    openapi_extra=body_schema(PilotIn),
)
def pilot_create(request, org_slug: str, payload: JsonBody):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    data = validate_body(PilotIn, payload)
    return Status(201, _save(request, access, data))


def _save(request, access, data: PilotIn, pilot: Pilot | None = None) -> dict:
    fields = data.model_dump(exclude={"pilot_teams", "comparison_teams", "kpis", "learning_goals", "activities"})
    fields["follow_up_dates"] = [d.isoformat() for d in data.follow_up_dates]
    with conflict_on(services.STATE):
        saved = services.pilot_save(
            organization=access.organization,
            actor=_actor(request, access),
            pilot=pilot,
            fields=fields,
            pilot_teams=_by_ids(access, Team, data.pilot_teams, "pilot_teams"),
            comparison_teams=_by_ids(access, Team, data.comparison_teams, "comparison_teams"),
            kpis=_by_ids(access, Kpi, data.kpis, "kpis"),
            learning_goals=_by_ids(access, LearningGoal, data.learning_goals, "learning_goals"),
            activities=_by_ids(access, Activity, data.activities, "activities"),
        )
    return _pilot_out(_get(access, saved.public_id))


@router.put(
    "/orgs/{org_slug}/pilots/{pilot_uuid}",
    response=PilotOut,
    summary="Change the design of a pilot that has not started (the whole design, as for creating)",
    openapi_extra=body_schema(PilotIn),
)
def pilot_update(request, org_slug: str, pilot_uuid: UUID, payload: JsonBody):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    pilot = _get(access, pilot_uuid)
    data = validate_body(PilotIn, payload)
    return _save(request, access, data, pilot)


@router.get("/orgs/{org_slug}/pilots/{pilot_uuid}", response=PilotOut, summary="A pilot")
def pilot_detail(request, org_slug: str, pilot_uuid: UUID):
    access = api_access(request, org_slug, EVERYONE)
    return _pilot_out(_get(access, pilot_uuid))


class PilotDesignCheckOut(Schema):
    kpi: int
    strength: str
    n_pilot: int
    n_comparison: int
    minimum_p: float | None = pydantic.Field(description="1 / C(N, k); null without comparison teams")
    can_convince: bool
    sigma: float | None
    minimum_detectable_effect: float | None
    messages: list[str]
    fixes: list[str]


@router.get(
    "/orgs/{org_slug}/pilots/{pilot_uuid}/design-check",
    response=list[PilotDesignCheckOut],
    summary="What the design can show, per KPI",
)
def pilot_design_check(request, org_slug: str, pilot_uuid: UUID):
    access = api_access(request, org_slug, EVERYONE)
    analysis = selectors.analyse(_get(access, pilot_uuid))
    return [
        {
            "kpi": k.kpi.pk,
            "strength": k.design.strength,
            "n_pilot": k.design.n_pilot,
            "n_comparison": k.design.n_comparison,
            "minimum_p": float(k.design.minimum_p) if k.design.minimum_p is not None else None,
            "can_convince": k.design.can_convince,
            "sigma": k.design.sigma,
            "minimum_detectable_effect": k.design.mde,
            "messages": k.design.messages,
            "fixes": k.design.fixes,
        }
        for k in analysis.kpis
    ]


class PilotEffectOut(Schema):
    kpi: int
    verdict: str
    explanation: str
    with_comparison: bool
    teams_with_data: dict[str, int]
    measurements_before: dict[str, int]
    measurements_after: dict[str, int]
    effect: float | None = pydantic.Field(description="DiD (or the before/after change); null below the minimum data")
    percent: float | None
    interval: list[float] | None
    interval_level: float | None
    p_value: float | None
    assignments: int | None
    exact: bool | None
    rule_says: str | None


@router.get("/orgs/{org_slug}/pilots/{pilot_uuid}/effects", response=list[PilotEffectOut], summary="Effect per KPI")
def pilot_effects(request, org_slug: str, pilot_uuid: UUID):
    access = api_access(request, org_slug, EVERYONE)
    analysis = selectors.analyse(_get(access, pilot_uuid))
    out = []
    for k in analysis.kpis:
        r = k.result
        out.append(
            {
                "kpi": k.kpi.pk,
                "verdict": r.verdict,
                "explanation": r.explanation,
                "with_comparison": r.with_comparison,
                "teams_with_data": {Arm.PILOT: r.n_pilot, Arm.COMPARISON: r.n_comparison},
                "measurements_before": k.before_counts,
                "measurements_after": k.after_counts,
                "effect": r.effect,
                "percent": r.percent,
                "interval": [r.interval.low, r.interval.high] if r.interval else None,
                "interval_level": r.interval.level if r.interval else None,
                "p_value": r.p_value,
                "assignments": r.permutation.assignments if r.permutation else None,
                "exact": r.permutation.exact if r.permutation else None,
                "rule_says": k.rule_says,
            }
        )
    return out


class PilotDrawIn(Schema):
    candidates: IdList = pydantic.Field(min_length=2)
    n_pilot: int = pydantic.Field(ge=1, le=1000)
    seed: int | None = pydantic.Field(None, ge=0, lt=2**63, description="random when left out; always recorded")


@router.post(
    "/orgs/{org_slug}/pilots/{pilot_uuid}/draw",
    response=PilotOut,
    summary="Draw the pilot teams at random",
    openapi_extra=body_schema(PilotDrawIn),
)
def pilot_draw(request, org_slug: str, pilot_uuid: UUID, payload: JsonBody):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    pilot = _get(access, pilot_uuid)
    data = validate_body(PilotDrawIn, payload)
    candidates = _by_ids(access, Team, data.candidates, "candidates")
    with conflict_on(services.STATE):
        services.pilot_draw(
            pilot=pilot,
            candidates=candidates,
            n_pilot=data.n_pilot,
            seed=data.seed,
            actor=_actor(request, access),
        )
    return _pilot_out(_get(access, pilot_uuid))


@router.post("/orgs/{org_slug}/pilots/{pilot_uuid}/start", response=PilotOut, summary="Start (locks the rule)")
def pilot_start(request, org_slug: str, pilot_uuid: UUID):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    with conflict_on(services.STATE):
        services.pilot_start(pilot=_get(access, pilot_uuid), actor=_actor(request, access))
    return _pilot_out(_get(access, pilot_uuid))


class PilotRuleIn(Schema):
    scale_up_min: pydantic.condecimal(max_digits=14, decimal_places=4)
    max_p: pydantic.condecimal(ge=Decimal("0.001"), le=Decimal("0.5"), max_digits=4, decimal_places=3)
    stop_max: pydantic.condecimal(max_digits=14, decimal_places=4)
    reason: str = pydantic.Field(default="", max_length=2000)


@router.post(
    "/orgs/{org_slug}/pilots/{pilot_uuid}/rule",
    response=PilotOut,
    summary="Change the decision rule (after the start: with a reason, kept with its date)",
    openapi_extra=body_schema(PilotRuleIn),
)
def pilot_rule(request, org_slug: str, pilot_uuid: UUID, payload: JsonBody):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    pilot = _get(access, pilot_uuid)
    data = validate_body(PilotRuleIn, payload)
    with conflict_on(services.STATE):
        services.pilot_rule_change(pilot=pilot, actor=_actor(request, access), **data.model_dump())
    return _pilot_out(_get(access, pilot_uuid))


@router.post("/orgs/{org_slug}/pilots/{pilot_uuid}/evaluate", response=PilotOut, summary="Move to evaluation")
def pilot_evaluate(request, org_slug: str, pilot_uuid: UUID):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    with conflict_on(services.STATE):
        services.pilot_evaluate(pilot=_get(access, pilot_uuid), actor=_actor(request, access))
    return _pilot_out(_get(access, pilot_uuid))


class PilotDecisionIn(Schema):
    decision: Literal[Outcome.SCALE_UP.value, Outcome.ADJUST.value, Outcome.STOP.value]
    reason: str = pydantic.Field(min_length=1, max_length=4000)
    lessons: str = pydantic.Field(default="", max_length=4000)
    scale_up_teams: IdList = []
    scale_up_start: date | None = None
    scale_up_end: date | None = None


@router.post(
    "/orgs/{org_slug}/pilots/{pilot_uuid}/decision",
    response=PilotOut,
    summary="Decide: scale up, adjust or stop",
    openapi_extra=body_schema(PilotDecisionIn),
)
def pilot_decide(request, org_slug: str, pilot_uuid: UUID, payload: JsonBody):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    pilot = _get(access, pilot_uuid)
    data = validate_body(PilotDecisionIn, payload)
    with conflict_on(services.STATE):
        services.pilot_decide(
            pilot=pilot,
            actor=_actor(request, access),
            decision=data.decision,
            reason=data.reason,
            lessons=data.lessons,
            scale_up_teams=_by_ids(access, Team, data.scale_up_teams, "scale_up_teams"),
            scale_up_start=data.scale_up_start,
            scale_up_end=data.scale_up_end,
        )
    return _pilot_out(_get(access, pilot_uuid))


# --- evaluation forms ---------------------------------------------------------------------


class PilotFormIn(Schema):
    level: Literal[1, 2, 3] = pydantic.Field(description="1 reaction, 2 learning, 3 behaviour (4 is the KPIs)")
    audience: Literal["participant", "manager"]
    invited: int | None = pydantic.Field(None, ge=1, le=100_000, description="people asked, for the response rate")


class PilotQuestionOut(Schema):
    key: str
    text: str
    mean: float | None = pydantic.Field(description="null while the form has fewer responses than the threshold")


class PilotFormOut(Schema):
    id: UUID
    level: int
    audience: str
    ltem_tier: int
    link: str = pydantic.Field(
        description="the shared link: its responses are unverified and count towards the threshold only as distinct "
        "answers; personal links (POST …/invitations) count one each"
    )
    invited: int | None = pydantic.Field(description="people given the shared link, as entered")
    personal_links: int = pydantic.Field(description="single-use personal links e-mailed")
    responses: int | None = pydantic.Field(
        description="null when hidden (fewer than the anonymity threshold, or fewer distinct respondents)"
    )
    hidden: str = pydantic.Field(description='why hidden: "primary", "complementary", "distinct", or ""')
    response_rate: float | None
    questions: list[PilotQuestionOut]


def _forms_out(pilot: Pilot) -> list[dict]:
    report = selectors.evaluation_of(pilot, selectors.analyse(pilot).kpis)
    return [
        {
            "id": row.form.public_id,
            "level": row.form.level,
            "audience": row.form.audience,
            "ltem_tier": row.result.ltem_tier,
            "link": reverse("pilots_public:respond", kwargs={"token": row.form.token}),
            "invited": row.form.invited,
            "personal_links": row.personal_links,
            "responses": row.result.responses,
            "hidden": row.result.suppressed,
            "response_rate": row.result.response_rate,
            "questions": [{"key": key, "text": text, "mean": mean} for key, text, mean in row.questions],
        }
        for row in report.rows
    ]


@router.get(
    "/orgs/{org_slug}/pilots/{pilot_uuid}/forms", response=list[PilotFormOut], summary="Evaluation forms and results"
)
def form_list(request, org_slug: str, pilot_uuid: UUID):
    access = api_access(request, org_slug, LEADERSHIP)
    return _forms_out(_get(access, pilot_uuid))


@router.post(
    "/orgs/{org_slug}/pilots/{pilot_uuid}/forms",
    response={201: list[PilotFormOut]},
    summary="Make an evaluation form with its private link",
    openapi_extra=body_schema(PilotFormIn),
)
def form_create(request, org_slug: str, pilot_uuid: UUID, payload: JsonBody):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    pilot = _get(access, pilot_uuid)
    data = validate_body(PilotFormIn, payload)
    with conflict_on(services.STATE):
        services.evaluation_form_create(pilot=pilot, actor=_actor(request, access), **data.model_dump())
    return Status(201, _forms_out(pilot))


class PilotInviteIn(Schema):
    teams: IdList = pydantic.Field(
        default_factory=list, description="teams of this pilot: their members (a managers' form: their managers)"
    )
    emails: list[pydantic.constr(max_length=254)] = pydantic.Field(default_factory=list, max_length=services.MAX_EMAILS)


class PilotInvitationsOut(Schema):
    personal_links: int = pydantic.Field(description="personal links e-mailed to this form so far")
    job: JobOut | None = pydantic.Field(description="the latest e-mailing: progress and outcome")


def _invitations_out(form: EvaluationForm) -> dict:
    return {
        "personal_links": EvaluationInvitation.objects.filter(organization=form.organization, form=form).count(),
        "job": invitations_job(services.PERSONAL_LINKS, form),
    }


def _form(access, evaluation_form_uuid: UUID) -> EvaluationForm:
    return access.get(EvaluationForm, public_id=evaluation_form_uuid)


@router.get(
    "/orgs/{org_slug}/pilots/forms/{evaluation_form_uuid}/invitations",
    response=PilotInvitationsOut,
    summary="Personal links of an evaluation form: how many were sent, and the latest e-mailing's progress",
)
def form_invitations(request, org_slug: str, evaluation_form_uuid: UUID):
    access = api_access(request, org_slug, LEADERSHIP)
    return _invitations_out(_form(access, evaluation_form_uuid))


@router.post(
    "/orgs/{org_slug}/pilots/forms/{evaluation_form_uuid}/invitations",
    response={202: PilotInvitationsOut},
    summary="E-mail single-use personal links to members of the pilot's teams and to typed addresses",
    openapi_extra=body_schema(PilotInviteIn),
)
def form_invite(request, org_slug: str, evaluation_form_uuid: UUID, payload: JsonBody):
    access = api_access(request, org_slug, LEADERSHIP, write=True)
    form = _form(access, evaluation_form_uuid)
    data = validate_body(PilotInviteIn, payload)
    with conflict_on(services.STATE):
        services.evaluation_invite(
            form=form,
            teams=_by_ids(access, Team, data.teams, "teams"),
            emails=[str(e) for e in data.emails],
            actor=_actor(request, access),
            language=translation.get_language() or "nl",
        )
    return Status(202, _invitations_out(form))


class PilotPublicFormOut(Schema):
    pilot: str
    level: int
    audience: str
    questions: list[PilotQuestionOut]


def _public_link(token: str) -> services.Link:
    link = services.link_resolve(token)
    if link is None:
        raise HttpError(404, _("This link is not known."))
    return link


@router.get(
    "/pilot-forms/{token}",
    response={200: PilotPublicFormOut, 404: ErrorOut},
    auth=None,
    summary="An evaluation form by its private link: the questions (answers 1–5)",
)
def public_form(request, token: str):
    form = _public_link(token).form
    questions = services.evaluation_form_questions(form)
    return {
        "pilot": form.pilot.title,
        "level": form.level,
        "audience": form.audience,
        "questions": [{"key": key, "text": str(text), "mean": None} for key, text in questions],
    }


class PilotResponseIn(Schema):
    answers: dict[str, int] = pydantic.Field(max_length=20, description="question key → 1…5, every question")


@router.post(
    "/pilot-forms/{token}/responses",
    response={201: PilotMessageOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="Answer an evaluation form (anonymous: stored without name or time); a personal link works once",
)
def public_respond(request, token: str, payload: PilotResponseIn):
    link = _public_link(token)
    wait = retry_after(request, "pilot-form", limit="SCAN_LINK_RATE_LIMIT", window="SCAN_LINK_RATE_WINDOW")
    if wait is not None:
        return too_many_requests(request, wait)
    with conflict_on(services.STATE):
        services.evaluation_response_submit(form=link.form, answers=payload.answers, invitation=link.invitation)
    return Status(201, {"detail": _("Thank you! Your answers are stored without your name.")})
