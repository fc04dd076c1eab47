"""Validate the rows of a table against a mapping, without writing anything.

One code path for every caller: `parse_rows` turns each data row into a tuple of typed values
(in the order of `compile_mapping(...).names`) and collects every problem as a RowError with
the spreadsheet row number, the column header as the file names it and a message in the
active language. Parsed values are cached per column and raw text, which makes a
million-row LMS export (the same dates and numbers over and over) cheap to check.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from leerkoers.inventory.importing.fields import Field, fields_for
from leerkoers.inventory.importing.reader import ImportRefused
from leerkoers.inventory.models import ImportKind

MAX_REPORTED_ERRORS = 1000
_FAILED = object()


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Plan:
    """A mapping compiled against a header: which column index feeds which field."""

    names: list[str]
    columns: list[tuple[int, str, Callable]]  # (index in the row, header, parser)
    fields: list[Field]

    def index(self, name: str) -> int:
        return self.names.index(name)


@dataclass
class Parsed:
    rows: list[tuple] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    invalid_rows: int = 0
    rows_seen: int = 0

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(error)


def compile_mapping(header: list[str], mapping: dict[str, str], kind: str) -> Plan:
    """Check a {header: field} mapping and compile it; raise ImportRefused for unusable ones."""
    fields = {f.name: f for f in fields_for(kind)}
    columns, names, used = [], [], set()
    for column, name in mapping.items():
        if not name:
            continue
        if name not in fields:
            raise ImportRefused(_("“%(field)s” is not a field that can be imported.") % {"field": name})
        if column not in header:
            raise ImportRefused(_("The file has no column “%(column)s”.") % {"column": column})
        if name in used:
            raise ImportRefused(_("Two columns are mapped to “%(field)s”; choose one.") % {"field": fields[name].label})
        used.add(name)
        names.append(name)
        columns.append((header.index(column), column, fields[name].parse))
    missing = [str(f.label) for f in fields.values() if f.required and f.name not in used]
    if kind == ImportKind.PARTICIPATIONS and not used & {"activity", "activity_external_id"}:
        missing.append(str(_("Activity (title or external id)")))
    if missing:
        raise ImportRefused(
            _("No column is mapped to: %(fields)s. Choose the columns in the mapping.") % {"fields": ", ".join(missing)}
        )
    return Plan(names=names, columns=columns, fields=[fields[n] for n in names])


def parse_rows(
    rows: Iterator[tuple[int, list]],
    plan: Plan,
    *,
    max_rows: int,
    check: Callable[[dict], list[tuple[str, str]]] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Parsed:
    """Parse and validate every row; valid rows are kept, invalid ones reported.

    `check` gets a row as {field: value} and returns (field, message) pairs for problems that
    involve more than one cell (an end date before the start date).
    """
    parsed = Parsed()
    caches: list[dict] = [{} for _column in plan.columns]
    columns = list(zip(plan.columns, caches, strict=True))
    header_of = {name: column for name, (_i, column, _p) in zip(plan.names, plan.columns, strict=True)}
    append_row, append_number = parsed.rows.append, parsed.numbers.append
    for number, cells in rows:
        parsed.rows_seen += 1
        if parsed.rows_seen > max_rows:
            raise ImportRefused(_("The file has more than %(max)d rows; split it up.") % {"max": max_rows})
        width = len(cells)
        values = []
        row_errors = None
        for (index, column, parse), cache in columns:
            raw = cells[index] if index < width else None
            try:
                value = cache[raw]
            except KeyError:
                try:
                    value = parse(raw)
                except ValueError as exc:
                    value = (_FAILED, str(exc))
                if len(cache) < 100_000:
                    cache[raw] = value
            except TypeError:  # an unhashable cell cannot occur from csv/openpyxl, but be safe
                value = parse(raw)
            if type(value) is tuple and value and value[0] is _FAILED:
                row_errors = row_errors or []
                row_errors.append(RowError(number, column, value[1]))
                value = None
            values.append(value)
        if check is not None and row_errors is None:
            for name, message in check(dict(zip(plan.names, values, strict=True))):
                row_errors = row_errors or []
                row_errors.append(RowError(number, header_of.get(name, name), message))
        if row_errors:
            parsed.invalid_rows += 1
            for error in row_errors:
                parsed.add_error(error)
            continue
        append_row(tuple(values))
        append_number(number)
        if progress is not None and parsed.rows_seen % 10_000 == 0:
            progress(parsed.rows_seen)
    return parsed
