"""Writing imported rows: activities through the ORM, participations with plain SQL.

Participations are written with plain SQL in large batches (SQLite: executemany with an
upsert; PostgreSQL: COPY, into a temporary table and one INSERT … ON CONFLICT after a first
import), because a large organisation's LMS export has millions of rows and per-row ORM
objects manage a few tens of thousands a second.
"""

import functools
import logging
import time
from collections.abc import Callable
from operator import itemgetter

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkoers.inventory.importing.keys import People, natural_key, split_teams, team_lookup
from leerkoers.inventory.importing.values import normalize
from leerkoers.inventory.models import (
    NO_DATE,
    Activity,
    ActivityTeam,
    ImportKind,
    Participation,
    Source,
    occasion_of,
)

BATCH_ROWS = 50_000

logger = logging.getLogger(__name__)


class Clock:
    """Logs how long each phase of a large import takes (logger leerkoers.inventory.importing, DEBUG)."""

    def __init__(self):
        self.last, self.last_cpu = time.perf_counter(), time.process_time()

    def lap(self, what: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        logger.debug("import: %s in %.2f s (CPU %.2f s)", what, now - self.last, cpu - self.last_cpu)
        self.last, self.last_cpu = now, cpu


def count_without_writing(*, kind: str, organization, parsed, result) -> None:
    """For a check: how many rows would create and how many would update, and how many rows
    update an earlier row of the same file (shown before anything is written)."""
    if kind != ImportKind.ACTIVITIES:
        people = People(organization)
        activities = list(
            zip(
                (normalize(text or "") for text in parsed.column("activity")),
                parsed.column("activity_external_id"),
                strict=True,
            )
        )
        persons = [people.resolve(person)[0] for person in parsed.column("person")]
        keys = set(
            participation_keys(activities, persons, parsed.column("completion_date"), parsed.column("enrolled_on"))
        )
        result.merged = parsed.valid_count - len(keys)
        result.details["retakes"] = retakes(keys)
        return
    keys = _activity_keys(organization)
    targets = {_activity_target(keys, dict(zip(parsed.names, row, strict=True))) for row in parsed.rows}
    result.created = sum(1 for target in targets if isinstance(target, tuple))
    result.updated = len(targets) - result.created
    result.merged = parsed.valid_count - len(targets)


# --- activities ----------------------------------------------------------------------


def _activity_keys(organization) -> dict[str, dict[str, int]]:
    by_external, by_natural = {}, {}
    for pk, external_id, key in Activity.objects.filter(organization=organization).values_list(
        "pk", "external_id", "natural_key"
    ):
        if external_id:
            by_external[external_id] = pk
        by_natural.setdefault(key, pk)
    return {"external": by_external, "natural": by_natural}


def _activity_target(keys, values: dict) -> int | tuple[str, str]:
    """The stored activity a row updates (its id), or ("new", its key) for one to create."""
    external_id = values.get("external_id") or ""
    key = natural_key(values.get("title", ""), values.get("provider", ""), values.get("start_date"))
    pk = keys["external"].get(external_id) if external_id else keys["natural"].get(key)
    return pk if pk is not None else ("new", external_id or key)


def write_activities(*, organization, parsed, result, progress=None) -> None:
    """Create or update the parsed activities (matched by external id, else natural key)."""
    keys = _activity_keys(organization)
    teams = team_lookup(organization)
    unknown_teams: set[str] = set()
    by_target: dict[object, tuple[dict, list[int] | None]] = {}
    for row in parsed.rows:
        values = dict(zip(parsed.names, row, strict=True))
        team_names = values.pop("teams", None)
        team_ids = None
        if team_names is not None:
            team_ids = []
            for name in split_teams(team_names):
                if normalize(name) in teams:
                    team_ids.append(teams[normalize(name)])
                else:
                    unknown_teams.add(name)
        by_target[_activity_target(keys, values)] = (values, team_ids)
    existing = Activity.objects.in_bulk([t for t in by_target if not isinstance(t, tuple)])
    to_create, to_update, links = [], [], []
    update_fields = sorted({n for n in parsed.names if n != "teams"} | {"natural_key", "updated"})
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
    result.details["unknown_teams"] = sorted(unknown_teams)[:50]


# --- participations ------------------------------------------------------------------


def _resolve_activities(organization, parsed) -> tuple[list[int], int]:
    """Activity id for every parsed row (by external id, else title); unknown ones are created."""
    keys = list(zip(parsed.column("activity_external_id"), parsed.column("activity"), strict=True))
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
    if missing:
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
    "organization_id",
    "activity_id",
    "person_key",
    "membership_id",
    "team_id",
    "status",
    "completion_date",
    "hours",
    "score",
    "source",
    "created",
    "updated",
    "enrolled_on",
    "occasion",
]
UNIQUE_KEY = ["activity_id", "person_key", "occasion", "organization_id"]
UPDATED_ON_CONFLICT = [
    "membership_id",
    "team_id",
    "status",
    "completion_date",
    "enrolled_on",
    "hours",
    "score",
    "updated",
]
_ACTIVITY, _PERSON, _COMPLETION, _ENROLLED, _OCCASION = 1, 2, 6, 12, 13


