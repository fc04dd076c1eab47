"""Writing the inventory: activities and participations by hand, by file import, by xAPI.

Imports are one code path for the web UI, the management commands and the API:
open the file (importing.reader) → compile the mapping → parse and validate every row
(importing.rows) → write, all or nothing unless `skip_invalid`. Nothing is written when
`dry_run` is set, which is also how the UI's validation report is made.

Participations are written with plain SQL in large batches (SQLite: executemany with an
upsert; PostgreSQL: COPY into a temporary table and one INSERT … ON CONFLICT), because a
large organisation's LMS export has millions of rows and per-row ORM objects manage a few
tens of thousands a second.
"""

import contextlib
import datetime as dt
import gc
import hashlib
import hmac
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkoers.audit.services import audit_record
from leerkoers.inventory.importing import fields as import_fields
from leerkoers.inventory.importing.reader import ImportRefused, open_table
from leerkoers.inventory.importing.rows import RowError, compile_mapping, parse_rows
from leerkoers.inventory.importing.values import normalize
from leerkoers.inventory.models import Activity, ActivityTeam, ImportKind, Participation, Source
from leerkoers.orgs.models import Membership, Team

BATCH_ROWS = 50_000
logger = logging.getLogger(__name__)


# --- keys ----------------------------------------------------------------------------


def natural_key(title: str, provider: str, start_date: dt.date | None) -> str:
    """The stable key of an activity without an external id: title + provider + start date."""
    text = "|".join((normalize(title), normalize(provider or ""), start_date.isoformat() if start_date else ""))
    return hashlib.sha256(text.encode()).hexdigest()


def pseudonym(identifier: str) -> str:
    """A keyed hash for a participant who is not a member: stable across imports, not reversible."""
    digest = hmac.new(
        settings.INVENTORY_PSEUDONYM_KEY.encode(), identifier.strip().lower().encode(), hashlib.sha256
    ).hexdigest()
    # 80 bits: collisions are negligible for millions of people, and a short key keeps the
    # two indexes that hold it small (a million-row import writes them both).
    return "~" + digest[:20]


class People:
    """Resolves a participant (employee number or e-mail) to (person_key, membership id, team id)."""

    def __init__(self, organization):
        self.by_key: dict[str, tuple[str, int, int | None]] = {}
        for pk, number, email, team_id in Membership.objects.filter(organization=organization).values_list(
            "pk", "employee_number", "user__email", "team_id"
        ):
            if number:
                self.by_key[number.strip().lower()] = (number.strip(), pk, team_id)
            self.by_key[email.lower()] = (email.lower(), pk, team_id)
        self.cache: dict[str, tuple[str, int | None, int | None]] = {}

    def resolve(self, identifier: str) -> tuple[str, int | None, int | None]:
        try:
            return self.cache[identifier]
        except KeyError:
            pass
        key = identifier.strip().lower()
        if key.startswith("mailto:"):
            key = key[7:]
        found = self.by_key.get(key)
        result = found if found is not None else (pseudonym(key), None, None)
        self.cache[identifier] = result
        return result


def team_lookup(organization) -> dict[str, int]:
    return {
        normalize(name): pk for pk, name in Team.objects.filter(organization=organization).values_list("pk", "name")
    }


def split_teams(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,|/\n]+", text or "") if part.strip()]


# --- results -------------------------------------------------------------------------


@dataclass
class ImportResult:
    kind: str
    header: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    valid_rows: int = 0
    invalid_rows: int = 0
    error_count: int = 0
    errors: list[dict] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    new_activities: int = 0
    # Valid rows that update an earlier row of the same file (the same activity, or the same
    # person in the same activity): only the last one is kept, and the summary says so.
    merged: int = 0
    unknown_teams: list[str] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def resolve_mapping(header: list[str], mapping: dict | None, kind: str) -> dict[str, str]:
    """The mapping to use: given as {column: field} or {field: column}, or recognised.

    Columns a given mapping leaves out are still recognised, so that a saved mapping for the
    odd columns of a system does not need to repeat the obvious ones.
    """
    recognised = import_fields.recognise(header, kind)
    if not mapping:
        return recognised
    field_names = {f.name for f in import_fields.fields_for(kind)}
    if all(key in field_names for key in mapping) and not all(key in header for key in mapping):
        mapping = {column: name for name, column in mapping.items() if column}
    result = {column: name for column, name in recognised.items() if name not in set(mapping.values())}
    result = {column: name for column, name in result.items() if column not in mapping}
    result.update({column: name for column, name in mapping.items() if name})
    return result


