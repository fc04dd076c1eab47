"""Step 4 pages: the responsibility matrix, team learning plans and POPs.

Thin adapters: who sees what is decided in leerkoers.ownership.visibility, every change
is a service of leerkoers.ownership.services."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from leerkoers.alignment.models import LearningGoal
from leerkoers.inventory.models import Activity
from leerkoers.lib.forms import call_service, show_refusal
from leerkoers.orgs.access import EVERYONE, LEADERSHIP_AND_MANAGERS, MANAGING, STEERING, org_view
from leerkoers.orgs.models import Role, Team
from leerkoers.ownership import bulk, raci, selectors, services
from leerkoers.ownership.models import (
    Layer,
    LearningProcess,
    PlanStatus,
    Pop,
    PopActivity,
    PopGoal,
    Raci,
    TeamPlanActivity,
    TeamPlanGoal,
)
from leerkoers.ownership.selectors import linked_learning_goals
from leerkoers.ownership.teams import TeamTree
from leerkoers.ownership.visibility import (
    own_pops,
    plan_for,
    plan_teams_writable,
    pop_for,
    shared_with_me,
    team_plans_visible,
)


def _back(access, name: str, **kwargs):
    return redirect(name, org_slug=access.organization.slug, **kwargs)


def _optional(access, model, value):
    """The organisation's row `model` with pk `value`, None for an empty choice (404 for another's)."""
    return access.get(model, pk=value) if value else None


@org_view(EVERYONE)
def index(request, access):
    tree = TeamTree.of(access.organization)
    rows = selectors.matrix(access.organization)
    context = {
        "access": access,
        "layers": list(Layer),
        "rows": rows,
        "open_work": selectors.open_work(access, tree, rows),
        "can_edit_matrix": access.role in STEERING,
    }
    if access.role in STEERING:
        context["bulk_job"] = bulk.latest_job(access.organization)
        context["this_year"] = timezone.localdate().year
    if access.role in LEADERSHIP_AND_MANAGERS:
        context["indicators"] = found = selectors.indicators_for(access.organization)
        context["trend_bars"] = _bars(found.pop_trend)
        # The per-team tables and chart show one page of teams (the figures of all teams are
        # computed, as the anonymity rule needs them; the API gives every team at once).
        number = request.GET.get("page")
        per_team = list(zip(found.pops.teams, found.conversations.teams, strict=True))
        context["team_page"] = team_page = Paginator(per_team, TEAMS_PER_PAGE).get_page(number)
        trend_page = Paginator(found.pop_trend_by_team, TEAMS_PER_PAGE).get_page(team_page.number)
        context["team_trend_rows"] = trend_page.object_list
        context["team_trend_chart"] = _team_trend_chart(found, trend_page.object_list)
    return render(request, "ownership/index.html", context)


TEAMS_PER_PAGE = 50  # rows of the per-team tables on the step page (900 teams: 45 ms a page of 50, 2 s all)


def _team_trend_chart(found, rows) -> dict | None:
    """The data of the per-team trend chart (percentages per quarter, the teams of `rows`
    that are shown); None when none is shown. The table beside it has the same figures."""
    shown = [row for row in rows if row.members is not None]
    if not shown:
        return None
    return {
        "labels": [quarter for quarter, _share in found.pop_trend],
        "overall": {"label": _("Whole organisation"), "data": _percents(found.pop_trend)},
        "teams": [{"label": row.team, "data": _percents(row.quarters)} for row in shown],
    }


def _percents(quarters) -> list[float | None]:
    return [None if share.value is None else round(100 * share.value, 1) for _quarter, share in quarters]


def _bars(shares) -> list[dict]:
    """Columns of 100 units high for an inline SVG chart of shares (x in steps of 100)."""
    bars = []
    for position, (label, share) in enumerate(shares):
        height = round(100 * (share.value or 0))
        bars.append({"label": label, "x": position * 100, "y": 110 - height, "height": height})
    return bars


@org_view(STEERING)
@require_POST
def bulk_start(request, access):
    try:
        year = _year(request.POST.get("year"))
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        bulk.bulk_start_begin(organization=access.organization, year=year, actor=request.user)
    return _back(access, "ownership:index")


@org_view(read=EVERYONE, write=STEERING)
def matrix_edit(request, access):
    if request.method == "POST":
        letters = {
            key.removeprefix("row-"): {layer: request.POST.get(f"{key}-{layer}", "") for layer in Layer.values}
            for key in request.POST.getlist("rows")
        }
        if call_service(
            request, services.matrix_update, organization=access.organization, letters=letters, actor=request.user
        ):
            messages.success(request, _("Responsibility matrix saved."))
        return _back(access, "ownership:matrix")
    return render(
        request,
        "ownership/matrix.html",
        {
            "access": access,
            "layers": list(Layer),
            "rows": selectors.matrix(access.organization),
            "letters": Raci.choices,
            "can_edit": access.role in STEERING,
            "template_keys": raci.TEMPLATE_KEYS,
        },
    )


@org_view(STEERING)
@require_POST
def process_add(request, access):
    if call_service(
        request,
        services.process_add,
        organization=access.organization,
        name=request.POST.get("name", ""),
        letters={layer: request.POST.get(layer, "") for layer in Layer.values},
        actor=request.user,
    ):
        messages.success(request, _("Process added."))
    return _back(access, "ownership:matrix")


@org_view(STEERING)
@require_POST
def process_delete(request, access, learning_process_id):
    process = access.get(LearningProcess, public_id=learning_process_id)
    call_service(request, services.process_delete, actor=request.user, process=process)
    return _back(access, "ownership:matrix")


# Team plans ---------------------------------------------------------------------------------


@org_view(read=EVERYONE, write=MANAGING)
def plans(request, access):
    tree = TeamTree.of(access.organization)
    writable = plan_teams_writable(access, tree)
    if request.method == "POST":
        try:
            if not request.POST.get("team"):
                raise ValidationError(_("Choose the team."))
            team = access.get(Team, pk=request.POST.get("team"))
            if writable is not None and team.pk not in writable:
                raise PermissionDenied
            plan = services.team_plan_create(
                organization=access.organization, team=team, year=_year(request.POST.get("year")), actor=request.user
            )
        except ValidationError as exc:
            show_refusal(request, exc)
            return _back(access, "ownership:plans")
        return _back(access, "ownership:plan", team_plan_id=plan.public_id)
    listed = team_plans_visible(access, tree).select_related("team__manager__user").prefetch_related("goals")
    teams = access.filter(Team) if writable is None else access.filter(Team, pk__in=writable)
    return render(
        request,
        "ownership/plans.html",
        {
            "access": access,
            "page": Paginator(listed, 50).get_page(request.GET.get("page")),
            "teams": teams,
            "this_year": timezone.localdate().year,
        },
    )


def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Enter the year as a number, e.g. 2026.")) from None
    if not 2000 <= year <= 2100:
        raise ValidationError(_("Enter a year between 2000 and 2100."))
    return year


@org_view(read=EVERYONE, write=MANAGING)
def plan_detail(request, access, team_plan_id):
    plan, editable = plan_for(access, team_plan_id, write=request.method == "POST")
    if request.method == "POST":
        if call_service(request, _plan_save, post=request.POST, plan=plan, actor=request.user):
            messages.success(request, _("Team plan saved."))
        return _back(access, "ownership:plan", team_plan_id=plan.public_id)
    return render(
        request,
        "ownership/plan.html",
        {
            "access": access,
            "plan": plan,
            "editable": editable,
            "goals": plan.goals.select_related("learning_goal"),
            "entries": plan.activities.select_related("activity"),
            "planned": selectors.planned_cost(plan),
            "statuses": PlanStatus.choices,
            **_choices(access, editable),
        },
    )


def _plan_save(*, post, plan, actor) -> None:
    """services.team_plan_update with the fields of the plan form; a field that does not
    parse is refused (ValidationError) like the service's own refusals."""
    services.team_plan_update(
        plan=plan,
        actor=actor,
        status=post.get("status", plan.status),
        review_date=_date(post.get("review_date")),
        budget=services.as_decimal(post.get("budget")),
        spend=services.as_decimal(post.get("spend")) or 0,
        notes=post.get("notes", ""),
    )