def participation_keys(activities: list, persons: list, completions: list, enrolments: list) -> list[tuple]:
    """The key of each row: (activity, person, occasion). Rows of one file with the same key are
    one participation (the last row wins); rows with another occasion are another one."""
    if not any(enrolments):
        occasions = [date or NO_DATE for date in completions]
    else:
        occasions = list(map(occasion_of, completions, enrolments))
    return list(zip(activities, persons, occasions, strict=True))


def retakes(keys) -> int:
    """Participations beyond a person's first in an activity (a retake, a yearly refresher)."""
    return len(keys) - len({(activity, person) for activity, person, _occasion in keys})


def participation_records(organization, parsed, activity_ids: list, *, unknown_teams: set) -> dict[tuple, tuple]:
    """Rows in PARTICIPATION_COLUMNS order by their key, one per (activity, person, occasion):
    the last row of the file wins.

    Built column by column with memoised conversions (people, teams, dates, decimals repeat
    endlessly in an LMS export), so that a million rows cost about a second.
    """
    people = People(organization)
    teams = team_lookup(organization)
    persons = list(map(people.resolve, parsed.column("person")))
    person_keys = [p[0] for p in persons]

    def team_of(name):
        if not name:
            return None
        found = teams.get(normalize(name))
        if found is None:
            unknown_teams.add(name)
        return found

    row_teams = list(map(functools.cache(team_of), parsed.column("team")))
    team_ids = [t if t is not None else p[2] for t, p in zip(row_teams, persons, strict=True)]
    dates, enrolments = parsed.column("completion_date"), parsed.column("enrolled_on")
    keys = participation_keys(activity_ids, person_keys, dates, enrolments)
    statuses = [
        status or ("completed" if date else "enrolled")
        for status, date in zip(parsed.column("status"), dates, strict=True)
    ]
    adapt_date = functools.cache(connection.ops.adapt_datefield_value)
    adapt_decimal = functools.cache(lambda v: connection.ops.adapt_decimalfield_value(v, 7, 2))
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
        list(map(adapt_decimal, parsed.column("hours"))),
        list(map(adapt_decimal, parsed.column("score"))),
        [Source.IMPORT] * count,
        [now] * count,
        [now] * count,
        list(map(adapt_date, enrolments)),
        [adapt_date(key[2]) for key in keys],
    ]
    records = dict(zip(keys, zip(*columns, strict=True), strict=True))
    return records


def write_participations(*, organization, parsed, result, progress=None) -> None:
    """Insert or update the parsed participations; unknown activities are created.

    A row with a completion date that is not stored yet completes the person's stored open
    enrolment in that activity (no completion date, enrolled on or before it), unless this
    file still lists that enrolment as open: the enrolment is updated, not duplicated."""
    clock = Clock()
    activity_ids, result.details["new_activities"] = _resolve_activities(organization, parsed)
    clock.lap("activities resolved")
    unknown_teams: set[str] = set()
    by_key = participation_records(organization, parsed, activity_ids, unknown_teams=unknown_teams)
    result.merged = parsed.valid_count - len(by_key)
    result.details["retakes"] = retakes(by_key)
    records = list(by_key.values())
    del by_key
    parsed.columns = []  # the raw values are not needed any more; free them before writing
    clock.lap("records built")
    result.details["unknown_teams"] = sorted(unknown_teams)[:50]
    before = Participation.objects.filter(organization=organization).count()
    if progress:
        progress(0, len(records), _("Writing participations"), force=True)
    total = len(records)
    if before:
        records = _complete_open_enrolments(organization, records)
    clock.lap("open enrolments completed")
    bulk_upsert_participations(records, progress=progress, first=before == 0)
    clock.lap("rows written")
    after = Participation.objects.filter(organization=organization).count()
    result.created = after - before
    result.updated = total - result.created
    refresh_participation_counts(organization, sorted(set(activity_ids)))
    clock.lap("counts refreshed")