def import_file(
    *,
    kind: str,
    organization,
    path: str,
    filename: str = "",
    mapping: dict | None = None,
    sheet: str = "",
    skip_invalid: bool = False,
    dry_run: bool = False,
    actor=None,
    progress: Callable | None = None,
) -> ImportResult:
    """Import a CSV or XLSX file of activities or participations into `organization`.

    Raises ImportRefused (with a message for the user) for files that cannot be read or a
    mapping that lacks required fields. Otherwise returns an ImportResult: when any row is
    invalid and `skip_invalid` is false, nothing is written and the errors say why.
    """
    # The cyclic garbage collector would walk the millions of row tuples an import holds
    # again and again (they contain no cycles); pausing it makes a large import 2-3x faster.
    with _gc_paused():
        return _import_file(
            kind=kind, organization=organization, path=path, filename=filename, mapping=mapping, sheet=sheet,
            skip_invalid=skip_invalid, dry_run=dry_run, actor=actor, progress=progress,
        )  # fmt: skip


@contextlib.contextmanager
def _gc_paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import_file(*, kind, organization, path, filename, mapping, sheet, skip_invalid, dry_run, actor, progress):
    table = open_table(path, kind=kind, filename=filename, sheet=sheet)
    try:
        used_mapping = resolve_mapping(table.header, mapping, kind)
        plan = compile_mapping(table.header, used_mapping, kind)
        result = ImportResult(kind=kind, header=table.header, mapping=used_mapping, dry_run=dry_run)
        check = _activity_check if kind == ImportKind.ACTIVITIES else None
        clock = _Clock()
        parsed = parse_rows(
            table.rows,
            plan,
            max_rows=settings.IMPORT_MAX_ROWS,
            check=check,
            progress=(lambda n: progress(n, None, _("Checking rows"))) if progress else None,
        )
    finally:
        table.close()
    clock.lap(f"{parsed.rows_seen} rows read and checked")
    if parsed.rows_seen == 0:
        raise ImportRefused(_("The file has a header but no rows to import."))
    result.rows = parsed.rows_seen
    result.valid_rows = parsed.valid_count
    result.invalid_rows = parsed.invalid_rows
    result.error_count = parsed.error_count
    result.errors = [e.as_dict() for e in parsed.errors]
    if dry_run or (parsed.error_count and not skip_invalid) or not parsed.valid_count:
        if dry_run and parsed.valid_count:
            _preview_counts(kind, organization, plan, parsed, result)
        return result
    writer = _write_activities if kind == ImportKind.ACTIVITIES else _write_participations
    with transaction.atomic():
        writer(organization=organization, plan=plan, parsed=parsed, result=result, progress=progress)
        result.written = True
        transaction.on_commit(lambda: _changed(organization, participations=kind == ImportKind.PARTICIPATIONS))
        audit_record(
            organization=organization,
            actor=actor,
            action=f"inventory.import_{kind}",
            summary=f"{filename}: {result.created} created, {result.updated} updated, {result.invalid_rows} skipped",
        )
        clock = _Clock()
    clock.lap("committed")  # PostgreSQL checks the deferred foreign keys here
    return result


def _activity_check(row: dict) -> list[tuple[str, str]]:
    start, end = row.get("start_date"), row.get("end_date")
    if start and end and end < start:
        return [("end_date", _("The end date lies before the start date."))]
    return []


