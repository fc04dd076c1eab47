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

from leerkoers.inventory.importing.fields import Field, fields_for, recognise
from leerkoers.inventory.models import ImportKind
from leerkoers.lib.tables import ImportRefused, RowError

MAX_REPORTED_ERRORS = 1000


@dataclass
class Plan:
    """A mapping compiled against a header: which column index feeds which field."""

    names: list[str]
    columns: list[tuple[int, str, Callable]]  # (index in the row, header, parser)
    fields: list[Field]

    def index(self, name: str) -> int:
        return self.names.index(name)


class _Failure:
    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


class _Cache(dict):
    """raw cell → parsed value (or _Failure); `map(cache.__getitem__, column)` runs at C
    speed for every value seen before, which is nearly all of them in an LMS export."""

    def __init__(self, parse: Callable):
        super().__init__()
        self.parse = parse
        self.failed = False

    def __missing__(self, raw):
        try:
            value = self.parse(raw)
        except ValueError as exc:
            value = _Failure(str(exc))
            self.failed = True
        if len(self) < 200_000:
            self[raw] = value
        return value


@dataclass
class Parsed:
    """The valid rows, column by column (`columns[i]` belongs to `names[i]`)."""

    names: list[str] = field(default_factory=list)
    columns: list[list] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    invalid_rows: int = 0
    rows_seen: int = 0

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(error)

    @property
    def valid_count(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    @property
    def rows(self) -> list[tuple]:
        return list(zip(*self.columns, strict=True))

    def column(self, name: str) -> list:
        """The values of one field (None for every row when the file has no column for it)."""
        if name in self.names:
            return self.columns[self.names.index(name)]
        return [None] * self.valid_count


def resolve_mapping(header: list[str], mapping: dict | None, kind: str) -> dict[str, str]:
    """The mapping to use: given as {column: field} or {field: column}, or recognised.

    Columns a given mapping leaves out are still recognised, so that a saved mapping for the
    odd columns of a system does not need to repeat the obvious ones.
    """
    recognised = recognise(header, kind)
    if not mapping:
        return recognised
    field_names = {f.name for f in fields_for(kind)}
    if all(key in field_names for key in mapping) and not all(key in header for key in mapping):
        mapping = {column: name for name, column in mapping.items() if column}
    result = {column: name for column, name in recognised.items() if name not in set(mapping.values())}
    result = {column: name for column, name in result.items() if column not in mapping}
    result.update({column: name for column, name in mapping.items() if name})
    return result


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


CHUNK_ROWS = 50_000


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
    involve more than one cell (an end date before the start date). Rows are read in chunks
    and parsed column by column, so that memory holds one chunk of raw text at a time.
    """
    parsed = Parsed(names=list(plan.names), columns=[[] for _name in plan.names])
    caches = [_Cache(parse) for _index, _column, parse in plan.columns]
    chunk: list[list] = []
    numbers: list[int] = []
    for number, cells in rows:
        chunk.append(cells)
        numbers.append(number)
        if len(chunk) >= CHUNK_ROWS:
            _parse_chunk(chunk, numbers, plan, caches, parsed, check)
            chunk, numbers = [], []
            if parsed.rows_seen > max_rows:
                raise ImportRefused(_("The file has more than %(max)d rows; split it up.") % {"max": max_rows})
            if progress is not None:
                progress(parsed.rows_seen)
    if chunk:
        _parse_chunk(chunk, numbers, plan, caches, parsed, check)
    if parsed.rows_seen > max_rows:
        raise ImportRefused(_("The file has more than %(max)d rows; split it up.") % {"max": max_rows})
    return parsed


def _parse_chunk(chunk, numbers, plan: Plan, caches: list[_Cache], parsed: Parsed, check) -> None:
    parsed.rows_seen += len(chunk)
    width = max(index for index, _h, _p in plan.columns) + 1
    for cells in chunk:
        if len(cells) < width:
            cells.extend([None] * (width - len(cells)))
    transposed = list(zip(*chunk, strict=False))  # C speed: one tuple per column of the file
    columns = []
    bad: dict[int, list[RowError]] = {}
    for (index, header, _parse), cache in zip(plan.columns, caches, strict=True):
        raw = transposed[index]
        try:
            values = list(map(cache.__getitem__, raw))
        except TypeError:  # an unhashable cell; csv and openpyxl never give one
            values = [cache.__missing__(v) for v in raw]
        if cache.failed:
            for position, value in enumerate(values):
                if type(value) is _Failure:
                    bad.setdefault(position, []).append(RowError(numbers[position], header, value.message))
                    values[position] = None
        columns.append(values)
    if check is not None:
        header_of = {name: column for name, (_i, column, _p) in zip(plan.names, plan.columns, strict=True)}
        for position, row in enumerate(zip(*columns, strict=True)):
            if position in bad:
                continue
            for name, message in check(dict(zip(plan.names, row, strict=True))):
                bad.setdefault(position, []).append(RowError(numbers[position], header_of.get(name, name), message))
    if bad:
        parsed.invalid_rows += len(bad)
        for position in sorted(bad):
            for error in bad[position]:
                parsed.add_error(error)
        keep = [i for i in range(len(chunk)) if i not in bad]
        columns = [[values[i] for i in keep] for values in columns]
    for target, values in zip(parsed.columns, columns, strict=True):
        target.extend(values)