def _choices(access, shown: bool) -> dict:
    """The organisation's learning goals and inventory activities a plan's or a POP's new row
    may be tied to (the first 500 activities by title); empty lists when `shown` is False."""
    return {
        "learning_goals": access.filter(LearningGoal).only("pk", "title") if shown else [],
        "activities": access.filter(Activity).only("pk", "title").order_by("title")[:500] if shown else [],
    }


def _date(value) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(_("Enter the date as a date, e.g. 2026-06-30.")) from None


@org_view(MANAGING)
@require_POST
def plan_goal_add(request, access, team_plan_id):
    plan, _editable = plan_for(access, team_plan_id, write=True)
    call_service(
        request,
        services.team_plan_goal_add,
        actor=request.user,
        plan=plan,
        title=request.POST.get("title", ""),
        learning_goal=_optional(access, LearningGoal, request.POST.get("learning_goal")),
    )
    return _back(access, "ownership:plan", team_plan_id=plan.public_id)


@org_view(MANAGING)
@require_POST
def plan_activity_add(request, access, team_plan_id):
    plan, _editable = plan_for(access, team_plan_id, write=True)
    try:
        cost = services.as_decimal(request.POST.get("cost"))
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        call_service(
            request,
            services.team_plan_activity_add,
            actor=request.user,
            plan=plan,
            activity=_optional(access, Activity, request.POST.get("activity")),
            title=request.POST.get("title", ""),
            cost=cost,
        )
    return _back(access, "ownership:plan", team_plan_id=plan.public_id)