def _preview_counts(kind, organization, plan, parsed, result) -> None:
    """For a dry run: how many rows would create and how many would update, and how many
    rows update an earlier row of the same file (shown before anything is written)."""
    if kind != ImportKind.ACTIVITIES:
        people = People(organization)
        keys = zip(
            (normalize(text or "") for text in _column(plan, parsed, "activity")),
            _column(plan, parsed, "activity_external_id"),
            (people.resolve(person)[0] for person in _column(plan, parsed, "person")),
            strict=True,
        )
        result.merged = parsed.valid_count - len(set(keys))
        return
    keys = _activity_keys(organization)
    targets = set()
    for row in parsed.rows:
        values = dict(zip(plan.names, row, strict=True))
        pk = _match_activity(keys, values)
        targets.add(pk if pk is not None else ("new", values.get("external_id") or natural_key(
            values.get("title", ""), values.get("provider", ""), values.get("start_date"))))  # fmt: skip
    result.created = sum(1 for target in targets if isinstance(target, tuple))
    result.updated = len(targets) - result.created
    result.merged = parsed.valid_count - len(targets)


# --- activities ----------------------------------------------------------------------

ACTIVITY_FIELDS = [f.name for f in Activity._meta.concrete_fields]


def _activity_keys(organization) -> dict[str, dict[str, int]]:
    by_external, by_natural = {}, {}
    for pk, external_id, key in Activity.objects.filter(organization=organization).values_list(
        "pk", "external_id", "natural_key"
    ):
        if external_id:
            by_external[external_id] = pk
        by_natural.setdefault(key, pk)
    return {"external": by_external, "natural": by_natural}


def _match_activity(keys, values: dict) -> int | None:
    external_id = values.get("external_id") or ""
    if external_id:
        return keys["external"].get(external_id)
    key = natural_key(values.get("title", ""), values.get("provider", ""), values.get("start_date"))
    return keys["natural"].get(key)


def _write_activities(*, organization, plan, parsed, result, progress) -> None:
    keys = _activity_keys(organization)
    teams = team_lookup(organization)
    unknown_teams: set[str] = set()
    by_target: dict[object, tuple[dict, list[int] | None]] = {}
    for row in parsed.rows:
        values = dict(zip(plan.names, row, strict=True))
        team_names = values.pop("teams", None)
        team_ids = None
        if team_names is not None:
            team_ids = []
            for name in split_teams(team_names):
                if normalize(name) in teams:
                    team_ids.append(teams[normalize(name)])
                else:
                    unknown_teams.add(name)
        pk = _match_activity(keys, values)
        target = pk if pk is not None else ("new", values.get("external_id") or natural_key(
            values.get("title", ""), values.get("provider", ""), values.get("start_date")))  # fmt: skip
        by_target[target] = (values, team_ids)
    existing = Activity.objects.in_bulk([t for t in by_target if not isinstance(t, tuple)])
    to_create, to_update, links = [], [], []
    update_fields = sorted({n for n in plan.names if n != "teams"} | {"natural_key", "updated"})
    for target, (values, team_ids) in by_target.items():
        if isinstance(target, tuple):
            activity = Activity(organization=organization, source=Source.IMPORT, **values)
            to_create.append(activity)
        else:
            activity = existing[target]
            for name, value in values.items():
                setattr(activity, name, value)
            activity.updated = timezone.now()
            to_update.append(activity)
        activity.natural_key = natural_key(activity.title, activity.provider, activity.start_date)
        if activity.evaluation_level is None:
            activity.evaluation_level = 0
        links.append((activity, team_ids))
    Activity.objects.bulk_create(to_create, batch_size=1000)
    Activity.objects.bulk_update(to_update, update_fields, batch_size=1000)
    replaced = [a.pk for a, team_ids in links if team_ids is not None]
    ActivityTeam.objects.filter(organization=organization, activity_id__in=replaced).delete()
    ActivityTeam.objects.bulk_create(
        [
            ActivityTeam(organization=organization, activity=a, team_id=t)
            for a, team_ids in links
            for t in dict.fromkeys(team_ids or [])
        ],
        batch_size=1000,
    )
    result.created, result.updated = len(to_create), len(to_update)
    result.merged = parsed.valid_count - len(by_target)
    result.unknown_teams = sorted(unknown_teams)[:50]


