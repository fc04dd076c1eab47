"""CSV and XLSX exports of the inventory and the analysis; every text cell is neutralised
(a leading = + - @ would run as a formula when the file is opened in a spreadsheet)."""

import csv
import tempfile
from collections.abc import Iterable
from decimal import Decimal

import openpyxl
from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from leerkoers.inventory.coherence import InventoryAnalysis
from leerkoers.inventory.importing.values import neutralise
from leerkoers.inventory.models import ActivityTeam, Initiator, Kind
from leerkoers.lib import formatting

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 1_048_575  # Excel's limit, less the header


class _Echo:
    def write(self, value):
        return value


def _safe(row) -> list:
    return [neutralise(v) if isinstance(v, str) else ("" if v is None else v) for v in row]


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), delimiter=";")
    # The body streams after the view has returned: keep the language the request asked for.
    language = translation.get_language()

    def cells(row) -> list:
        # A semicolon CSV is what a Dutch spreadsheet opens; it reads "1250,50" as a number.
        return [formatting.plain_number(v) if isinstance(v, Decimal | float) else v for v in _safe(row)]

    def lines():
        with translation.override(language):
            yield "\ufeff" + writer.writerow(_safe(header))
            for row in rows:
                yield writer.writerow(cells(row))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_ascii(filename)}"'
    return response


def xlsx_response(filename: str, sheets: list[tuple[str, list[str], Iterable[list]]]) -> FileResponse:
    workbook = openpyxl.Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.append(_safe(header))
        for number, row in enumerate(rows, start=1):
            if number >= XLSX_MAX_ROWS:
                # Excel holds no more rows; say so in the sheet rather than cut off silently.
                sheet.append([_("More rows than Excel can hold; download CSV for all of them.")])
                break
            sheet.append(_safe(row))
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=_ascii(filename), content_type=XLSX_TYPE)


def _ascii(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in name)[:120]


def _format(fmt: str) -> str:
    if fmt not in ("csv", "xlsx"):
        raise HttpError(422, _("format must be csv or xlsx."))
    return fmt


ACTIVITY_COLUMNS = [
    ("external_id", "External id"), ("title", "Title"), ("kind", "Kind"), ("provider", "Provider"),
    ("initiator", "Initiated by"), ("start_date", "Start date"), ("end_date", "End date"),
    ("hours_per_participant", "Hours per participant"), ("cost", "Cost (euros)"),
    ("participants", "Number of participants"), ("goal", "Goal"), ("result", "Result"),
    ("result_measure", "How the result was measured"), ("evaluation_level", "Evaluation level"),
    ("mandatory", "Mandatory"), ("participation_count", "Participation records"),
]  # fmt: skip


def _activity_rows(activities):
    teams: dict[int, list[str]] = {}
    ids = list(activities.values_list("pk", flat=True))
    for start in range(0, len(ids), 900):
        for activity_id, name in ActivityTeam.objects.filter(activity_id__in=ids[start : start + 900]).values_list(
            "activity_id", "team__name"
        ):
            teams.setdefault(activity_id, []).append(name)
    for values in activities.values_list("pk", *[name for name, _label in ACTIVITY_COLUMNS]).iterator(2000):
        pk, *rest = values
        yield [*rest, ", ".join(sorted(teams.get(pk, [])))]


def activities_response(activities, fmt: str):
    header = [_(label) for _name, label in ACTIVITY_COLUMNS] + [_("Teams")]
    if _format(fmt) == "csv":
        return csv_response("activities.csv", header, _activity_rows(activities))
    return xlsx_response("activities.xlsx", [(_("Activities"), header, _activity_rows(activities))])


PARTICIPATION_COLUMNS = [
    ("person_key", "Person"), ("activity__title", "Activity"), ("activity__external_id", "Activity (external id)"),
    ("team__name", "Team"), ("status", "Status"), ("enrolled_on", "Enrolment date"),
    ("completion_date", "Completion date"), ("hours", "Hours"), ("score", "Score"),
]  # fmt: skip


def participations_response(participations, fmt: str):
    header = [_(label) for _name, label in PARTICIPATION_COLUMNS]
    rows = participations.order_by("pk").values_list(*[n for n, _label in PARTICIPATION_COLUMNS]).iterator(5000)
    if _format(fmt) == "csv":
        return csv_response("participations.csv", header, rows)
    return xlsx_response("participations.xlsx", [(_("Participations"), header, rows)])


