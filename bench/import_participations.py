#!/usr/bin/env python
"""Benchmark: import participation rows from CSV through the real import path, beside bare references.

    .venv/bin/python bench/import_participations.py [--rows 100000] [--file realistic|ordered]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lk_inventory_bench .venv/bin/python bench/import_participations.py

The *realistic* file (the default) is what an LMS export looks like: rows in random order,
about 20 % of the people employees without a Leerkoers account (their keys are pseudonymised),
about 6 % of the rows a retake or yearly refresher of an activity the person took before,
some open enrolments, Dutch and ISO dates, Dutch and English statuses. The *ordered* file is
the earlier benchmark's: sequential person keys, every person in 10 activities, in key order.

In one run it prints, for the same rows into the same table:
- DuckDB `CREATE TABLE … AS SELECT * FROM read_csv(…)` of the file (a reading reference);
- the Leerkoers import (`inventory.importing.pipeline.import_file`) with its phases: read and
  check, activities, records, write, counts, commit;
- the bare reference for the write phase: the same rows (read back from the table after the
  import, in the order the import writes them) inserted with a bare `sqlite3` `executemany` in
  one transaction (SQLite), or a bare `COPY` (PostgreSQL), into the same, emptied table;
- a re-import of the same file (nothing may change) and the load average before and after.

The database is a new SQLite file, or the PostgreSQL database named in DATABASE_URL (dropped
and created).
"""

import argparse
import csv
import logging
import os
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STATUSES = ["afgerond", "Afgerond", "completed", "bezig", "ingeschreven", "niet gehaald"]
HOURS = ["1,5", "2", "4", "0,5", "8", "3,25", "16"]
SCORES = ["7,5", "80", "", "6", "92,5", "55"]
HEADER = ["Personeelsnummer", "Cursus", "Cursuscode", "Afdeling", "Status", "Inschrijfdatum", "Afgerond op", "Uren",
          "Score"]  # fmt: skip
TEAMS = 20


def _date(parity: int, day: int, month: int, year: int) -> str:
    return f"{day}-{month}-{year}" if parity % 2 else f"{year}-{month:02d}-{day:02d}"


def generate_ordered(path: Path, rows: int, activities: int, shift: int = 0) -> int:
    """The earlier benchmark's file; `shift` moves the hours along (another shift changes every row)."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        for i in range(rows):
            a = i % activities
            person = i // 10  # every person follows 10 different activities: (activity, person) is unique
            date = _date(i, 1 + i % 28, 1 + (i // 28) % 12, 2024 + i % 3)
            writer.writerow([f"E{person:06d}", f"Cursus {a}", f"C{a:05d}", f"Team {i % TEAMS}", STATUSES[i % 6], "",
                             date, HOURS[(i + shift) % 7], SCORES[i % 6]])  # fmt: skip
    return rows // 10


def generate_realistic(path: Path, rows: int, activities: int, *, members_share=0.8, retake_share=0.06) -> int:
    """Random order, non-members, retakes, open enrolments; returns the number of members
    (employee numbers E000000…) the organisation must have."""
    rng = random.Random(14)
    people = max(1, rows // 10)
    members = int(people * members_share)
    firsts = rows - int(rows * retake_share)
    lines, taken = [], []
    seen: set[tuple[int, int]] = set()
    while len(lines) < firsts:
        person, activity = rng.randrange(people), rng.randrange(activities)
        if (person, activity) in seen:
            continue
        seen.add((person, activity))
        taken.append((person, activity))
        lines.append(_row(rng, person, activity, members, year=2024 + rng.randrange(2), open_share=0.05))
    for person, activity in rng.sample(taken, rows - firsts):  # a retake or refresher, a year later
        lines.append(_row(rng, person, activity, members, year=2026, open_share=0.0))
    rng.shuffle(lines)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(lines)
    return members


def _row(rng, person: int, activity: int, members: int, *, year: int, open_share: float) -> list:
    who = f"E{person:06d}" if person < members else f"extern{person:06d}@uitzendbureau.example"
    day, month = 1 + rng.randrange(28), 1 + rng.randrange(12)
    if rng.random() < open_share:
        status, enrolled, completed = "ingeschreven", _date(day, day, month, year), ""
    else:
        status, enrolled, completed = (
            rng.choice(["afgerond", "completed", "Afgerond", "niet gehaald"]),
            "",
            _date(day, day, month, year),
        )
    team = f"Team {person % TEAMS}"
    return [who, f"Cursus {activity}", f"C{activity:05d}", team, status, enrolled, completed, rng.choice(HOURS),
            rng.choice(SCORES)]  # fmt: skip


def duckdb_load(path: Path) -> tuple[float, float]:
    import duckdb

    start, cpu = time.perf_counter(), time.process_time()
    con = duckdb.connect()
    con.execute(f"CREATE TABLE participations AS SELECT * FROM read_csv('{path}', delim=';', header=true)")
    count = con.execute("SELECT COUNT(*) FROM participations").fetchone()[0]
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    con.close()
    assert count > 0
    return elapsed, cpu


def prepare_database(workdir: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"PostgreSQL ({name})"
    os.environ["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    return f"SQLite ({os.environ['SQLITE_PATH']})"


class Phases(logging.Handler):
    """Collects the import's phase timings (logger leerkoers.inventory.importing.writer)."""

    PATTERN = re.compile(r"import: (.*) in ([0-9.]+) s \(CPU ([0-9.]+) s\)")

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.laps: list[tuple[str, float, float]] = []

    def emit(self, record):
        if m := self.PATTERN.match(record.getMessage()):
            self.laps.append((m[1], float(m[2]), float(m[3])))

    def take(self) -> list[tuple[str, float, float]]:
        laps, self.laps = self.laps, []
        return laps


