"""Pages of step 3. Every view resolves the organisation first (@org_view); every lookup goes
through access.get / access.filter. Members read; LEADERSHIP (HR / L&D, advisors, board) change."""

import tempfile
from datetime import date
from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leerkoers.alignment import golden_thread as gt
from leerkoers.alignment import measurement_import, selectors, services, thread_page
from leerkoers.alignment.forms import (
    KpiForm,
    LearningGoalForm,
    MeasurementForm,
    MeasurementImportForm,
    StrategicGoalForm,
    ThemeForm,
)
from leerkoers.alignment.kpi_status import Point, linear_trend, recent
from leerkoers.alignment.models import (
    ActivityLink,
    Kpi,
    LearningGoal,
    LearningGoalLink,
    Measurement,
    StrategicGoal,
    Theme,
)
from leerkoers.alignment.smart import is_smart, smart_check
from leerkoers.inventory.models import Activity
from leerkoers.lib.forms import call_service, show_refusal
from leerkoers.lib.params import parse_id
from leerkoers.orgs.access import EVERYONE, LEADERSHIP, org_view
from leerkoers.orgs.models import Team


def _actor(request):
    return request.user


def _ctx(access, **extra) -> dict:
    return {"access": access, "can_edit": access.role in LEADERSHIP, **extra}


# --- overview: the golden thread ---------------------------------------------------------


@org_view(EVERYONE)
def index(request, access):
    weight = request.GET.get("weight", gt.SPEND)
    thread = selectors.thread_for(access.organization)
    report = gt.report(
        thread,
        weight=weight if weight in gt.WEIGHTS else gt.SPEND,
        rejected=selectors.rejected_pairs(access.organization),
    )
    kpis = selectors.kpis_with_status(access.organization)
    team_names = dict(access.filter(Team).values_list("pk", "name"))
    rationales = {
        (sg, lg): text
        for sg, lg, text in access.filter(LearningGoalLink).values_list(
            "strategic_goal_id", "learning_goal_id", "rationale"
        )
    }
    page = thread_page.context(report, kpis=kpis, team_names=team_names, rationales=rationales)
    return render(request, "alignment/index.html", _ctx(access, **page))


# --- strategic goals and themes ----------------------------------------------------------


@org_view(EVERYONE)
def goals(request, access):
    organization = access.organization
    strategic_goals = (
        access.filter(StrategicGoal)
        .select_related("owner__user")
        .annotate(learning_goal_count=Count("links", distinct=True), kpi_count=Count("kpis", distinct=True))
    )
    own = dict(access.filter(Theme).values_list("key", "name"))
    rows = [(goal, services.theme_label(organization, goal.theme, own)) for goal in strategic_goals]
    return render(request, "alignment/goals.html", _ctx(access, rows=rows))


def _strategic_goal_form(request, access, goal: StrategicGoal | None):
    goal = goal or StrategicGoal(organization=access.organization)
    form = StrategicGoalForm(request.POST or None, instance=goal, organization=access.organization)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in services.STRATEGIC_GOAL_FIELDS}
        if call_service(
            request, services.strategic_goal_save, errors_on=form, goal=goal, actor=_actor(request), changes=changes
        ):
            messages.success(request, _("Strategic goal “%(title)s” saved.") % {"title": goal.title})
            return redirect("alignment:goal_detail", org_slug=access.organization.slug, strategic_goal_id=goal.pk)
    return render(request, "alignment/goal_form.html", _ctx(access, form=form, goal=goal))


@org_view(LEADERSHIP)
def goal_create(request, access):
    return _strategic_goal_form(request, access, None)


@org_view(LEADERSHIP)
def goal_edit(request, access, strategic_goal_id):
    return _strategic_goal_form(request, access, access.get(StrategicGoal, pk=strategic_goal_id))


@org_view(EVERYONE)
def goal_detail(request, access, strategic_goal_id):
    goal = access.get(StrategicGoal, pk=strategic_goal_id)
    links = access.filter(LearningGoalLink, strategic_goal=goal).select_related("learning_goal")
    kpis = selectors.kpis_with_status(access.organization, strategic_goal=goal)
    theme = services.theme_label(access.organization, goal.theme)
    return render(request, "alignment/goal_detail.html", _ctx(access, goal=goal, links=links, kpis=kpis, theme=theme))


