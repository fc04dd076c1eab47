#!/usr/bin/env python
"""Benchmark: the homes and the step page of step 4 in an organisation of 50,000 members.

    .venv/bin/python bench/ownership_pages.py [--members 50000] [--pops 5000] [--runs 40]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lk_ownbench .venv/bin/python bench/ownership_pages.py

Fills a fresh SQLite database (or the PostgreSQL database named in DATABASE_URL, dropped and
created) with the organisation of bench/ownership_org.py, then requests each page through
Django's test client, signed in (DEBUG=0), and prints p50 and p95 of `--runs` requests per page
and the queries of one request, beside a bare reference measured in the same run: the landing
page, which sends a signed-in member of one organisation on (session, middleware,
authentication and one query of their memberships; nothing of step 4). Before the first
request it prepares the process as leerkoers/wsgi.py does (`--without-freeze` leaves that out,
to show what it is worth).
"""

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import driver  # noqa: E402  (bench/ is put on the path just above)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--pops", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument(
        "--without-freeze",
        action="store_true",
        help="skip what leerkoers/wsgi.py does before the first request (leerkoers.lib.process.prepare)",
    )
    args = parser.parse_args()
    from driver import loadavg
    from import_participations import prepare_database

    database = prepare_database(Path(tempfile.mkdtemp(prefix="lk-ownpages-")))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerkoers.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("LEERKOERS_MANIFEST_STATIC", "0")  # no collectstatic in a scratch run
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from django.db import connection
    from django.test import Client
    from ownership_org import build

    from leerkoers.accounts.models import User

    start = time.perf_counter()
    built = build(members=args.members, pops=args.pops)
    gc.collect()  # a server process does not hold the rows it was filled with
    if not args.without_freeze:
        from leerkoers.lib import process

        process.prepare()  # as leerkoers/wsgi.py does in every web process
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does shortly after a bulk load
    print(f"database: {database}; {built.describe()}; filled in {time.perf_counter() - start:.0f} s")
    print(f"machine: {os.cpu_count()} cores; load before: {loadavg()}")
    print(f"objects frozen out of the garbage collector's sight: {gc.get_freeze_count():,}")

    def client_of(user_id):
        client = Client(headers={"accept-language": "nl"})
        client.force_login(User.objects.get(pk=user_id))
        return client

    admin, division, team, employee = (
        client_of(pk) for pk in (built.admin, built.division_manager, built.team_manager, built.employee)
    )
    base = f"/o/{built.slug}/"
    print(f"{'page':52} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    _measure(admin, "reference: landing page (redirect)", "/", args.runs, ok=(302,))
    _measure(division, "manager's home (division, ~110 teams)", base, args.runs)
    _measure(team, "manager's home (one or two teams)", base, args.runs)
    _measure(employee, "employee's home", base, args.runs)
    _measure(admin, "step page as admin", base + "ownership/", args.runs)
    _measure(division, "step page as the division manager", base + "ownership/", args.runs)
    _measure(admin, "journey as admin", base + "journey/", args.runs)
    _measure(admin, "team plans as admin (page 1 of 50)", base + "ownership/plans/", args.runs)
    _measure(admin, "POPs as admin (page 1 of 50)", base + "ownership/pops/", args.runs)
    print(f"load after: {loadavg()}")


def _measure(client, name, url, runs, ok=(200,)):
    from django.db import connection

    client.get(url)  # warm up
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code in ok, (url, response.status_code)
    times.sort()
    p95 = driver.p95(times)
    print(f"{name:52} {statistics.median(times):8.0f} {p95:8.0f} {len(queries):8}")


if __name__ == "__main__":
    main()