# --- participations ------------------------------------------------------------------


def _column(plan, parsed, name: str) -> list:
    if name in plan.names:
        return parsed.columns[plan.names.index(name)]
    return [None] * parsed.valid_count


def _resolve_activities(organization, plan, parsed, *, create: bool) -> tuple[list[int | None], int]:
    """Activity id for every parsed row (by external id, else title); unknown ones are created."""
    keys = list(zip(_column(plan, parsed, "activity_external_id"), _column(plan, parsed, "activity"), strict=True))
    by_external, by_title = {}, {}
    for pk, external_id, title in (
        Activity.objects.filter(organization=organization).order_by("pk").values_list("pk", "external_id", "title")
    ):
        if external_id:
            by_external[external_id] = pk
        by_title.setdefault(normalize(title), pk)
    cache: dict[tuple, int | None] = {}
    missing: dict[tuple, tuple[str, str]] = {}
    for key in set(keys):
        external_id, title = key
        pk = by_external.get(external_id) if external_id else None
        if pk is None and not external_id and title:
            pk = by_title.get(normalize(title))
        cache[key] = pk
        if pk is None:
            missing[key] = (external_id or "", title or external_id)
    if missing and create:
        new = [
            Activity(
                organization=organization,
                title=title[:300],
                external_id=external_id,
                source=Source.IMPORT,
                kind="other",
                natural_key=natural_key(title, "", None),
            )
            for (external_id, title) in missing.values()
        ]
        Activity.objects.bulk_create(new, batch_size=1000)
        for key, activity in zip(missing, new, strict=True):
            cache[key] = activity.pk
    return list(map(cache.__getitem__, keys)), len(missing)


PARTICIPATION_COLUMNS = [
    "organization_id", "activity_id", "person_key", "membership_id", "team_id", "status", "completion_date",
    "hours", "score", "source", "created", "updated",
]  # fmt: skip
UPDATED_ON_CONFLICT = ["membership_id", "team_id", "status", "completion_date", "hours", "score", "updated"]


class _Memo(dict):
    def __init__(self, function):
        super().__init__()
        self.function = function

    def __missing__(self, key):
        value = self[key] = self.function(key)
        return value


def participation_records(organization, plan, parsed, activity_ids: list, *, unknown_teams: set) -> list[tuple]:
    """Rows in PARTICIPATION_COLUMNS order, one per (activity, person): the last row wins.

    Built column by column with memoised conversions (people, teams, dates, decimals repeat
    endlessly in an LMS export), so that a million rows cost about a second.
    """
    people = People(organization)
    teams = team_lookup(organization)
    persons = list(map(_Memo(people.resolve).__getitem__, _column(plan, parsed, "person")))
    person_keys = [p[0] for p in persons]

    def team_of(name):
        if not name:
            return None
        found = teams.get(normalize(name))
        if found is None:
            unknown_teams.add(name)
        return found

    row_teams = list(map(_Memo(team_of).__getitem__, _column(plan, parsed, "team")))
    team_ids = [t if t is not None else p[2] for t, p in zip(row_teams, persons, strict=True)]
    dates = _column(plan, parsed, "completion_date")
    statuses = [
        status or ("completed" if date else "enrolled")
        for status, date in zip(_column(plan, parsed, "status"), dates, strict=True)
    ]
    adapt_date = _Memo(connection.ops.adapt_datefield_value).__getitem__
    adapt_decimal = _Memo(lambda v: connection.ops.adapt_decimalfield_value(v, 7, 2)).__getitem__
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    count = parsed.valid_count
    columns = [
        [organization.pk] * count,
        activity_ids,
        person_keys,
        [p[1] for p in persons],
        team_ids,
        statuses,
        list(map(adapt_date, dates)),
        list(map(adapt_decimal, _column(plan, parsed, "hours"))),
        list(map(adapt_decimal, _column(plan, parsed, "score"))),
        [Source.IMPORT] * count,
        [now] * count,
        [now] * count,
    ]
    records = dict(zip(zip(activity_ids, person_keys, strict=True), zip(*columns, strict=True), strict=True))
    return list(records.values())


