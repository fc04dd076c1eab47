from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leerkoers.inventory import coherence, exports, selectors
from leerkoers.inventory.forms import ActivityForm, ParticipationForm, UploadForm
from leerkoers.inventory.importing import fields as import_fields
from leerkoers.inventory.importing.runs import (
    import_run_check,
    import_run_create,
    import_run_preview,
    import_run_start,
)
from leerkoers.inventory.models import (
    Activity,
    ActivityTeam,
    ImportRun,
    Initiator,
    Kind,
    Participation,
    ParticipationStatus,
)
from leerkoers.inventory.services import activity_delete, activity_save, participation_delete, participation_save
from leerkoers.lib.params import query_id, query_year
from leerkoers.lib.tables import ImportRefused
from leerkoers.orgs.access import LEADERSHIP, STEERING, org_view
from leerkoers.orgs.models import Team

SORTS = {
    "title": "title", "-title": "-title", "start": "start_date", "-start": "-start_date", "cost": "cost",
    "-cost": "-cost", "provider": "provider", "-provider": "-provider",
}  # fmt: skip
LIST_SIZE = 50


@org_view(LEADERSHIP)
def index(request, access):
    """The step's page: coherence analysis with charts, tables and the starting point."""
    data, updating = selectors.analysis_state(access.organization)
    initiator_labels, kind_labels = dict(Initiator.choices), dict(Kind.choices)
    charts = {
        "initiator": [[str(initiator_labels.get(r.key, _("Unknown"))), float(r.spend)] for r in data.by_initiator],
        "kind": [[str(kind_labels.get(r.key, _("Unknown"))), float(r.spend)] for r in data.by_kind],
        "month": [[r.key or _("No date"), float(r.spend)] for r in data.by_month],
    }
    return render(
        request,
        "inventory/index.html",
        {
            "access": access,
            "data": data,
            "starting_point": selectors.starting_point(data),
            "charts": charts,
            "initiator_labels": initiator_labels,
            "kind_labels": kind_labels,
            "can_edit": access.is_admin,
            "volume_discount": round(100 * coherence.VOLUME_DISCOUNT),
            "updating": updating,
        },
    )


def _choice(value, choices) -> str:
    """`value` when it is one of `choices`, else "" (a list filter that does not filter)."""
    return value if value in choices.values else ""


def _filtered_activities(access, params):
    query = params.get("q", "").strip()[:100]
    activities = selectors.activities_found(
        access.organization,
        query=query,
        kind=_choice(params.get("kind"), Kind),
        initiator=_choice(params.get("initiator"), Initiator),
        team=query_id(params, "team"),
        year=query_year(params),
    )
    sort = params.get("sort", "-start")
    return activities.order_by(SORTS.get(sort, "-start_date"), "pk"), query, sort


@org_view(LEADERSHIP)
def activity_list(request, access):
    activities, query, sort = _filtered_activities(access, request.GET)
    activities = activities.prefetch_related(
        Prefetch("team_links", queryset=ActivityTeam.objects.select_related("team").order_by("team__name"))
    )
    page = Paginator(activities, LIST_SIZE).get_page(request.GET.get("page"))
    context = _list_context(
        request, access, page=page, query=query, sort=sort, kinds=Kind.choices, initiators=Initiator.choices
    )
    return render(request, "inventory/activity_list.html", context)


def _list_context(request, access, **extra) -> dict:
    """What both list pages show around their rows: the teams to filter by, the filters as
    sent, and the same without the page number (for the paging links)."""
    filters = request.GET.copy()
    filters.pop("page", None)
    return {
        "access": access,
        "teams": access.filter(Team),
        "params": request.GET,
        "filter_query": filters.urlencode(),
        "can_edit": access.is_admin,
        **extra,
    }


@org_view(STEERING)
def activity_create(request, access):
    return _activity_form(request, access, Activity())


@org_view(STEERING)
def activity_edit(request, access, activity_id: int):
    return _activity_form(request, access, access.get(Activity, pk=activity_id))


def _activity_form(request, access, activity):
    form = ActivityForm(request.POST or None, instance=activity, organization=access.organization)
    if request.method == "POST" and form.is_valid():
        saved = activity_save(
            organization=access.organization,
            activity=form.save(commit=False),
            teams=form.cleaned_data["teams"],
            actor=request.user,
        )
        messages.success(request, _("“%(title)s” saved.") % {"title": saved.title})
        return redirect("inventory:activities", org_slug=access.organization.slug)
    return render(request, "inventory/activity_form.html", {"access": access, "form": form, "activity": activity})


@org_view(STEERING)
@require_POST
def activity_remove(request, access, activity_id: int):
    activity = access.get(Activity, pk=activity_id)
    activity_delete(organization=access.organization, activity=activity, actor=request.user)
    messages.success(request, _("“%(title)s” deleted.") % {"title": activity.title})
    return redirect("inventory:activities", org_slug=access.organization.slug)


@org_view(LEADERSHIP)
def participation_list(request, access):
    """Keyset-free but count-free paging: a million rows must not be counted per page."""
    rows = selectors.participations_found(
        access.organization,
        activity=query_id(request.GET, "activity"),
        team=query_id(request.GET, "team"),
        status=_choice(request.GET.get("status"), ParticipationStatus),
        person=request.GET.get("person", "").strip()[:254],
    ).select_related("activity", "team")
    number = request.GET.get("page", "1")
    number = int(number) if number.isdigit() and 0 < int(number) < 100_000 else 1
    items = list(rows[(number - 1) * LIST_SIZE : number * LIST_SIZE + 1])
    context = _list_context(
        request,
        access,
        items=items[:LIST_SIZE],
        has_next=len(items) > LIST_SIZE,
        number=number,
        statuses=ParticipationStatus.choices,
    )
    return render(request, "inventory/participation_list.html", context)


