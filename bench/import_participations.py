#!/usr/bin/env python
"""Benchmark: import 1,000,000 participation rows from CSV through the real import path.

    .venv/bin/python bench/import_participations.py [--rows 1000000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lk_inventory_bench .venv/bin/python bench/import_participations.py

Generates a semicolon CSV with a realistic mix of Dutch formats (3-2-2026 and 2026-02-03
dates, "1,5" hours, "7,5" scores, Dutch and English statuses), loads it with DuckDB into its
own table, then imports it with `inventory.importing.pipeline.import_file` into a fresh database
(a new SQLite file, or the PostgreSQL database named in DATABASE_URL, dropped and created),
and prints both times, rows per second, the ratio and the peak memory (ru_maxrss).
"""

import argparse
import csv
import os
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


def generate(path: Path, rows: int, activities: int, shift: int = 0) -> None:
    """`shift` moves the hours along, so that a file generated with another shift changes every row."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Personeelsnummer", "Cursus", "Cursuscode", "Afdeling", "Status", "Afgerond op", "Uren",
                         "Score"])  # fmt: skip
        for i in range(rows):
            a = i % activities
            person = i // 10  # every person follows 10 different activities: (activity, person) is unique
            day, month, year = 1 + i % 28, 1 + (i // 28) % 12, 2024 + i % 3
            date = f"{day}-{month}-{year}" if i % 2 else f"{year}-{month:02d}-{day:02d}"
            writer.writerow([f"E{person:06d}", f"Cursus {a}", f"C{a:05d}", f"Team {i % 20}", STATUSES[i % 6],
                             date, HOURS[(i + shift) % 7], SCORES[i % 6]])  # fmt: skip


def duckdb_load(path: Path) -> float:
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated CSV and database")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="lk-bench-"))
    csv_path = workdir / "participations.csv"
    t = time.perf_counter()
    generate(csv_path, args.rows, args.activities)
    print(f"generated {args.rows:,} rows ({csv_path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s")

    database = prepare_database(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerkoers.settings")
    os.environ["IMPORT_MAX_FILE_BYTES"] = str(2 * 1024**3)
    import django

    django.setup()
    import logging

    if os.environ.get("BENCH_PHASES"):
        logging.basicConfig(level=logging.WARNING, format="  %(message)s")
        logging.getLogger("leerkoers.inventory.importing.writer").setLevel(logging.DEBUG)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from leerkoers.inventory.importing.pipeline import import_file
    from leerkoers.inventory.models import Participation
    from leerkoers.orgs.models import Organization, Team

    org = Organization.objects.create(name="Bench", slug="bench")
    Team.objects.bulk_create([Team(organization=org, name=f"Team {i}") for i in range(20)])

    duck, duck_cpu = duckdb_load(csv_path)
    start, cpu = time.perf_counter(), time.process_time()
    result = import_file(kind="participations", organization=org, path=str(csv_path), filename="participations.csv")
    ours, ours_cpu = time.perf_counter() - start, time.process_time() - cpu
    stored = Participation.objects.filter(organization=org).count()
    assert result.written and result.error_count == 0, result.errors[:5]
    assert stored == args.rows, stored

    start = time.perf_counter()
    again = import_file(kind="participations", organization=org, path=str(csv_path), filename="participations.csv")
    reimport = time.perf_counter() - start
    assert again.created == 0 and Participation.objects.filter(organization=org).count() == args.rows

    changed_path = workdir / "changed.csv"
    generate(changed_path, args.rows, args.activities, shift=1)
    start = time.perf_counter()
    changed = import_file(kind="participations", organization=org, path=str(changed_path), filename="changed.csv")
    rewrite = time.perf_counter() - start
    assert changed.created == 0 and Participation.objects.filter(organization=org).count() == args.rows

    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"database:         {database}")
    # Wall time is what the target is about; CPU time of this process (all threads) shows how
    # much of it is waiting on a shared machine (and, for PostgreSQL, on the server).
    print(f"DuckDB load:      {duck:6.2f} s  {args.rows / duck:12,.0f} rows/s   (CPU {duck_cpu:.2f} s)")
    print(f"Leerkoers import: {ours:6.2f} s  {args.rows / ours:12,.0f} rows/s   (CPU {ours_cpu:.2f} s; "
          f"{result.created:,} created, {result.details['new_activities']:,} activities created)")  # fmt: skip
    print(f"ratio:            {ours / duck:6.2f}x DuckDB wall time (target: within 5x); {ours_cpu / duck_cpu:.2f}x CPU")
    print(f"re-import:        {reimport:6.2f} s  (the same file: all {again.updated:,} rows matched, none duplicated)")
    print(f"changed file:     {rewrite:6.2f} s  (every row's hours differ: {changed.updated:,} rows updated)")
    print(f"peak memory:      {peak_mib:,.0f} MiB (ru_maxrss; target < 1024 MiB)")
    if not args.keep:
        for file in workdir.iterdir():
            file.unlink()
        workdir.rmdir()


if __name__ == "__main__":
    main()
