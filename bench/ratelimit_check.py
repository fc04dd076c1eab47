#!/usr/bin/env python
"""Benchmark: the cost of one rate-limit check (leerkoers/ratelimit/limiter.py), in the process.

    .venv/bin/python bench/ratelimit_check.py [--checks 3000]
    .venv/bin/python bench/ratelimit_check.py --postgres postgres://postgres@127.0.0.1:5432/lk_scan_rl

Uses a fresh SQLite file in a temporary directory, or the PostgreSQL database given (which
must exist; it is migrated, its counters are not cleaned up). Prints the statements one
check runs for a new and for a returning address, and the time per check over `--checks`
distinct addresses on one connection.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checks", type=int, default=3000)
    parser.add_argument("--postgres", help="postgres://…/lk_<name> (an existing database)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="lk-ratelimit-")
    if args.postgres:
        os.environ["DATABASE_URL"] = args.postgres
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
        os.environ["SQLITE_CONN_MAX_AGE"] = "60"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerkoers.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from leerkoers.ratelimit.limiter import retry_after

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    factory = RequestFactory()
    requests = [
        factory.post("/x", REMOTE_ADDR=f"10.{i // 65536}.{i // 256 % 256}.{i % 256}") for i in range(args.checks)
    ]
    for label in ("new", "returning"):
        with CaptureQueriesContext(connection) as queries:
            retry_after(requests[0], "bench", limit=10**6, window=60)
        print(f"statements per check ({label} address): {len(queries.captured_queries)}")
    times = []
    for request in requests[1:]:
        start = time.perf_counter()
        retry_after(request, "bench", limit=10**6, window=60)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(
        f"{connection.vendor}: {len(times)} checks, mean {statistics.mean(times):.3f} ms, "
        f"p50 {times[len(times) // 2]:.3f} ms, p95 {times[int(len(times) * 0.95)]:.3f} ms"
    )
    connection.close()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