@org_view(LEADERSHIP)
@require_POST
def goal_delete(request, access, strategic_goal_id):
    goal = access.get(StrategicGoal, pk=strategic_goal_id)
    services.strategic_goal_delete(goal=goal, actor=_actor(request))
    messages.success(request, _("Strategic goal “%(title)s” deleted.") % {"title": goal.title})
    return redirect("alignment:goals", org_slug=access.organization.slug)


@org_view(read=EVERYONE, write=LEADERSHIP)
def themes(request, access):
    form = ThemeForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            request,
            services.theme_create,
            errors_on=form,
            organization=access.organization,
            key=form.cleaned_data["key"],
            name=form.cleaned_data["name"],
            actor=_actor(request),
        )
    ):
        messages.success(request, _("Theme added."))
        return redirect("alignment:themes", org_slug=access.organization.slug)
    own = access.filter(Theme)
    preset = [(key, label) for key, label in services.theme_choices(access.organization)][:4]
    return render(request, "alignment/themes.html", _ctx(access, form=form, own=own, preset=preset))


@org_view(LEADERSHIP)
@require_POST
def theme_delete(request, access, theme_id):
    theme = access.get(Theme, pk=theme_id)
    if call_service(request, services.theme_delete, theme=theme, actor=_actor(request)):
        messages.success(request, _("Theme deleted."))
    return redirect("alignment:themes", org_slug=access.organization.slug)


# --- KPIs and measurements ---------------------------------------------------------------


@org_view(EVERYONE)
def kpis(request, access):
    return render(request, "alignment/kpis.html", _ctx(access, kpis=selectors.kpis_with_status(access.organization)))


def _kpi_form(request, access, kpi: Kpi, initial=None):
    form = KpiForm(request.POST or None, instance=kpi, organization=access.organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in services.KPI_FIELDS}
        if call_service(request, services.kpi_save, errors_on=form, kpi=kpi, actor=_actor(request), changes=changes):
            messages.success(request, _("KPI “%(name)s” saved.") % {"name": kpi.name})
            return redirect("alignment:kpi_detail", org_slug=access.organization.slug, kpi_id=kpi.pk)
    return render(request, "alignment/kpi_form.html", _ctx(access, form=form, kpi=kpi))


@org_view(LEADERSHIP)
def kpi_create(request, access):
    initial = {}
    goal_id = parse_id(request.GET.get("strategic_goal", ""))
    if goal_id is not None:
        initial["strategic_goal"] = access.filter(StrategicGoal, pk=goal_id).first()
    return _kpi_form(request, access, Kpi(organization=access.organization), initial)


@org_view(LEADERSHIP)
def kpi_edit(request, access, kpi_id):
    return _kpi_form(request, access, access.get(Kpi, pk=kpi_id))


def _chart_data(kpi: Kpi, measurements: list[Measurement], team_names: dict) -> dict:
    """Series for the KPI chart: x is the day number (days since 1970-01-01), y the value."""
    epoch = date(1970, 1, 1)

    def x(day):
        return (day - epoch).days

    org_points = [Point(m.date, m.value) for m in measurements if m.team_id is None]
    series = {"org": [{"x": x(m.date), "y": float(m.value)} for m in measurements if m.team_id is None]}
    teams: dict = {}
    for m in measurements:
        if m.team_id is not None:
            teams.setdefault(team_names.get(m.team_id, "?"), []).append({"x": x(m.date), "y": float(m.value)})
    # The line the status is judged by: through the recent measurements only.
    org_points = recent(org_points)
    trend = linear_trend(org_points)
    trend_line = []
    if trend:
        start = min(p.date for p in org_points)
        end = max(kpi.target_date, max(p.date for p in org_points))
        trend_line = [
            {"x": x(start), "y": round(trend.value_on(start), 4)},
            {"x": x(end), "y": round(trend.value_on(end), 4)},
        ]
    return {
        "series": series,
        "teams": teams,
        "path": [
            {"x": x(kpi.baseline_date), "y": float(kpi.baseline_value)},
            {"x": x(kpi.target_date), "y": float(kpi.target_value)},
        ],
        "trend": trend_line,
        "labels": {
            "org": _("Whole organisation"),
            "path": _("Planned path (baseline → target)"),
            "trend": _("Trend"),
            "value": kpi.get_unit_display(),
        },
    }