def _complete_open_enrolments(organization, records: list[tuple]) -> list[tuple]:
    """Apply the records that complete a stored open enrolment to it (by id); return the rest.

    An enrolment is completed by the earliest completion of the file on or after its
    enrolment date (any, without one), and only by a completion that is not stored itself."""
    adapt = connection.ops.adapt_datefield_value
    open_rows: dict[tuple, list] = {}
    for pk, activity_id, person_key, enrolled_on, occasion in Participation.objects.filter(
        organization=organization, completion_date__isnull=True
    ).values_list("pk", "activity_id", "person_key", "enrolled_on", "occasion"):
        open_rows.setdefault((activity_id, person_key), []).append((adapt(enrolled_on), adapt(occasion), pk))
    candidates = [r for r in records if r[_COMPLETION] is not None and (r[_ACTIVITY], r[_PERSON]) in open_rows]
    if not candidates:
        return records
    in_file = {(r[_ACTIVITY], r[_PERSON], r[_OCCASION]) for r in records}
    stored = {(a, p, occasion) for (a, p), rows in open_rows.items() for _e, occasion, _pk in rows}
    pairs = sorted({(r[_ACTIVITY], r[_PERSON]) for r in candidates})
    for start in range(0, len(pairs), 400):  # within every database's limit of query parameters
        chunk = pairs[start : start + 400]
        found = Participation.objects.filter(
            organization=organization,
            activity_id__in={a for a, _p in chunk},
            person_key__in={p for _a, p in chunk},
            completion_date__isnull=False,
        ).values_list("activity_id", "person_key", "occasion")
        stored.update((a, p, adapt(occasion)) for a, p, occasion in found)
    used: set[int] = set()
    updates, applied = [], set()
    for record in sorted(candidates, key=itemgetter(_COMPLETION)):
        activity_id, person_key, completed = record[_ACTIVITY], record[_PERSON], record[_COMPLETION]
        if (activity_id, person_key, record[_OCCASION]) in stored:
            continue
        enrolments = [
            (enrolled or "", pk)
            for enrolled, occasion, pk in open_rows[(activity_id, person_key)]
            if pk not in used
            and (activity_id, person_key, occasion) not in in_file
            and (enrolled is None or enrolled <= completed)
        ]
        if not enrolments:
            continue
        _enrolled, pk = max(enrolments, key=lambda e: (str(e[0]), e[1]))
        used.add(pk)
        applied.add(id(record))
        values = dict(zip(PARTICIPATION_COLUMNS, record, strict=True))
        updates.append(
            [values["occasion"], values["enrolled_on"]]
            + [values[c] for c in UPDATED_ON_CONFLICT if c != "enrolled_on"]
            + [pk]
        )
    if updates:
        sets = ", ".join(f"{c} = %s" for c in UPDATED_ON_CONFLICT if c != "enrolled_on")
        table = Participation._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET occasion = %s, enrolled_on = COALESCE(%s, enrolled_on), {sets} "  # noqa: S608
                f"WHERE id = %s",
                updates,
            )
    return [r for r in records if id(r) not in applied]


def bulk_upsert_participations(rows: list[tuple], *, progress: Callable | None = None, first: bool = False) -> None:
    """Insert or update participation rows (PARTICIPATION_COLUMNS order) in big batches.

    `first` says the organisation has no participations yet: plain inserts, no upsert.
    The rows must be unique by (activity, person, occasion); the list is sorted in place. Records whose
    values are unchanged are not rewritten."""
    table = Participation._meta.db_table
    columns = ", ".join(PARTICIPATION_COLUMNS)
    conflict = ", ".join(UNIQUE_KEY)
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    # A re-import mostly repeats what is stored: rows whose values did not change are left
    # alone (no new row version, no index entries, `updated` keeps its meaning).
    changed = " OR ".join(f"{table}.{c} {distinct} excluded.{c}" for c in UPDATED_ON_CONFLICT if c != "updated")
    updates = ", ".join(f"{c} = excluded.{c}" for c in UPDATED_ON_CONFLICT) + f" WHERE {changed}"
    # Sorted by the unique key, inserts append to that index instead of jumping around it.
    rows.sort(key=itemgetter(_ACTIVITY, _PERSON, _OCCASION))
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
            key = " AND ".join(f"p.{c} = s.{c}" for c in UNIQUE_KEY)
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