def _write_participations(*, organization, plan, parsed, result, progress) -> None:
    clock = _Clock()
    activity_ids, result.new_activities = _resolve_activities(organization, plan, parsed, create=True)
    clock.lap("activities resolved")
    unknown_teams: set[str] = set()
    records = participation_records(organization, plan, parsed, activity_ids, unknown_teams=unknown_teams)
    result.merged = parsed.valid_count - len(records)
    parsed.columns = []  # the raw values are not needed any more; free them before writing
    clock.lap("records built")
    result.unknown_teams = sorted(unknown_teams)[:50]
    before = Participation.objects.filter(organization=organization).count()
    if progress:
        progress(0, len(records), _("Writing participations"), force=True)
    bulk_upsert_participations(records, progress=progress, first=before == 0)
    clock.lap("rows written")
    after = Participation.objects.filter(organization=organization).count()
    result.created = after - before
    result.updated = len(records) - result.created
    refresh_participation_counts(organization, sorted(set(activity_ids)))
    clock.lap("counts refreshed")


class _Clock:
    """Logs how long each phase of a large import takes (logger leerkoers.inventory, DEBUG)."""

    def __init__(self):
        self.last = time.perf_counter()

    def lap(self, what: str) -> None:
        now = time.perf_counter()
        logger.debug("import: %s in %.2f s", what, now - self.last)
        self.last = now


def bulk_upsert_participations(rows: list[tuple], *, progress: Callable | None = None, first: bool = False) -> None:
    """Insert or update participation rows (PARTICIPATION_COLUMNS order) in big batches.

    `first` says the organisation has no participations yet: plain inserts, no upsert.
    The rows must be unique by (activity, person); the list is sorted in place. Records whose
    values are unchanged are not rewritten."""
    table = Participation._meta.db_table
    columns = ", ".join(PARTICIPATION_COLUMNS)
    conflict = "activity_id, person_key, organization_id"
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    # A re-import mostly repeats what is stored: rows whose values did not change are left
    # alone (no new row version, no index entries, `updated` keeps its meaning).
    changed = " OR ".join(f"{table}.{c} {distinct} excluded.{c}" for c in UPDATED_ON_CONFLICT if c != "updated")
    updates = ", ".join(f"{c} = excluded.{c}" for c in UPDATED_ON_CONFLICT) + f" WHERE {changed}"
    # Sorted by the unique key, inserts append to that index instead of jumping around it.
    rows.sort(key=itemgetter(1, 2))
    if connection.vendor == "postgresql":
        _copy_upsert_postgres(rows, table, columns, conflict, updates, progress, first)
        return
    placeholders = ", ".join(["%s"] * len(PARTICIPATION_COLUMNS))
    # Table and column names are constants of this module, never input.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    if not first:
        sql += f" ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    with connection.cursor() as cursor:
        # A large page cache for this connection while it writes: the indexes of a million-row
        # table do not fit SQLite's default 2 MB, and evicting pages dominates the import.
        cursor.execute("PRAGMA cache_size")
        (previous_cache,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-settings.IMPORT_SQLITE_CACHE_KIB}")
        try:
            _sqlite_batches(cursor, sql, rows, progress)
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(previous_cache)}")


def _sqlite_batches(cursor, sql, rows, progress) -> None:
    for start in range(0, len(rows), BATCH_ROWS):
        cursor.executemany(sql, rows[start : start + BATCH_ROWS])
        if progress:
            progress(min(start + BATCH_ROWS, len(rows)), len(rows), _("Writing participations"))