@org_view(read=EVERYONE, write=LEADERSHIP)
def kpi_detail(request, access, kpi_id):
    kpi = access.get(Kpi, pk=kpi_id)
    form = MeasurementForm(request.POST or None, organization=access.organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = services.MeasurementInput("", kpi, data["date"], data["value"], data["team"])
        try:
            services.measurements_create(organization=access.organization, items=[item], actor=_actor(request))
        except services.MeasurementErrors as exc:
            show_refusal(request, exc.by_field(), form)
        else:
            messages.success(request, _("Measurement added."))
            return redirect("alignment:kpi_detail", org_slug=access.organization.slug, kpi_id=kpi.pk)
    report = selectors.kpi_report(kpi)
    context = _ctx(
        access,
        kpi=kpi,
        measurements=report.measurements,
        assessment=report.assessment,
        team_status=report.team_status,
        form=form,
        chart=_chart_data(kpi, report.measurements, report.team_names),
        projected=report.projected,
    )
    return render(request, "alignment/kpi_detail.html", context)


@org_view(LEADERSHIP)
@require_POST
def kpi_delete(request, access, kpi_id):
    kpi = access.get(Kpi, pk=kpi_id)
    goal_id = kpi.strategic_goal_id
    services.kpi_delete(kpi=kpi, actor=_actor(request))
    messages.success(request, _("KPI “%(name)s” deleted.") % {"name": kpi.name})
    return redirect("alignment:goal_detail", org_slug=access.organization.slug, strategic_goal_id=goal_id)


@org_view(LEADERSHIP)
@require_POST
def measurement_delete(request, access, kpi_id, measurement_id):
    measurement = access.get(Measurement, pk=measurement_id, kpi_id=kpi_id)
    services.measurement_delete(measurement=measurement, actor=_actor(request))
    messages.success(request, _("Measurement deleted."))
    return redirect("alignment:kpi_detail", org_slug=access.organization.slug, kpi_id=kpi_id)


@org_view(LEADERSHIP)
def measurement_import_view(request, access):
    form = MeasurementImportForm(request.POST or None, request.FILES or None, organization=access.organization)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            # openpyxl goes by the extension, so keep a known one (never the user's name).
            suffix = Path(upload.name).suffix.lower()
            path = Path(folder) / ("upload" + (suffix if suffix in (".csv", ".txt", ".xlsx", ".xlsm") else ""))
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            result = measurement_import.measurements_import(
                organization=access.organization,
                path=str(path),
                filename=upload.name,
                kpi=form.cleaned_data["kpi"],
                actor=_actor(request),
                check_only=request.POST.get("action") == "check",
            )
        if result.ok and not result.checked:
            messages.success(request, _("%(count)d measurements imported.") % {"count": result.created})
            return redirect("alignment:kpis", org_slug=access.organization.slug)
    return render(request, "alignment/measurement_import.html", _ctx(access, form=form, result=result))


# --- learning goals ----------------------------------------------------------------------


def _checks_for(goal: LearningGoal, link_count: int, has_targets: bool):
    return smart_check(
        who=goal.who,
        behaviour=goal.behaviour,
        measure=goal.measure,
        deadline=goal.deadline,
        has_target_groups=has_targets,
        strategic_goal_count=link_count,
        today=timezone.localdate(),
    )


@org_view(EVERYONE)
def learning_goals(request, access):
    goals_ = (
        access.filter(LearningGoal)
        .prefetch_related(
            Prefetch("links", queryset=LearningGoalLink.objects.select_related("strategic_goal")),
            "target_teams",
        )
        .annotate(activity_count=Count("activity_links"))
    )
    rows = []
    for goal in goals_:
        links = list(goal.links.all())
        checks = _checks_for(goal, len(links), bool(goal.target_roles) or bool(goal.target_teams.all()))
        rows.append((goal, links, [c for c in checks if not c.ok]))
    return render(request, "alignment/learning_goals.html", _ctx(access, rows=rows))


def _learning_goal_form(request, access, goal: LearningGoal):
    form = LearningGoalForm(request.POST or None, instance=goal, organization=access.organization)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            request,
            services.learning_goal_save,
            errors_on=form,
            goal=goal,
            actor=_actor(request),
            changes=form.changes(),
            target_teams=list(form.cleaned_data["target_teams"]),
            links=form.links(),
        )
    ):
        messages.success(request, _("Learning goal “%(title)s” saved.") % {"title": goal.title})
        return redirect("alignment:learning_goal_detail", org_slug=access.organization.slug, learning_goal_id=goal.pk)
    checks = _form_checks(form)
    return render(request, "alignment/learning_goal_form.html", _ctx(access, form=form, goal=goal, checks=checks))