@org_view(MANAGING)
@require_POST
def plan_goal_remove(request, access, team_plan_goal_id):
    goal = access.get(TeamPlanGoal, public_id=team_plan_goal_id)
    plan, _editable = plan_for(access, goal.plan.public_id, write=True)
    services.plan_item_remove(item=goal, actor=request.user)
    return _back(access, "ownership:plan", team_plan_id=plan.public_id)


@org_view(MANAGING)
@require_POST
def plan_activity_remove(request, access, team_plan_activity_id):
    entry = access.get(TeamPlanActivity, public_id=team_plan_activity_id)
    plan, _editable = plan_for(access, entry.plan.public_id, write=True)
    services.plan_item_remove(item=entry, actor=request.user)
    return _back(access, "ownership:plan", team_plan_id=plan.public_id)


# POPs ---------------------------------------------------------------------------------------


@org_view(EVERYONE)
def pops(request, access):
    if request.method == "POST":
        try:
            pop = services.pop_create(
                member=access.membership, year=_year(request.POST.get("year")), actor=request.user
            )
        except ValidationError as exc:
            show_refusal(request, exc)
            return _back(access, "ownership:pops")
        return _back(access, "ownership:pop", pop_id=pop.public_id)
    tree = TeamTree.of(access.organization)
    context = {
        "access": access,
        "mine": own_pops(access),
        "shared": shared_with_me(access, tree)
        .select_related("member__user", "member__team")
        .order_by("status", "member__user__full_name"),
        "this_year": timezone.localdate().year,
        "is_member": access.membership is not None,
    }
    if access.role == Role.ADMIN:
        # HR: that a POP exists, its state and its organisation goals — never its content here.
        listed = (
            access.filter(Pop)
            .select_related("member__user", "member__team")
            .prefetch_related("goals__learning_goal")
            .order_by("-year", "member__user__full_name", "pk")
        )
        context["overview"] = Paginator(listed, 50).get_page(request.GET.get("page"))
    return render(request, "ownership/pops.html", context)


