#!/usr/bin/env python
"""Benchmark: results of a large vision round — consensus, division and opinion groups.

    .venv/bin/python bench/vision_results.py [--participants 2000] [--statements 150] [--density 0.5]

A fresh SQLite database under a temporary directory (or PostgreSQL with --postgres), one round
of `participants` × `statements` with every participant rating about `density` of the
statements (2,000 × 150 × 0.5 ≈ 150,000 ratings) from two planted opinion groups. It times,
beside a bare reference in the same run (one COUNT(*) over the ratings):

- results.compute: everything the background task computes — tallies per statement and
  layer (consensus, division) and the opinion groups (matrix, PCA, k-means) — five runs;
- results.results_refresh: the same and storing the snapshot — five runs;
- the round page through Django's test client as the organisation's admin once computed
  (the snapshot fresh), `--page-runs` runs, median and p95.

The issue's bars: compute < 2 s, the page's p95 < 300 ms.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn, runs=5):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)], times[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--statements", type=int, default=150)
    parser.add_argument("--density", type=float, default=0.5)
    parser.add_argument("--page-runs", type=int, default=20)
    parser.add_argument("--postgres")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lk-vision-results-"))
    os.environ.update(
        {
            "LEERKOERS_VAR_DIR": str(tmp),
            "SECRET_KEY": "bench-" + "x" * 50,
            "DEBUG": "0",
            "LEERKOERS_MANIFEST_STATIC": "0",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "leerkoers.settings",
            "ALLOWED_HOSTS": "testserver",
        }
    )
    if args.postgres:
        sys.path.insert(0, str(ROOT / "bench"))
        import driver

        driver.reset_postgres(args.postgres)
        os.environ["DATABASE_URL"] = args.postgres
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = str(tmp / "bench.sqlite3")
    import random

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("createcachetable")
    from leerkoers.accounts.models import User
    from leerkoers.orgs.models import Membership, Organization, Role
    from leerkoers.vision import results
    from leerkoers.vision.models import VisionParticipant, VisionRating, VisionRound, VisionStatement

    org = Organization.objects.create(name="Bench", slug="bench")
    admin = User.objects.create_user(email="admin@bench.example", password="x" * 12)
    Membership.objects.create(organization=org, user=admin, role=Role.ADMIN)
    vision_round = VisionRound.objects.create(
        organization=org, title="Bench", closes_on=django.utils.timezone.localdate()
    )
    statements = VisionStatement.objects.bulk_create(
        VisionStatement(organization=org, round=vision_round, text=f"Stelling {i}") for i in range(args.statements)
    )
    layers = ["board", "managers", "employees", "employees", "employees", "hr"]
    participants = VisionParticipant.objects.bulk_create(
        VisionParticipant(organization=org, round=vision_round, layer=layers[i % 6], token_hash=f"t{i}", verified=True)
        for i in range(args.participants)
    )
    rng = random.Random(7)
    rows = []
    for i, participant in enumerate(participants):
        camp = i % 2
        for j, statement in enumerate(statements):
            if rng.random() < args.density:
                likes = (j % 2 == 0) == (camp == 0)
                vote = 0 if rng.random() < 0.05 else (1 if (rng.random() < 0.85) == likes else -1)
                rows.append(
                    VisionRating(
                        organization=org,
                        round=vision_round,
                        statement=statement,
                        participant=participant,
                        layer=participant.layer,
                        vote=vote,
                        verified=participant.verified,
                    )
                )
    VisionRating.objects.bulk_create(rows, batch_size=5000)
    print(
        f"database: {connection.vendor}; {len(participants)} participants × {len(statements)} statements, {len(rows)} ratings"
    )

    def reference():
        VisionRating.objects.filter(round=vision_round).count()

    client = Client()
    client.force_login(admin)
    url = f"/o/bench/vision/rounds/{vision_round.public_id}/"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    results.results_refresh(vision_round)
    page()  # once computed: the snapshot is fresh from here on
    print(f"load before: {Path('/proc/loadavg').read_text().strip()}")
    print(f"{'':<44} {'median':>9} {'p95':>9} {'max':>9}")
    for label, fn, runs in (
        ("reference: COUNT(*) of the ratings", reference, 5),
        ("compute (tallies, consensus, groups)", lambda: results.compute(vision_round), 5),
        ("results_refresh (compute and store)", lambda: results.results_refresh(vision_round), 5),
        ("round page, admin, once computed", page, args.page_runs),
    ):
        median, p95, worst = timed(fn, runs)
        print(f"{label:<44} {1000 * median:6.1f} ms {1000 * p95:6.1f} ms {1000 * worst:6.1f} ms   ({runs} runs)")
    print(f"load after: {Path('/proc/loadavg').read_text().strip()}")
    opinion = results.computed(vision_round).opinion
    print(f"opinion groups found: {len(opinion.groups)} (silhouette {opinion.silhouette:.2f})")


if __name__ == "__main__":
    main()