def _form_checks(form):
    data = form.data if form.is_bound else None

    def value(name):
        if data is not None:
            return data.get(name, "")
        return form.initial.get(name, "") or ""

    deadline = None
    raw = value("deadline")
    if isinstance(raw, date):
        deadline = raw
    elif raw:
        try:
            deadline = date.fromisoformat(str(raw))
        except ValueError:
            deadline = None
    if data is not None:
        has_targets = bool(data.getlist("target_roles")) or bool(data.getlist("target_teams"))
        links = len(data.getlist("strategic_goals"))
    else:
        has_targets = bool(form.initial.get("target_roles")) or bool(form.initial.get("target_teams"))
        links = len(form.initial.get("strategic_goals") or [])
    return smart_check(
        who=value("who"),
        behaviour=value("behaviour"),
        measure=value("measure"),
        deadline=deadline,
        has_target_groups=has_targets,
        strategic_goal_count=links,
        today=timezone.localdate(),
    )


@org_view(LEADERSHIP)
def learning_goal_create(request, access):
    return _learning_goal_form(request, access, LearningGoal(organization=access.organization))


@org_view(LEADERSHIP)
def learning_goal_edit(request, access, learning_goal_id):
    return _learning_goal_form(request, access, access.get(LearningGoal, pk=learning_goal_id))


@org_view(LEADERSHIP)
@require_POST
def smart_check_fragment(request, access):
    """htmx: the SMART check of the form as it is being filled in (changes nothing)."""
    form = LearningGoalForm(request.POST, organization=access.organization)
    return render(request, "alignment/_smart_check.html", {"checks": _form_checks(form)})


@org_view(EVERYONE)
def learning_goal_detail(request, access, learning_goal_id):
    goal = access.get(LearningGoal, pk=learning_goal_id)
    links = list(access.filter(LearningGoalLink, learning_goal=goal).select_related("strategic_goal"))
    teams = list(goal.target_teams.all())
    checks = _checks_for(goal, len(links), bool(goal.target_roles) or bool(teams))
    activity_links = access.filter(ActivityLink, learning_goal=goal).select_related("activity")
    kpis = selectors.kpis_of_goals(access.organization, [link.strategic_goal_id for link in links])
    candidates = selectors.link_candidates(access.organization, [link.activity_id for link in activity_links])
    return render(
        request,
        "alignment/learning_goal_detail.html",
        _ctx(
            access,
            goal=goal,
            links=links,
            teams=teams,
            checks=checks,
            smart=is_smart(checks),
            activity_links=activity_links,
            candidates=candidates,
            kpis=kpis,
        ),
    )


@org_view(LEADERSHIP)
@require_POST
def learning_goal_delete(request, access, learning_goal_id):
    goal = access.get(LearningGoal, pk=learning_goal_id)
    services.learning_goal_delete(goal=goal, actor=_actor(request))
    messages.success(request, _("Learning goal “%(title)s” deleted.") % {"title": goal.title})
    return redirect("alignment:learning_goals", org_slug=access.organization.slug)


def _posted(request, access, model, field: str):
    """The organisation's `model` row whose id was posted in `field`, or None (none, or not found)."""
    pk = parse_id(request.POST.get(field, ""))
    return access.filter(model, pk=pk).first() if pk else None


def _next_url(request, default: str) -> str:
    target = request.POST.get("next", "")
    # Only a path on this site; anything else goes to the default.
    return target if target.startswith("/") and not target.startswith("//") else default


@org_view(LEADERSHIP)
@require_POST
def learning_goal_activity_add(request, access, learning_goal_id):
    goal = access.get(LearningGoal, pk=learning_goal_id)
    activity = _posted(request, access, Activity, "activity")
    if activity is None:
        messages.error(request, _("Choose an activity to link."))
    else:
        services.activity_link_add(goal=goal, activity=activity, actor=_actor(request))
        messages.success(request, _("“%(activity)s” now serves this learning goal.") % {"activity": activity.title})
    default = reverse("alignment:learning_goal_detail", args=[access.organization.slug, goal.pk])
    return redirect(_next_url(request, default))