@org_view(EVERYONE)
def pop_detail(request, access, pop_id):
    pop, view = pop_for(access, pop_id)
    if request.method == "POST":
        if call_service(request, _pop_save, post=request.POST, pop=pop, by=access.membership, actor=request.user):
            messages.success(request, _("Plan saved."))
        return _back(access, "ownership:pop", pop_id=pop.public_id)
    return render(
        request,
        "ownership/pop.html",
        {
            "access": access,
            "pop": pop,
            "view": view,
            "goals": pop.goals.select_related("learning_goal", "team_goal") if view.content else [],
            "org_goals": linked_learning_goals(pop),
            "entries": pop.activities.select_related("activity") if view.content else [],
            "versions": pop.versions.all() if view.versions else [],
            "team_goals": selectors.team_goals_for(pop) if view.is_owner else [],
            "steps": _steps(pop, view),
            **_choices(access, view.is_owner),
        },
    )


def _pop_save(*, post, pop, by, actor) -> None:
    """services.pop_update with the fields of the POP form, or with only the HR switch when the
    form is the one that shares the POP with HR; an amount that does not parse is refused
    (ValidationError) like the service's own refusals."""
    if "share_with_hr_only" in post:
        fields = {"share_with_hr": post.get("share_with_hr") == "on"}
    else:
        fields = {
            "support_needed": post.get("support_needed", ""),
            "hours_asked": services.as_decimal(post.get("hours_asked")),
            "budget_asked": services.as_decimal(post.get("budget_asked")),
            "share_with_hr": post.get("share_with_hr") == "on",
        }
    services.pop_update(pop=pop, by=by, actor=actor, **fields)


def _steps(pop: Pop, view) -> list[tuple[str, str]]:
    """The steps the caller can take now, as (action, button label)."""
    labels = {
        "share": _("Share with my manager"),
        "agree": pgettext("POP step", "Agree"),  # "Agree" alone is a vote in step 2
        "send_back": _("Send back"),
        "start": _("Start"),
        "complete": _("Mark as completed"),
        "revise": _("Revise (new draft)"),
    }
    who = services.OWNER if view.is_owner else services.MANAGER if view.is_manager else None
    return [
        (action, labels[action])
        for action, (role, sources, _target) in services.TRANSITIONS.items()
        if role == who and pop.status in sources
    ]


@org_view(EVERYONE)
@require_POST
def pop_step(request, access, pop_id):
    pop, _view = pop_for(access, pop_id)
    call_service(
        request,
        services.pop_transition,
        actor=request.user,
        pop=pop,
        action=request.POST.get("action", ""),
        by=access.membership,
        comment=request.POST.get("comment", ""),
    )
    return _back(access, "ownership:pop", pop_id=pop.public_id)


@org_view(EVERYONE)
@require_POST
def pop_goal_add(request, access, pop_id):
    pop, _view = pop_for(access, pop_id)
    call_service(
        request,
        services.pop_goal_add,
        actor=request.user,
        pop=pop,
        by=access.membership,
        title=request.POST.get("title", ""),
        learning_goal=_optional(access, LearningGoal, request.POST.get("learning_goal")),
        team_goal=_optional(access, TeamPlanGoal, request.POST.get("team_goal")),
    )
    return _back(access, "ownership:pop", pop_id=pop.public_id)


@org_view(EVERYONE)
@require_POST
def pop_activity_add(request, access, pop_id):
    pop, _view = pop_for(access, pop_id)
    call_service(
        request,
        services.pop_activity_add,
        actor=request.user,
        pop=pop,
        by=access.membership,
        activity=_optional(access, Activity, request.POST.get("activity")),
        title=request.POST.get("title", ""),
    )
    return _back(access, "ownership:pop", pop_id=pop.public_id)


@org_view(EVERYONE)
@require_POST
def pop_goal_remove(request, access, pop_goal_id):
    goal = access.get(PopGoal, public_id=pop_goal_id)
    pop, _view = pop_for(access, goal.pop.public_id)
    call_service(request, services.pop_item_remove, actor=request.user, item=goal, by=access.membership)
    return _back(access, "ownership:pop", pop_id=pop.public_id)


@org_view(EVERYONE)
@require_POST
def pop_activity_remove(request, access, pop_activity_id):
    entry = access.get(PopActivity, public_id=pop_activity_id)
    pop, _view = pop_for(access, entry.pop.public_id)
    call_service(request, services.pop_item_remove, actor=request.user, item=entry, by=access.membership)
    return _back(access, "ownership:pop", pop_id=pop.public_id)