def bare_reference(org, columns: list[str]) -> tuple[float, float, int]:
    """The rows the import wrote, read back in its order, deleted, and written again bare:
    one `executemany` in one transaction (sqlite3), or one `COPY` (psycopg), then commit."""
    from leerkoers.inventory.models import Participation

    table = Participation._meta.db_table
    names = ", ".join(columns)
    select = f"SELECT {names} FROM {table} WHERE organization_id = {org.pk} ORDER BY activity_id, person_key, occasion"  # noqa: S608
    delete = f"DELETE FROM {table} WHERE organization_id = {org.pk}"  # noqa: S608
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        import psycopg

        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as bare:
            rows = bare.execute(select).fetchall()
            bare.execute(delete)
            bare.execute(f"VACUUM ANALYZE {table}")
        start, cpu = time.perf_counter(), time.process_time()
        # The connection commits on leaving the block.
        with (
            psycopg.connect(os.environ["DATABASE_URL"]) as bare,
            bare.cursor() as cursor,
            cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return time.perf_counter() - start, time.process_time() - cpu, len(rows)
    import sqlite3

    bare = sqlite3.connect(os.environ["SQLITE_PATH"])
    rows = bare.execute(select).fetchall()
    with bare:
        bare.execute(delete)
    placeholders = ", ".join("?" * len(columns))
    start, cpu = time.perf_counter(), time.process_time()
    with bare:  # one transaction, committed
        bare.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)  # noqa: S608
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    bare.close()
    return elapsed, cpu, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the file (default 100,000: < 2 min here)")
    parser.add_argument("--activities", type=int, default=0, help="default: rows / 100")
    parser.add_argument("--file", choices=["realistic", "ordered"], default="realistic")
    parser.add_argument("--keep", action="store_true", help="keep the generated CSV and database")
    args = parser.parse_args()
    activities = args.activities or max(10, args.rows // 100)
    load_before = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix="lk-bench-"))
    csv_path = workdir / "participations.csv"
    t = time.perf_counter()
    if args.file == "realistic":
        members = generate_realistic(csv_path, args.rows, activities)
    else:
        members = generate_ordered(csv_path, args.rows, activities)
    size = csv_path.stat().st_size / 1e6
    print(f"generated {args.rows:,} rows, {args.file} ({size:.0f} MB) in {time.perf_counter() - t:.1f} s")

    database = prepare_database(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerkoers.settings")
    os.environ["IMPORT_MAX_FILE_BYTES"] = str(2 * 1024**3)
    import django

    django.setup()
    phases = Phases()
    writer_log = logging.getLogger("leerkoers.inventory.importing.writer")
    writer_log.setLevel(logging.DEBUG)
    writer_log.addHandler(phases)
    writer_log.propagate = False
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from django.db.models import Max

    from leerkoers.accounts.models import User
    from leerkoers.inventory.importing.pipeline import import_file
    from leerkoers.inventory.importing.writer import PARTICIPATION_COLUMNS
    from leerkoers.inventory.models import Participation
    from leerkoers.orgs.models import Membership, Organization, Team

    org = Organization.objects.create(name="Bench", slug="bench")
    teams = Team.objects.bulk_create([Team(organization=org, name=f"Team {i}") for i in range(TEAMS)])
    users = User.objects.bulk_create(
        [User(email=f"m{n}@bench.example", password="!") for n in range(members)], batch_size=5000
    )
    Membership.objects.bulk_create(
        [
            Membership(organization=org, user=user, team=teams[n % TEAMS], employee_number=f"E{n:06d}")
            for n, user in enumerate(users)
        ],
        batch_size=5000,
    )
    del users

    duck, duck_cpu = duckdb_load(csv_path)
    start, cpu = time.perf_counter(), time.process_time()
    result = import_file(kind="participations", organization=org, path=str(csv_path), filename="participations.csv")
    ours, ours_cpu = time.perf_counter() - start, time.process_time() - cpu
    laps = phases.take()
    stored = Participation.objects.filter(organization=org).count()
    assert result.written and result.error_count == 0, result.errors[:5]
    assert stored == result.created == result.valid_rows - result.merged, (stored, result.created, result.merged)

    last_change = Participation.objects.filter(organization=org).aggregate(last=Max("updated"))["last"]
    start = time.perf_counter()
    again = import_file(kind="participations", organization=org, path=str(csv_path), filename="participations.csv")
    reimport = time.perf_counter() - start
    phases.take()
    assert again.created == 0 and Participation.objects.filter(organization=org).count() == stored
    assert Participation.objects.filter(organization=org).aggregate(last=Max("updated"))["last"] == last_change

    bare, bare_cpu, bare_rows = bare_reference(org, PARTICIPATION_COLUMNS)
    assert bare_rows == stored
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The write phase is the insert and the commit (where PostgreSQL checks the deferred foreign
    # keys), as the bare reference is.
    write = sum(wall for name, wall, _cpu in laps if name in ("rows written", "committed"))
    write_cpu = sum(cpu for name, _wall, cpu in laps if name in ("rows written", "committed"))
    read = sum(wall for name, wall, _cpu in laps if name.endswith("rows read and checked"))
    bare_name = "COPY" if "PostgreSQL" in database else "sqlite3 executemany"
    print(f"database:          {database}")
    print(f"load average:      {load_before[0]:.1f} {load_before[1]:.1f} {load_before[2]:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after (2 cores, shared)")  # fmt: skip
    print(f"file:              {args.rows:,} rows ({args.file}), {activities:,} activities, {members:,} members; "
          f"{result.details['retakes']:,} retakes kept, {result.merged:,} rows merged")  # fmt: skip
    print(f"DuckDB load:       {duck:6.2f} s  {args.rows / duck:12,.0f} rows/s   (CPU {duck_cpu:.2f} s)")
    print(f"Leerkoers import:  {ours:6.2f} s  {args.rows / ours:12,.0f} rows/s   (CPU {ours_cpu:.2f} s; "
          f"{result.created:,} created)")  # fmt: skip
    for name, wall, cpu in laps:
        print(f"  {name:<34} {wall:6.2f} s  (CPU {cpu:5.2f} s)")
    print(f"read + check:      {read:6.2f} s   ({read / duck:.1f}x DuckDB's whole load)")
    print(f"write phase:       {write:6.2f} s  (CPU {write_cpu:.2f} s; insert + commit)")
    print(f"bare {bare_name}: {bare:6.2f} s  (CPU {bare_cpu:.2f} s) of the same {bare_rows:,} rows into the same "
          f"table, one transaction")  # fmt: skip
    print(f"ratio:             {write / bare:6.2f}x the bare reference (target <= 1.5x)")
    print(f"re-import:         {reimport:6.2f} s  (the same file: {again.updated:,} matched, nothing changed)")
    print(f"peak memory:       {peak_mib:,.0f} MiB (ru_maxrss)")
    if not args.keep:
        for file in workdir.iterdir():
            file.unlink()
        workdir.rmdir()


if __name__ == "__main__":
    main()
