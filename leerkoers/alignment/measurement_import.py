"""Import KPI measurements from CSV or XLSX, all or nothing.

Reading, decoding and cell parsing are the inventory's import machinery
(leerkoers.inventory.importing: encodings, delimiters, hostile and broken files, Dutch
numbers and dates); this module only maps the columns of a measurement file and checks
each row against its KPI through services.measurements_create.

Columns (header in Dutch or English, any order): KPI (name or number; optional when one
KPI is chosen on the page), date, value, and optionally team (empty = whole organisation)
and unit (checked against the KPI's unit).
"""

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from leerkoers.alignment import services
from leerkoers.alignment.models import Kpi
from leerkoers.inventory.importing.reader import ImportRefused, open_table
from leerkoers.inventory.importing.values import is_blank, normalize, parse_date, parse_decimal
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


@dataclass
class ImportResult:
    created: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (where, message)
    more_errors: int = 0
    checked: int = 0  # rows found correct (a check stores nothing)
    preview: list = field(default_factory=list)  # the first MeasurementInputs, for the check

    @property
    def ok(self) -> bool:
        return not self.errors


def recognise(header: list[str]) -> dict[str, int]:
    """Column index per field, from the header's names in Dutch or English."""
    words = {normalize(word): name for name, options in HEADERS.items() for word in options}
    found: dict[str, int] = {}
    for index, column in enumerate(header):
        name = words.get(normalize(column))
        if name and name not in found:
            found[name] = index
    return found


def measurements_import(
    *, organization, path: str, filename: str, kpi: Kpi | None, actor, check_only: bool = False
) -> ImportResult:
    """Read the file, check every row and store all measurements, or none when anything is wrong.

    With `check_only` nothing is stored: the result says how many rows are correct and shows
    the first ones as they would be stored."""
    result = ImportResult()
    try:
        table = open_table(path, kind="participations", filename=filename)
    except ImportRefused as exc:
        result.errors.append(("", str(exc)))
        return result
    try:
        return _import_table(
            table, organization=organization, kpi=kpi, actor=actor, result=result, check_only=check_only
        )
    except ImportRefused as exc:
        result.errors = [("", str(exc))]
        return result
    finally:
        if callable(table.close):
            table.close()


def _find_header(table) -> tuple[dict[str, int], int, object]:
    """Our columns, the header's row number and the data rows after it.

    The reader picks the header with the inventory's column names; when that row holds fewer
    than two of ours, a lower row (up to 20) that holds them is taken instead."""
    columns = recognise(table.header)
    if len(columns) >= 2:
        return columns, table.header_row, table.rows
    skipped = []
    for number, cells in table.rows:
        found = recognise(["" if c is None else str(c) for c in cells])
        if len(found) >= 2:
            return found, number, table.rows
        skipped.append((number, cells))
        if len(skipped) >= 20:
            break
    return columns, table.header_row, itertools.chain(skipped, table.rows)


def _import_table(table, *, organization, kpi, actor, result: ImportResult, check_only: bool) -> ImportResult:
    columns, header_row, rows = _find_header(table)
    required = ["date", "value"] + ([] if kpi else ["kpi"])
    missing = [name for name in required if name not in columns]
    if missing:
        names = {"kpi": _("KPI"), "date": _("date"), "value": _("value")}
        result.errors.append(
            (
                _("row %(row)d") % {"row": header_row},
                _("The file has no column for: %(columns)s. Found columns: %(found)s.")
                % {"columns": ", ".join(str(names[m]) for m in missing), "found": ", ".join(table.header)},
            )
        )
        return result
    kpis = list(Kpi.objects.filter(organization=organization))
    kpi_by_id = {str(k.pk): k for k in kpis}
    kpi_by_name: dict[str, list[Kpi]] = defaultdict(list)
    for k in kpis:
        kpi_by_name[normalize(k.name)].append(k)
    teams = {normalize(t.name): t for t in Team.objects.filter(organization=organization)}
    limit = settings.ALIGNMENT_IMPORT_MAX_ROWS
    items = []

    def cell(cells, name):
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    for number, cells in rows:
        if len(items) + len(result.errors) >= limit:
            result.errors = [("", _("The file has more than %(limit)d rows; split it up.") % {"limit": limit})]
            return result
        where = _("row %(row)d") % {"row": number}
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
            result.errors.extend((where, problem) for problem in problems)
            continue
        items.append(services.MeasurementInput(where, row_kpi, day, value, team, unit))
    if not items and not result.errors:
        result.errors.append(("", _("The file holds no measurements.")))
    # Report the rows' problems with their KPIs too, so one round of corrections is enough.
    batch = services.measurement_batch_errors(organization=organization, items=items)
    result.errors.extend((row["where"], row["message"]) for row in batch)
    if result.errors:
        result.errors.sort(key=lambda error: _row_number(error[0]))
        return _trim(result)
    if check_only:
        result.checked, result.preview = len(items), items[:PREVIEW_ROWS]
        return result
    try:
        created = services.measurements_create(organization=organization, items=items, actor=actor)
    except services.MeasurementErrors as exc:  # changed in between: report, store nothing
        result.errors = [(row["where"], row["message"]) for row in exc.rows]
        return _trim(result)
    result.created = len(created)
    return result


def _row_number(where: str) -> int:
    digits = "".join(ch for ch in where if ch.isdigit())
    return int(digits) if digits else 0


def _trim(result: ImportResult) -> ImportResult:
    if len(result.errors) > MAX_ERRORS_SHOWN:
        result.more_errors = len(result.errors) - MAX_ERRORS_SHOWN
        result.errors = result.errors[:MAX_ERRORS_SHOWN]
    return result