@org_view(STEERING)
def participation_create(request, access):
    return _participation_form(request, access, Participation())


@org_view(STEERING)
def participation_edit(request, access, participation_id: int):
    return _participation_form(request, access, access.get(Participation, pk=participation_id))


def _participation_form(request, access, participation):
    form = ParticipationForm(request.POST or None, instance=participation, organization=access.organization)
    if request.method == "POST" and form.is_valid():
        try:
            participation_save(
                organization=access.organization,
                participation=form.save(commit=False),
                person=form.cleaned_data["person"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Participation saved."))
            return redirect("inventory:participations", org_slug=access.organization.slug)
    return render(
        request, "inventory/participation_form.html", {"access": access, "form": form, "participation": participation}
    )


@org_view(STEERING)
@require_POST
def participation_remove(request, access, participation_id: int):
    participation = access.get(Participation, pk=participation_id)
    participation_delete(organization=access.organization, participation=participation, actor=request.user)
    messages.success(request, _("Participation deleted."))
    return redirect("inventory:participations", org_slug=access.organization.slug)


# --- import: upload → preview and mapping → check → background import → summary ------


@org_view(STEERING)
def import_start(request, access):
    form = UploadForm(request.POST or None, request.FILES or None, organization=access.organization)
    if request.method == "POST" and form.is_valid():
        kind, saved = form.cleaned_data["kind"], form.cleaned_data["mapping"]
        try:
            run = import_run_create(
                organization=access.organization,
                kind=kind,
                upload=form.cleaned_data["file"],
                mapping=saved.mapping if saved is not None and saved.kind == kind else None,
                actor=request.user,
            )
        except ImportRefused as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("inventory:import_detail", org_slug=access.organization.slug, import_run_uuid=run.uuid)
    runs = access.filter(ImportRun).order_by("-created")[:10]
    return render(request, "inventory/import_start.html", {"access": access, "form": form, "runs": runs})


@org_view(STEERING)
def import_detail(request, access, import_run_uuid):
    """One import: preview and mapping (POST "check"), the check's report, the import (POST "import")."""
    run = access.get(ImportRun, uuid=import_run_uuid)
    context = {"access": access, "run": run, "fields": import_fields.fields_for(run.kind)}
    if run.status in (ImportRun.Status.RUNNING, ImportRun.Status.DONE) or (
        run.status == ImportRun.Status.FAILED and run.job_id
    ):
        context["job"] = run.job
        return render(request, "inventory/import_detail.html", context)
    if request.method == "POST":
        return _import_post(request, access, run)
    try:
        preview = import_run_preview(run=run)
    except ImportRefused as exc:
        context["refused"] = str(exc)
    else:
        context.update(
            header=preview.header,
            header_row=preview.header_row,
            preview=preview.rows,
            sheets=preview.sheets,
            sheet=preview.sheet,
            mapping=preview.mapping,
        )
    return render(request, "inventory/import_detail.html", context)


def _import_post(request, access, run):
    if "import" in request.POST:
        # A second click (or a concurrent request) finds the run claimed and just shows it.
        import_run_start(
            run=run,
            skip_invalid=request.POST.get("skip_invalid") == "on",
            actor=request.user,
            language=translation.get_language() or "nl",
        )
        return redirect("inventory:import_detail", org_slug=access.organization.slug, import_run_uuid=run.uuid)
    # "check": the mapping from the form, every row validated without writing.
    fields = import_fields.fields_for(run.kind)
    allowed = {f.name for f in fields}
    mapping = {key[4:]: value for key, value in request.POST.items() if key.startswith("map:") and value in allowed}
    try:
        report = import_run_check(
            run=run,
            mapping=mapping,
            sheet=request.POST.get("sheet", ""),
            save_as=request.POST.get("save_as", "").strip(),
            actor=request.user,
        )
    except ImportRefused as exc:
        messages.error(request, str(exc))
        return redirect("inventory:import_detail", org_slug=access.organization.slug, import_run_uuid=run.uuid)
    context = {"access": access, "run": run, "fields": fields, "report": report}
    return render(request, "inventory/import_detail.html", context)


@org_view(STEERING)
def import_errors(request, access, import_run_uuid):
    """The rows that were refused, as CSV (row numbers as a spreadsheet shows them)."""
    run = access.get(ImportRun, uuid=import_run_uuid)
    return exports.csv_response(
        f"errors-{run.filename}.csv",
        [_("Row"), _("Column"), _("Problem")],
        ([e["row"], e["column"], e["message"]] for e in run.errors),
    )


# --- exports -------------------------------------------------------------------------


@org_view(LEADERSHIP)
def export_activities(request, access):
    activities, _query, _sort = _filtered_activities(access, request.GET)
    return exports.activities_response(activities, request.GET.get("format", "csv"))


@org_view(LEADERSHIP)
def export_participations(request, access):
    return exports.participations_response(access.filter(Participation), request.GET.get("format", "csv"))


@org_view(LEADERSHIP)
def export_analysis(request, access):
    data = selectors.analysis(access.organization)
    return exports.analysis_response(data, selectors.starting_point(data), request.GET.get("format", "xlsx"))
