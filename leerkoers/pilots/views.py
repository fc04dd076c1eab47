"""Pages of step 5. Every view resolves the organisation first (@org_view) and every lookup
goes through access.get / access.filter. Members read; LEADERSHIP (HR / L&D, advisors,
board) design, start and decide pilots — through the same services as the API."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leerkoers.jobs.invitations import invitations_job
from leerkoers.lib.forms import add_service_errors
from leerkoers.orgs.access import EVERYONE, LEADERSHIP, org_view
from leerkoers.pilots import chart, selectors, services
from leerkoers.pilots.decision import Outcome, rule_text
from leerkoers.pilots.forms import DecisionForm, DrawForm, EvaluationFormForm, InviteForm, PilotForm, RuleForm
from leerkoers.pilots.models import EvaluationForm, Pilot
from leerkoers.pilots.presets import BY_KEY, PRESETS


def _redirect(access, pilot):
    return redirect("pilots:pilot", org_slug=access.organization.slug, pilot_id=pilot.public_id)


def _pilot(access, pilot_id) -> Pilot:
    return access.get(Pilot, public_id=pilot_id)


@org_view(EVERYONE)
def index(request, access):
    pilots = list(access.filter(Pilot).prefetch_related("teams"))
    context = {"access": access, "pilots": pilots, "presets": PRESETS, "can_edit": access.role in LEADERSHIP}
    return render(request, "pilots/index.html", context)


def _save(request, access, form, pilot=None):
    data = form.cleaned_data
    try:
        return services.pilot_save(
            organization=access.organization,
            actor=request.user,
            pilot=pilot,
            fields=form.service_fields(),
            pilot_teams=list(data["pilot_teams"]),
            comparison_teams=list(data["comparison_teams"]),
            kpis=list(data["kpis"]),
            learning_goals=list(data["learning_goals"]),
            activities=list(data["activities"]),
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


@org_view(LEADERSHIP)
def pilot_new(request, access):
    preset = BY_KEY.get(request.GET.get("template", ""))
    initial = {}
    if preset:
        initial = {"template": preset.key, "hypothesis": preset.hypothesis, "evaluation_plan": preset.evaluation_plan}
    form = PilotForm(request.POST or None, organization=access.organization, initial=initial)
    if request.method == "POST" and form.is_valid() and (pilot := _save(request, access, form)):
        messages.success(request, _("Pilot saved. Check below what its design can show."))
        return _redirect(access, pilot)
    return render(request, "pilots/form.html", {"access": access, "form": form, "preset": preset})


@org_view(LEADERSHIP)
def pilot_edit(request, access, pilot_id):
    pilot = _pilot(access, pilot_id)
    if not pilot.in_design:
        messages.error(request, _("This pilot has started; its design can no longer change."))
        return _redirect(access, pilot)
    form = PilotForm(request.POST or None, instance=pilot, organization=access.organization)
    if request.method == "POST" and form.is_valid() and _save(request, access, form, pilot):
        messages.success(request, _("Pilot saved."))
        return _redirect(access, pilot)
    return render(request, "pilots/form.html", {"access": access, "form": form, "pilot": pilot})


@org_view(EVERYONE)
def pilot_detail(request, access, pilot_id):
    _pilot(access, pilot_id)  # 404 for what is not this organisation's
    pilot = selectors.pilot_queryset(access.organization).get(public_id=pilot_id)
    analysis = selectors.analyse(pilot)
    report = selectors.evaluation_of(pilot, analysis.kpis)
    can_edit = access.role in LEADERSHIP
    context = {
        "access": access,
        "pilot": pilot,
        "analysis": analysis,
        "kpis": _kpi_rows(pilot, analysis),
        "rule_text": rule_text(pilot.rule),
        "statuses": Pilot.Status.choices,
        "rule_changes": list(pilot.rule_changes.all()),
        "can_edit": can_edit,
        "evaluation": report,
        "invites": _invites(report) if can_edit else [],
        **_forms(access, pilot, can_edit),
    }
    return render(request, "pilots/detail.html", context)


def _kpi_rows(pilot, analysis) -> list[dict]:
    """Per KPI of the pilot: its analysis, its chart and what the decision rule says of it."""
    return [
        {
            "analysis": k,
            "chart": chart.line_chart(k.series, pilot.start),
            "rule_says": Outcome(k.rule_says).label if k.rule_says else "",
        }
        for k in analysis.kpis
    ]


def _forms(access, pilot, can_edit: bool) -> dict:
    """The forms of the pilot page, each None unless the caller may use it in the pilot's status:
    draw the teams (in design), change the rule (until decided), make an evaluation form
    (while forms are open) and decide (while evaluating)."""
    return {
        "draw_form": DrawForm(organization=access.organization, auto_id="draw_%s")
        if can_edit and pilot.in_design
        else None,
        "rule_form": RuleForm(
            auto_id="rule_%s",
            initial={"scale_up_min": pilot.scale_up_min, "max_p": pilot.max_p, "stop_max": pilot.stop_max},
        )
        if can_edit and pilot.status != Pilot.Status.DECIDED
        else None,
        "evaluation_form": EvaluationFormForm(auto_id="form_%s")
        if can_edit and pilot.status in services.FORMS_OPEN
        else None,
        "decision_form": DecisionForm(organization=access.organization, auto_id="decision_%s")
        if can_edit and pilot.status == Pilot.Status.EVALUATING
        else None,
    }


def _invites(evaluation) -> list[dict]:
    """Per open form: how many personal links went out, the invitation form and the latest
    e-mailing's progress."""
    found = []
    for row in evaluation.rows:
        if row.form.is_open:
            found.append(
                {
                    "row": row,
                    "form": InviteForm(pilot=row.form.pilot, auto_id=f"invite_{row.form.public_id.hex[:8]}_%s"),
                    "job": invitations_job(services.PERSONAL_LINKS, row.form),
                }
            )
    return found