def _copy_upsert_postgres(rows, table, columns, conflict, updates, progress, first) -> None:
    target = table if first else "participation_stage"
    with connection.cursor() as cursor:
        if not first:
            cursor.execute(
                f"CREATE TEMP TABLE participation_stage ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608
            )
        raw = cursor.cursor  # the psycopg cursor underneath Django's wrapper
        with raw.copy(f"COPY {target} ({columns}) FROM STDIN") as copy:
            for number, row in enumerate(rows, start=1):
                copy.write_row(row)
                if progress and number % BATCH_ROWS == 0:
                    progress(number, len(rows), _("Writing participations"))
        if not first:
            # One hash join drops the rows that are stored unchanged before the upsert: ON
            # CONFLICT would lock (and so rewrite) every one of them even when it updates none.
            staged = ", ".join(f"s.{c}" for c in PARTICIPATION_COLUMNS)
            key = " AND ".join(f"p.{c} = s.{c}" for c in ("activity_id", "person_key", "organization_id"))
            differs = " OR ".join(f"p.{c} IS DISTINCT FROM s.{c}" for c in UPDATED_ON_CONFLICT if c != "updated")
            cursor.execute("ANALYZE participation_stage")
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {staged} FROM participation_stage s "  # noqa: S608
                f"LEFT JOIN {table} p ON {key} WHERE p.id IS NULL OR {differs} "
                f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
            )
            cursor.execute("DROP TABLE participation_stage")


def refresh_participation_counts(organization, activity_ids: list[int] | None = None) -> None:
    """Recount `Activity.participation_count` (for the given activities, or all).

    A few activities (a form, an xAPI batch) are counted one by one through the unique index;
    for many (an import) one aggregate over the organisation's participations is far cheaper
    than thousands of correlated counts, and only counts that differ are written."""
    table = Participation._meta.db_table
    activities = Activity._meta.db_table
    with connection.cursor() as cursor:
        if activity_ids is not None and len(activity_ids) <= 500:
            if activity_ids:
                cursor.execute(
                    f"UPDATE {activities} SET participation_count = "  # noqa: S608
                    f"(SELECT COUNT(*) FROM {table} p WHERE p.activity_id = {activities}.id) "
                    f"WHERE organization_id = %s AND id IN ({', '.join(['%s'] * len(activity_ids))})",
                    [organization.pk, *activity_ids],
                )
            return
        cursor.execute(
            f"UPDATE {activities} SET participation_count = counts.n "  # noqa: S608
            # By activity rather than by organisation: SQLite then counts in the unique index
            # (activity, person, organisation) without visiting the table.
            f"FROM (SELECT activity_id, COUNT(*) AS n FROM {table} "
            f"WHERE activity_id IN (SELECT id FROM {activities} WHERE organization_id = %s) "
            f"GROUP BY activity_id) AS counts "
            f"WHERE {activities}.id = counts.activity_id AND {activities}.organization_id = %s "
            f"AND {activities}.participation_count <> counts.n",
            [organization.pk, organization.pk],
        )
        cursor.execute(
            f"UPDATE {activities} SET participation_count = 0 "  # noqa: S608
            f"WHERE organization_id = %s AND participation_count <> 0 "
            f"AND NOT EXISTS (SELECT 1 FROM {table} p WHERE p.activity_id = {activities}.id)",
            [organization.pk],
        )


def error_rows_for(errors: list[dict]) -> list[RowError]:
    return [RowError(e["row"], e["column"], e["message"]) for e in errors]


# --- by hand and through the API -----------------------------------------------------


def activity_save(*, organization, activity: Activity, teams=None, actor=None, source: str = Source.MANUAL) -> Activity:
    """Create or update an activity (validated with full_clean); `teams` replaces its teams."""
    creating = activity.pk is None
    activity.organization = organization
    if creating:
        activity.source = source
    activity.natural_key = natural_key(activity.title, activity.provider, activity.start_date)
    with transaction.atomic():
        activity.full_clean()
        activity.save()
        if teams is not None:
            ActivityTeam.objects.filter(organization=organization, activity=activity).delete()
            ActivityTeam.objects.bulk_create(
                [ActivityTeam(organization=organization, activity=activity, team=t) for t in dict.fromkeys(teams)]
            )
        audit_record(
            organization=organization,
            actor=actor,
            action="inventory.activity_create" if creating else "inventory.activity_update",
            target=activity,
            summary=activity.title,
        )
    _changed(organization, participations=False)
    return activity