def analysis_json(data: InventoryAnalysis, starting_point: list[str]) -> dict:
    """The analysis as the API gives it (amounts as strings, exact)."""

    def share(s):
        return None if s is None else {"count": s.count, "total": s.total, "percent": s.percent}

    def rows(items):
        return [
            {
                "key": r.key,
                "spend": str(r.spend),
                "hours": str(r.hours),
                "completed_hours": str(r.completed_hours),
                "activities": r.activities,
            }
            for r in items
        ]

    return {
        "activities": data.activity_count,
        "participations": data.participation_count,
        "spend": str(data.total_spend),
        "booked_hours": str(data.booked_hours),
        "completed_hours": str(data.completed_hours),
        "with_goal": share(data.shares.with_goal),
        "with_measured_result": share(data.shares.with_measured_result),
        "linked_to_learning_goal": share(data.shares.linked_to_goal),
        "by_initiator": rows(data.by_initiator),
        "by_kind": rows(data.by_kind),
        "by_team": rows(data.by_team),
        "by_month": rows(data.by_month),
        "participation_per_team": [
            {
                "team": t.team,
                "participations": t.participations,
                "people": t.people,
                "per_employee": None if t.per_employee is None else str(t.per_employee),
            }
            for t in data.teams
        ],
        "overlap_groups": data.overlap_groups,
        "overlap_spend": str(data.overlap_spend),
        "overlap_saving": {"low": str(data.overlap_saving_low), "high": str(data.overlap_saving_high)},
        "overlaps": [
            {
                "label": g.label,
                "spend": str(g.spend),
                "saving": {"low": str(g.saving_low), "high": str(g.saving_high)},
                "providers": g.providers,
                "teams": g.teams,
                "activities": [a.id for a in g.activities],
            }
            for g in data.overlaps
        ],
        "starting_point": starting_point,
    }


def analysis_response(data: InventoryAnalysis, starting_point: list[str], fmt: str):
    initiators, kinds = dict(Initiator.choices), dict(Kind.choices)
    figures = [
        [_("Activities"), data.shares.total],
        [_("With a goal (%)"), data.shares.with_goal.percent],
        [_("With a measured result (%)"), data.shares.with_measured_result.percent],
        [
            _("Linked to a learning goal (%)"),
            data.shares.linked_to_goal.percent if data.shares.linked_to_goal else _("not yet available"),
        ],
        [_("Completed hours"), data.completed_hours],
        [_("Booked hours (every enrolment)"), data.booked_hours],
        [_("Possible saving on overlaps, low (volume discount)"), data.overlap_saving_low],
        [_("Possible saving on overlaps, high (only the cheapest purchase)"), data.overlap_saving_high],
    ]
    spend_header = [_("Group"), _("Spend (euros)"), _("Booked hours"), _("Completed hours"), _("Activities")]

    def spend(rows, labels=None):
        return [
            [
                str(labels.get(r.key, r.key)) if labels else r.key or "—",
                r.spend,
                r.hours,
                r.completed_hours,
                r.activities,
            ]
            for r in rows
        ]

    overlap_rows = [
        [g.label, a.title, a.provider, a.cost, g.spend, g.saving_low, g.saving_high]
        for g in data.overlaps
        for a in g.activities
    ]
    team_rows = [[t.team or "—", t.participations, t.people, t.per_employee] for t in data.teams]
    overlap_header = [
        _("Subject"),
        _("Activity"),
        _("Provider"),
        _("Cost"),
        _("Combined spend"),
        _("Saving, low"),
        _("Saving, high"),
    ]
    sheets = [
        (_("Starting point"), [_("Starting point")], [[s] for s in starting_point]),
        (_("Figures"), [_("Figure"), _("Value")], figures),
        (_("By initiator"), spend_header, spend(data.by_initiator, initiators)),
        (_("By kind"), spend_header, spend(data.by_kind, kinds)),
        (_("By team"), spend_header, spend(data.by_team)),
        (_("By month"), spend_header, spend(data.by_month)),
        (_("Participation"), [_("Team"), _("Participations"), _("People"), _("Per person")], team_rows),
        (_("Overlap"), overlap_header, overlap_rows),
    ]
    if _format(fmt) == "xlsx":
        return xlsx_response("analysis.xlsx", sheets)
    # CSV holds one table: the sections one after the other, each with a title row.
    rows = []
    for title, header, body in sheets:
        rows += [[title], header, *body, []]
    return csv_response("analysis.csv", [_("Analysis")], rows)
