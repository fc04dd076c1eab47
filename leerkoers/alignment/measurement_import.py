"""Import KPI measurements from CSV or XLSX, all or nothing.

Reading and decoding are the shared table reader (leerkoers.lib.tables: encodings,
delimiters, hostile and broken files, title rows above the header), told what a measurement
file's header looks like; cells are read with the inventory's Dutch number and date parsers.
This module only maps the columns and checks each row against its KPI through
services.measurements_create.

Columns (header in Dutch or English, any order): KPI (name or number; optional when one
KPI is chosen on the page), date, value, and optionally team (empty = whole organisation)
and unit (checked against the KPI's unit).
"""

from collections import defaultdict

from django.conf import settings
from django.utils.translation import gettext as _

from leerkoers.alignment import services
from leerkoers.alignment.models import Kpi
from leerkoers.inventory.importing.values import normalize, parse_date, parse_decimal
from leerkoers.lib.tables import ImportRefused, ImportResult, RowError, is_blank, open_table
from leerkoers.orgs.models import Team

HEADERS = {
    "kpi": ("kpi", "kpi naam", "kpi nummer", "kpi id", "indicator", "prestatie indicator", "name", "naam"),
    "date": ("datum", "date", "meetdatum", "peildatum", "periode", "measured on"),
    "value": ("waarde", "value", "meting", "uitkomst", "resultaat", "result", "score"),
    "team": ("team", "afdeling", "scope", "department", "organisatieonderdeel"),
    "unit": ("eenheid", "unit"),
}
WHOLE_ORGANISATION = {
    normalize(word)
    for word in ("", "organisatie", "hele organisatie", "organisation", "organization", "totaal", "total", "all")
}
MAX_ERRORS_SHOWN = 200
PREVIEW_ROWS = 10


def recognise(header: list[str]) -> dict[str, int]:
    """Column index per field, from the header's names in Dutch or English."""
    words = {normalize(word): name for name, options in HEADERS.items() for word in options}
    found: dict[str, int] = {}
    for index, column in enumerate(header):
        name = words.get(normalize(column))
        if name and name not in found:
            found[name] = index
    return found


def _is_header(cells: list) -> bool:
    return len(recognise(["" if cell is None else str(cell) for cell in cells])) >= 2


def measurements_import(
    *, organization, path: str, filename: str, kpi: Kpi | None, actor, check_only: bool = False
) -> ImportResult:
    """Read the file, check every row and store all measurements, or none when anything is wrong.

    With `check_only` nothing is stored (`dry_run`): the result says how many rows are correct
    (`checked`) and shows the first ones as they would be stored (`preview`). Errors carry the
    spreadsheet row (0: the file as a whole)."""
    result = ImportResult(kind="measurements", dry_run=check_only)
    try:
        table = open_table(path, is_header=_is_header, filename=filename)
    except ImportRefused as exc:
        return _refused(result, exc)
    try:
        return _import_table(
            table, organization=organization, kpi=kpi, actor=actor, result=result, check_only=check_only
        )
    except ImportRefused as exc:
        return _refused(result, exc)
    finally:
        table.close()


def _refused(result: ImportResult, exc: ImportRefused) -> ImportResult:
    result.errors, result.error_count, result.valid_rows = [RowError(0, "", str(exc))], 1, 0
    return result