def activity_delete(*, organization, activity: Activity, actor=None) -> None:
    with transaction.atomic():
        audit_record(
            organization=organization, actor=actor, action="inventory.activity_delete", target=activity,
            summary=activity.title,
        )  # fmt: skip
        activity.delete()
    _changed(organization)


def participation_save(*, organization, participation: Participation, person: str, actor=None,
                       source: str = Source.MANUAL) -> Participation:  # fmt: skip
    """Create or update one participation; `person` is an employee number or e-mail address."""
    creating = participation.pk is None
    person_key, membership_id, member_team = People(organization).resolve(person)
    participation.organization = organization
    participation.person_key = person_key
    participation.membership_id = membership_id
    if participation.team_id is None:
        participation.team_id = member_team
    if creating:
        participation.source = source
    with transaction.atomic():
        participation.full_clean()
        participation.save()
        refresh_participation_counts(organization, [participation.activity_id])
        audit_record(
            organization=organization, actor=actor,
            action="inventory.participation_create" if creating else "inventory.participation_update",
            target=participation,
        )  # fmt: skip
    _changed(organization)
    return participation


def participation_delete(*, organization, participation: Participation, actor=None) -> None:
    with transaction.atomic():
        audit_record(organization=organization, actor=actor, action="inventory.participation_delete",
                     target=participation)  # fmt: skip
        activity_id = participation.activity_id
        participation.delete()
        refresh_participation_counts(organization, [activity_id])
    _changed(organization)


def _changed(organization, *, participations: bool = True) -> None:
    from leerkoers.inventory.selectors import bump_revision

    bump_revision(organization, participations=participations)


# --- import runs (the UI's upload → preview → mapping → check → import) --------------