def _act(request, access, pilot, service, success: str, form=None, **kwargs):
    """Run one service on `pilot` from a POST (with the form's cleaned data when a form is
    given) and come back to the pilot with its message: the error in the user's language,
    or `success`."""
    if form is not None and not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _redirect(access, pilot)
    try:
        service(pilot=pilot, actor=request.user, **kwargs, **(form.cleaned_data if form is not None else {}))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return _redirect(access, pilot)


@org_view(LEADERSHIP)
@require_POST
def pilot_draw(request, access, pilot_id):
    form = DrawForm(request.POST, organization=access.organization)
    success = _("The teams were drawn at random; the seed is recorded.")
    return _act(request, access, _pilot(access, pilot_id), services.pilot_draw, success, form)


@org_view(LEADERSHIP)
@require_POST
def pilot_start(request, access, pilot_id):
    success = _("The pilot is running; its decision rule is now fixed.")
    return _act(request, access, _pilot(access, pilot_id), services.pilot_start, success)


@org_view(LEADERSHIP)
@require_POST
def pilot_rule(request, access, pilot_id):
    success = _("Decision rule saved.")
    return _act(request, access, _pilot(access, pilot_id), services.pilot_rule_change, success, RuleForm(request.POST))


@org_view(LEADERSHIP)
@require_POST
def pilot_evaluate(request, access, pilot_id):
    success = _("The pilot is being evaluated.")
    return _act(request, access, _pilot(access, pilot_id), services.pilot_evaluate, success)


@org_view(LEADERSHIP)
@require_POST
def pilot_decide(request, access, pilot_id):
    form = DecisionForm(request.POST, organization=access.organization)
    return _act(request, access, _pilot(access, pilot_id), services.pilot_decide, _("Decision recorded."), form)


@org_view(LEADERSHIP)
@require_POST
def evaluation_form_new(request, access, pilot_id):
    form = EvaluationFormForm(request.POST)
    success = _("Form made. E-mail personal links to the people who answer (below), or share its shared link.")
    return _act(request, access, _pilot(access, pilot_id), services.evaluation_form_create, success, form)


@org_view(LEADERSHIP)
@require_POST
def evaluation_form_invite(request, access, evaluation_form_id):
    """Start e-mailing personal links to a form; the pilot page shows the progress."""
    form = access.get(EvaluationForm, public_id=evaluation_form_id)
    pilot = form.pilot
    invite = InviteForm(request.POST, pilot=pilot)
    if not invite.is_valid():
        messages.error(request, " ".join(e for errors in invite.errors.values() for e in errors))
        return _redirect(access, pilot)
    try:
        services.evaluation_invite(
            form=form,
            teams=list(invite.cleaned_data["teams"]),
            emails=invite.cleaned_data["emails"],
            actor=request.user,
            language=translation.get_language() or "nl",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The personal links are being e-mailed; the progress is shown with the form."))
    return _redirect(access, pilot)