def _import_table(table, *, organization, kpi, actor, result: ImportResult, check_only: bool) -> ImportResult:
    columns, header_row, rows = recognise(table.header), table.header_row, table.rows
    result.header = table.header
    required = ["date", "value"] + ([] if kpi else ["kpi"])
    missing = [name for name in required if name not in columns]
    if missing:
        names = {"kpi": _("KPI"), "date": _("date"), "value": _("value")}
        message = _("The file has no column for: %(columns)s. Found columns: %(found)s.") % {
            "columns": ", ".join(str(names[m]) for m in missing),
            "found": ", ".join(table.header),
        }
        return _finish(result, [RowError(header_row, "", message)])
    kpis = list(Kpi.objects.filter(organization=organization))
    kpi_by_id = {str(k.pk): k for k in kpis}
    kpi_by_name: dict[str, list[Kpi]] = defaultdict(list)
    for k in kpis:
        kpi_by_name[normalize(k.name)].append(k)
    teams = {normalize(t.name): t for t in Team.objects.filter(organization=organization)}
    limit = settings.ALIGNMENT_IMPORT_MAX_ROWS
    items = []
    errors: list[RowError] = []
    row_of: dict[str, int] = {}  # the services name a row by its `where`

    def cell(cells, name):
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    for number, cells in rows:
        if len(items) + len(errors) >= limit:
            raise ImportRefused(_("The file has more than %(limit)d rows; split it up.") % {"limit": limit})
        result.rows += 1
        where = _("row %(row)d") % {"row": number}
        row_of[where] = number
        problems = []
        row_kpi = kpi
        raw_kpi = cell(cells, "kpi")
        if not is_blank(raw_kpi):
            text = str(raw_kpi).strip()
            text = text[:-2] if text.endswith(".0") else text
            named = kpi_by_id.get(text) or (
                kpi_by_name[normalize(text)][0] if len(kpi_by_name.get(normalize(text), [])) == 1 else None
            )
            if named is None:
                if len(kpi_by_name.get(normalize(text), [])) > 1:
                    problems.append(_("Several KPIs are called “%(kpi)s”; use the KPI’s number.") % {"kpi": text})
                else:
                    problems.append(_("Unknown KPI “%(kpi)s”.") % {"kpi": text})
            elif kpi is not None and named.pk != kpi.pk:
                problems.append(_("This row is for another KPI (“%(kpi)s”) than the one chosen.") % {"kpi": text})
            else:
                row_kpi = named
        elif row_kpi is None:
            problems.append(_("The KPI is missing."))
        try:
            day = parse_date(cell(cells, "date"))
            if day is None:
                problems.append(_("The date is missing."))
        except ValueError as exc:
            day = None
            problems.append(str(exc))
        try:
            value = parse_decimal(cell(cells, "value"))
            if value is None:
                problems.append(_("The value is missing."))
        except ValueError as exc:
            value = None
            problems.append(str(exc))
        team = None
        raw_team = cell(cells, "team")
        if not is_blank(raw_team) and normalize(raw_team) not in WHOLE_ORGANISATION:
            team = teams.get(normalize(raw_team))
            if team is None:
                problems.append(_("Unknown team “%(team)s”.") % {"team": raw_team})
        raw_unit = cell(cells, "unit")
        unit = "" if is_blank(raw_unit) else str(raw_unit).strip()
        if problems:
            result.invalid_rows += 1
            errors.extend(RowError(number, "", problem) for problem in problems)
            continue
        items.append(services.MeasurementInput(where, row_kpi, day, value, team, unit))
    if not items and not errors:
        return _finish(result, [RowError(0, "", _("The file holds no measurements."))])
    # Report the rows' problems with their KPIs too, so one round of corrections is enough.
    batch = services.measurement_batch_errors(organization=organization, items=items)
    errors.extend(RowError(row_of.get(row["where"], 0), "", row["message"]) for row in batch)
    if errors:
        return _finish(result, errors)
    result.valid_rows = len(items)
    if check_only:
        result.preview = items[:PREVIEW_ROWS]
        return result
    try:
        created = services.measurements_create(organization=organization, items=items, actor=actor)
    except services.MeasurementErrors as exc:  # changed in between: report, store nothing
        return _finish(result, [RowError(row_of.get(row["where"], 0), "", row["message"]) for row in exc.rows])
    result.created, result.written = len(created), True
    return result


def _finish(result: ImportResult, errors: list[RowError]) -> ImportResult:
    """Nothing stored: every problem counted, the first MAX_ERRORS_SHOWN kept in row order."""
    errors.sort(key=lambda error: error.row)
    result.error_count, result.errors = len(errors), errors[:MAX_ERRORS_SHOWN]
    result.valid_rows = 0
    return result
