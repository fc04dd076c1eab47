#!/usr/bin/env python
"""Where a scan submission's time goes, in the process: queries per submission and a profile.

    .venv/bin/python bench/scan_profile.py [--requests 1000] [--top 25]

A fresh SQLite database under a temporary directory, an open round, then `--requests`
complete questionnaires through the employees' layer link with Django's test client (the
whole middleware stack and django-ninja, no network). It prints the SQL of one submission,
the time per submission beside a bare reference (the one-row view of bench/urls.py) in the
same run, the load, and the functions that take most of the cumulative time (cProfile).
"""

import argparse
import cProfile
import json
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lk-scan-profile-"))
    (tmp / "static").mkdir()
    os.environ.update(
        {
            "LEERKOERS_VAR_DIR": str(tmp),
            "SECRET_KEY": "bench-" + "x" * 50,
            "DEBUG": "0",
            "LEERKOERS_MANIFEST_STATIC": "0",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "ALLOWED_HOSTS": "testserver",
            "TRUSTED_PROXY_COUNT": "1",
            "SQLITE_PATH": str(tmp / "bench.sqlite3"),
            "SQLITE_CONN_MAX_AGE": "60",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core import signing
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    call_command("createcachetable")
    from leerkoers.orgs.models import Organization
    from leerkoers.scan import instrument
    from leerkoers.scan.services import _START_SALT, round_open

    org = Organization.objects.create(name="Bench", slug="bench")
    scan_round = round_open(organization=org, title="Bench", actor=None)
    link = scan_round.links.get(layer="employees").token
    items = instrument.item_ids(scan_round.instrument_id)
    rng = random.Random(1)
    client = Client()

    def body(n):
        answers = {item: rng.randint(1, 5) for item in items}
        started = signing.dumps({"t": int(time.time()) - 300, "n": f"{n:016x}"}, salt=_START_SALT)
        return json.dumps({"answers": answers, "link": link, "started": started})

    def submit(n):
        response = client.post(
            "/api/v1/scan/responses",
            body(n),
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"10.1.{n >> 8 & 255}.{n & 255}",
        )
        assert response.status_code == 201, response.content

    def reference(n):
        assert (
            client.post("/bench/reference/", json.dumps({"n": n}), content_type="application/json").status_code == 201
        )

    submit(0)
    reference(0)
    with CaptureQueriesContext(connection) as queries:
        submit(1)
    print(f"load: {Path('/proc/loadavg').read_text().strip()}")
    print(f"one submission: {len(queries)} queries")
    for query in queries.captured_queries:
        print(f"  {query['time']:>6} s  {query['sql'][:150]}")
    bodies = [body(n) for n in range(2, 2 + args.requests)]  # built outside the timing
    timings = {}
    for label, fn in (("reference", reference), ("scan", None)):
        start = time.perf_counter()
        for i in range(args.requests):
            if fn is None:
                client.post(
                    "/api/v1/scan/responses", bodies[i], content_type="application/json",
                    HTTP_X_FORWARDED_FOR=f"10.2.{i >> 8 & 255}.{i & 255}",
                )  # fmt: skip
            else:
                fn(i + 1)
        timings[label] = (time.perf_counter() - start) / args.requests * 1000
    print(f"per request: reference {timings['reference']:.2f} ms, scan {timings['scan']:.2f} ms "
          f"({timings['reference'] / timings['scan']:.2f} × the reference's rate)")  # fmt: skip
    bodies = [body(n) for n in range(10**6, 10**6 + args.requests)]
    profile = cProfile.Profile()
    profile.enable()
    for i in range(args.requests):
        client.post(
            "/api/v1/scan/responses", bodies[i], content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"10.3.{i >> 8 & 255}.{i & 255}",
        )  # fmt: skip
    profile.disable()
    stats = pstats.Stats(profile)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