@org_view(LEADERSHIP)
@require_POST
def learning_goal_activity_remove(request, access, learning_goal_id, activity_id):
    goal = access.get(LearningGoal, pk=learning_goal_id)
    activity = access.get(Activity, pk=activity_id)
    services.activity_link_remove(goal=goal, activity=activity, actor=_actor(request))
    messages.success(request, _("Link removed."))
    default = reverse("alignment:learning_goal_detail", args=[access.organization.slug, goal.pk])
    return redirect(_next_url(request, default))


# --- activities: the links from the inventory's side -------------------------------------


@org_view(EVERYONE)
def activities(request, access):
    show = request.GET.get("show", "all")
    query = request.GET.get("q", "").strip()[:100]
    listed = (
        access.filter(Activity)
        .order_by("title", "-start_date", "pk")
        .only("pk", "title", "provider", "cost", "start_date")
    )
    if query:
        listed = listed.filter(Q(title__icontains=query) | Q(provider__icontains=query))
    if show == "unlinked":
        listed = listed.filter(learning_goal_links__isnull=True)
    elif show == "linked":
        listed = listed.filter(learning_goal_links__isnull=False).distinct()
    listed = listed.prefetch_related(
        Prefetch(
            "learning_goal_links",
            queryset=ActivityLink.objects.select_related("learning_goal").order_by("learning_goal__title"),
        )
    )
    page = Paginator(listed, 50).get_page(request.GET.get("page"))
    all_goals = list(access.filter(LearningGoal).only("pk", "title"))
    counts = access.filter(Activity).aggregate(
        total=Count("pk"), linked=Count("pk", filter=Q(learning_goal_links__isnull=False), distinct=True)
    )
    return render(
        request,
        "alignment/activities.html",
        _ctx(access, page=page, show=show, query=query, all_goals=all_goals, counts=counts),
    )


@org_view(LEADERSHIP)
@require_POST
def activity_link(request, access, activity_id):
    """Link from the activity's side: the activity serves the chosen learning goal."""
    activity = access.get(Activity, pk=activity_id)
    goal = _posted(request, access, LearningGoal, "learning_goal")
    if goal is None:
        messages.error(request, _("Choose a learning goal to link."))
    else:
        services.activity_link_add(goal=goal, activity=activity, actor=_actor(request))
        messages.success(
            request, _("“%(activity)s” now serves “%(goal)s”.") % {"activity": activity.title, "goal": goal.title}
        )
    default = reverse("alignment:activities", args=[access.organization.slug])
    return redirect(_next_url(request, default))


# --- suggestions -------------------------------------------------------------------------


@org_view(EVERYONE)
def suggestions(request, access):
    thread = selectors.thread_for(access.organization)
    found = gt.suggestions(thread, rejected=selectors.rejected_pairs(access.organization))[:100]
    lg_titles = {lg.id: lg.title for lg in thread.learning_goals}
    activities_by_id = {a.id: a for a in thread.activities}
    rows = [(s, activities_by_id[s.activity_id], lg_titles[s.learning_goal_id]) for s in found]
    return render(request, "alignment/suggestions.html", _ctx(access, rows=rows))


def _suggestion_pair(request, access):
    goal_id, activity_id = parse_id(request.POST.get("learning_goal")), parse_id(request.POST.get("activity"))
    if goal_id is None or activity_id is None:
        return None, None
    return access.get(LearningGoal, pk=goal_id), access.get(Activity, pk=activity_id)


@org_view(LEADERSHIP)
@require_POST
def suggestion_accept(request, access):
    goal, activity = _suggestion_pair(request, access)
    if goal is None:
        messages.error(request, _("Choose a suggestion."))
    else:
        services.activity_link_add(goal=goal, activity=activity, actor=_actor(request))
        messages.success(
            request, _("“%(activity)s” linked to “%(goal)s”.") % {"activity": activity.title, "goal": goal.title}
        )
    return redirect("alignment:suggestions", org_slug=access.organization.slug)


@org_view(LEADERSHIP)
@require_POST
def suggestion_reject(request, access):
    goal, activity = _suggestion_pair(request, access)
    if goal is None:
        messages.error(request, _("Choose a suggestion."))
    else:
        services.suggestion_reject(goal=goal, activity=activity, actor=_actor(request))
        messages.success(request, _("Suggestion rejected; it will not come back."))
    return redirect("alignment:suggestions", org_slug=access.organization.slug)
