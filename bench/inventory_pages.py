#!/usr/bin/env python
"""Benchmark: the inventory's pages with 10,000 activities and 1,000,000 participations.

    .venv/bin/python bench/inventory_pages.py [--activities 10000] [--participations 1000000] [--runs 40]

Fills a fresh SQLite database (or the PostgreSQL database named in DATABASE_URL, dropped
and created), then requests each page through Django's test client as an HR admin and
prints p50 and p95 per page, beside a bare reference measured in the same run (the landing
page, which sends a signed-in user on: session, middleware and authentication, no query of the
inventory).

The last rows are the analysis page after a change: the change (bumping the inventory
revisions, as every write does) enqueues the recomputation, which runs in the worker — here the
immediate task backend, so it runs at the change and its own time is printed as "refresh
task"; the page request after it is timed separately. "while the refresh is pending" is a
visitor who comes before the worker has finished: the previous figures, with a note.
"""

import argparse
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import driver  # noqa: E402  (bench/ is put on the path just above)

WORDS = ["Klantgericht", "Leiderschap", "Excel", "Agressie", "Medicatie", "Privacy", "Feedback", "Dementie",
         "Timemanagement", "Hygiëne", "Veiligheid", "Coaching", "Communicatie", "Projectmatig", "Lean", "Scrum"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--participations", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    from import_participations import prepare_database

    workdir = Path(tempfile.mkdtemp(prefix="lk-pages-"))
    database = prepare_database(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerkoers.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    # The worker's recomputation runs at the change, so that its time can be printed apart.
    os.environ.setdefault("TASKS_BACKEND", "immediate")
    import django

    django.setup()
    import logging

    logging.getLogger("django_tasks").setLevel(logging.WARNING)  # one line per refresh otherwise
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from leerkoers.accounts.models import User
    from leerkoers.inventory.importing.writer import bulk_upsert_participations, refresh_participation_counts
    from leerkoers.inventory.models import Activity, ActivityTeam
    from leerkoers.inventory.selectors import bump_revision
    from leerkoers.orgs.models import Membership, Organization, Role, Team

    rng = random.Random(1)
    t = time.perf_counter()
    org = Organization.objects.create(name="Bench", slug="bench")
    teams = Team.objects.bulk_create([Team(organization=org, name=f"Team {i}") for i in range(40)])
    user = User.objects.create_user(email="hr@bench.example", password="x-bench-password-1")
    Membership.objects.create(organization=org, user=user, role=Role.ADMIN, team=teams[0])
    with transaction.atomic():
        activities = Activity.objects.bulk_create(
            [
                Activity(
                    organization=org,
                    title=f"{rng.choice(WORDS)} {rng.choice(['training', 'basis', 'module'])} {i % 700}",
                    provider=f"Aanbieder {i % 90}",
                    kind=rng.choice(["training", "course", "e_learning"]),
                    initiator=rng.choice(["hr", "manager", "employee", "board"]),
                    cost=Decimal(rng.randrange(100, 9000)),
                    hours_per_participant=Decimal(rng.choice([2, 4, 8])),
                    goal="Doel" if i % 3 == 0 else "",
                    start_date=timezone.localdate().replace(day=1),
                    natural_key=str(i),
                )  # fmt: skip
                for i in range(args.activities)
            ],
            batch_size=2000,
        )
        ActivityTeam.objects.bulk_create(
            [ActivityTeam(organization=org, activity=a, team=rng.choice(teams)) for a in activities], batch_size=5000
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        ids = [a.pk for a in activities]
        rows = [
            (org.pk, ids[i % len(ids)], f"~p{i // len(ids) * 7 + i % 7:08d}", None, teams[i % 40].pk, "completed",
             "2026-01-15", "2", "80", "import", now, now, None, "2026-01-15")
            for i in range(args.participations)
        ]  # fmt: skip
        bulk_upsert_participations(rows, first=True)
        refresh_participation_counts(org)
    # A server process does not hold the million rows it was filled with: without this, every
    # full garbage collection during a timed request walks them (100-300 ms measured).
    del rows, activities
    gc.collect()
    if connection.vendor == "postgresql":
        # What autovacuum does shortly after a bulk load: statistics and the visibility map.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE inventory_participation")
            cursor.execute("VACUUM ANALYZE inventory_activity")
    print(f"database: {database}; filled in {time.perf_counter() - t:.0f} s")

    client = Client()
    client.force_login(user)
    base = "/o/bench/inventory/"
    pages = {
        "analysis (cached)": base,
        "activities": base + "activities/",
        "activities, search + sort": base + "activities/?q=klant&sort=-cost&page=3",
        "participations": base + "participations/",
        "participations, team filter": base + f"participations/?team={teams[3].pk}&page=5",
        "API activities": "/api/v1/orgs/bench/activities?limit=100",
        "API participations": "/api/v1/orgs/bench/participations?limit=100&offset=5000",
        "API analysis": "/api/v1/orgs/bench/analysis",
    }
    print(f"{'page':40} {'p50 ms':>8} {'p95 ms':>8}")
    _measure(client, "reference: landing page (redirect)", "/", args.runs, ok=(302,))
    for name, url in pages.items():
        _measure(client, name, url, args.runs)
    cold_runs = max(5, args.runs // 8)
    task_times: dict[str, list[float]] = {"activity edit": [], "new participations": []}

    def change(kind, participations):
        start = time.perf_counter()
        bump_revision(org, participations=participations)  # runs the refresh task (immediate backend)
        task_times[kind].append((time.perf_counter() - start) * 1000)

    _measure(client, "analysis after an activity edit", base, cold_runs,
             before=lambda: change("activity edit", False))  # fmt: skip
    _measure(client, "analysis after new participations", base, cold_runs,
             before=lambda: change("new participations", True))  # fmt: skip

    def pending_change():
        # A change whose refresh the worker has not run yet.
        from django.core.cache import cache

        from leerkoers.inventory import selectors

        cache.set(selectors._revision_key(org), f"pending-{time.perf_counter()}", None)
        cache.set(selectors._pending_key(org.pk), True, selectors.REFRESH_PATIENCE)

    _measure(client, "analysis while the refresh is pending", base, cold_runs, before=pending_change)
    for kind, times in task_times.items():
        times.sort()
        p95 = driver.p95(times)
        print(f"{'refresh task after ' + kind:40} {statistics.median(times):8.0f} {p95:8.0f}   (in the worker)")


def _measure(client, name, url, runs, before=None, ok=(200,)):
    times = []
    client.get(url)  # warm up
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code in ok, (url, response.status_code)
    times.sort()
    p95 = driver.p95(times)
    print(f"{name:40} {statistics.median(times):8.0f} {p95:8.0f}")


if __name__ == "__main__":
    main()