def import_run_create(*, organization, kind: str, upload, actor=None):
    """Store an uploaded file for the steps that follow; refuses files over the size limit."""
    import os
    import uuid as uuid_module

    from leerkoers.inventory.models import ImportRun

    if upload.size > settings.IMPORT_MAX_FILE_BYTES:
        raise ImportRefused(
            _("The file is larger than the limit of %(limit)d MB.")
            % {"limit": settings.IMPORT_MAX_FILE_BYTES // (1024 * 1024)}
        )
    directory = os.path.join(settings.MEDIA_ROOT, "imports", str(organization.pk))
    os.makedirs(directory, exist_ok=True)
    # The reader decides by content, but the extension of a known type is kept so that any
    # tool that goes by the name (openpyxl does) opens the stored file as well.
    extension = os.path.splitext(upload.name or "")[1].lower()
    extension = extension if extension in (".csv", ".txt", ".tsv", ".xlsx", ".xlsm") else ""
    path = os.path.join(directory, uuid_module.uuid4().hex + extension)
    with open(path, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    user = actor if getattr(actor, "is_authenticated", False) else None
    return ImportRun.objects.create(
        organization=organization, kind=kind, filename=os.path.basename(upload.name or "upload")[:255],
        stored_path=path, size=upload.size, created_by=user,
    )  # fmt: skip


def import_run_execute(*, run, progress: Callable | None = None, actor=None) -> ImportResult:
    """Import a run's stored file with its mapping and options; the result is kept on the run."""
    from leerkoers.inventory.models import ImportRun

    try:
        result = import_file(
            kind=run.kind, organization=run.organization, path=run.stored_path, filename=run.filename,
            mapping=run.mapping or None, sheet=run.sheet, skip_invalid=run.skip_invalid, actor=actor,
            progress=progress,
        )  # fmt: skip
    except ImportRefused as exc:
        remove_stored_file(run)
        run.status = ImportRun.Status.FAILED
        run.summary = {"refused": str(exc)}
        run.save(update_fields=["status", "summary", "stored_path"])
        raise
    # The uploaded file is not kept once it has been imported (or refused): the summary and
    # the errors are on the run; a new attempt is a new upload.
    remove_stored_file(run)
    run.status = ImportRun.Status.DONE if result.written else ImportRun.Status.FAILED
    run.errors = result.errors
    run.summary = {k: v for k, v in result.as_dict().items() if k not in ("errors", "header")}
    run.save(update_fields=["status", "errors", "summary", "stored_path"])
    if result.written:
        _changed(run.organization, participations=run.kind == ImportKind.PARTICIPATIONS)
    return result


def import_run_start(*, run, skip_invalid: bool, actor=None, language: str = "nl", checked: bool = True):
    """Start the background import of a run; returns the run, or None when it was started already.

    The run is claimed with one conditional UPDATE (status must still be the expected one), so
    that of twenty concurrent "Import" requests exactly one creates a job; `checked` says the
    run must have passed the check first (the page), otherwise a fresh upload may start (the API).
    """
    from leerkoers.inventory.models import ImportRun
    from leerkoers.inventory.tasks import run_import
    from leerkoers.jobs.services import job_create

    expected = ImportRun.Status.VALIDATED if checked else ImportRun.Status.UPLOADED
    with transaction.atomic():
        claimed = ImportRun.objects.filter(pk=run.pk, status=expected).update(
            status=ImportRun.Status.RUNNING, skip_invalid=skip_invalid
        )
        if not claimed:
            return None
        user = actor if getattr(actor, "is_authenticated", False) else None
        job = job_create(organization=run.organization, kind="inventory.import",
                         title=_("Importing %(file)s") % {"file": run.filename}, created_by=user)  # fmt: skip
        ImportRun.objects.filter(pk=run.pk).update(job=job)
        audit_record(organization=run.organization, actor=actor, action="inventory.import_start",
                     summary=run.filename[:200])  # fmt: skip
    run_import.enqueue(run.pk, str(job.pk), language)
    run.refresh_from_db()
    return run


def import_runs_expire(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Remove the files of uploads never imported within `older_than`, and stray files.

    Runs still waiting (uploaded or checked) are marked failed with a message; files under
    MEDIA_ROOT/imports that no run refers to are removed once they are as old. Returns the
    number of files removed. Run daily (`manage.py imports_expire`, or the task of that name).
    """
    import os

    from leerkoers.inventory.models import ImportRun

    cutoff = timezone.now() - older_than
    removed = 0
    waiting = ImportRun.objects.filter(
        status__in=[ImportRun.Status.UPLOADED, ImportRun.Status.VALIDATED], created__lt=cutoff
    )
    for run in waiting:
        if run.stored_path and os.path.exists(run.stored_path):
            removed += 1
        import_run_fail(run=run, message=_("The upload expired before it was imported; upload it again."))
    kept = set(ImportRun.objects.exclude(stored_path="").values_list("stored_path", flat=True))
    root = os.path.join(settings.MEDIA_ROOT, "imports")
    for directory, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(directory, name)
            if path not in kept and os.path.getmtime(path) < cutoff.timestamp():
                os.remove(path)
                removed += 1
    return removed


def import_run_fail(*, run, message: str) -> None:
    """Mark a run failed after an unexpected error (a crashed task): the message is kept for
    the user, the uploaded file removed, nothing of the import is left written."""
    from leerkoers.inventory.models import ImportRun

    remove_stored_file(run)
    run.status = ImportRun.Status.FAILED
    run.summary = {"refused": message}
    run.save(update_fields=["status", "summary", "stored_path"])


def remove_stored_file(run) -> None:
    import os

    if run.stored_path and os.path.exists(run.stored_path):
        os.remove(run.stored_path)
    run.stored_path = ""


def person_keys_for_search(text: str) -> list[str]:
    """What a participant typed in a search box may be stored as: as is, lower case, or pseudonym."""
    text = text.strip()
    return list(dict.fromkeys([text, text.lower(), pseudonym(text.lower())]))
