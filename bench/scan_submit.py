#!/usr/bin/env python
"""Benchmark: scan submissions of a whole organisation at once, against gunicorn.

    .venv/bin/python bench/scan_submit.py [--seconds 20] [--requests 6000] [--concurrency 16] [--workers 3]
    .venv/bin/python bench/scan_submit.py --postgres postgres://postgres@127.0.0.1:5432/lk_scan_bench

Sets up a fresh database (a SQLite file under a temporary directory, or the PostgreSQL
database given, dropped and created), an organisation of 10,000 employees and an open scan
round, then starts gunicorn with the app's real settings on 127.0.0.1:8101 (plus
BENCH_REFERENCE_VIEW=1 and TRUSTED_PROXY_COUNT=1, so that every simulated respondent has
its own address and the per-address rate limit is exercised as in production). A second
process fires POSTs with threads and http.client (a new connection per request, like
separate phones), bounded by count and time, in two phases on the same server:

1. reference: a minimal Django view that stores one row (/scan/bench/reference/);
2. scan: complete questionnaires through the round's employee link (/api/v1/scan/responses).

It prints per phase the sustained requests per second, p50/p95/max latency, the status
codes, and the rows stored versus the 2xx answers sent (nothing may be lost).
"""

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
HOST = "127.0.0.1"

SETUP = """
from leerkoers.orgs.models import Organization
from leerkoers.scan import instrument
from leerkoers.scan.services import round_open
org = Organization.objects.create(name="Bench 10k", slug="bench-10k", sector="care", size_band="5000+")
scan_round = round_open(organization=org, title="Bench", actor=None)
import secrets, time
from django.core import signing
from leerkoers.scan.services import _START_SALT
# Starts the server signed five minutes ago, one per respondent (as the form would hand out).
starts = [signing.dumps({"t": int(time.time()) - 300, "n": secrets.token_hex(8)}, salt=_START_SALT) for _ in range(20000)]
with open(STARTS_PATH, "w") as handle:
    json.dump(starts, handle)
print(json.dumps({"link": scan_round.links.get(layer="employees").token, "items": instrument.item_ids(scan_round.instrument_id), "starts": STARTS_PATH}))
"""

COUNT = """
from leerkoers.scan.models import BenchReferenceRow, ScanResponse
print(json.dumps({"reference": BenchReferenceRow.objects.count(), "scan": ScanResponse.objects.filter(round__title="Bench").count()}))
"""


def manage(env, *args, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=capture, text=True
    )
    return result.stdout


def shell(env, code: str) -> dict:
    out = manage(env, "shell", "-c", "import json\n" + code, capture=True)
    return json.loads(out.strip().splitlines()[-1])


def reset_postgres(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    if not name.startswith("lk_"):
        sys.exit("Use a database of your own, named lk_…: it is dropped and created.")
    with psycopg.connect(base + "/postgres", autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}"')


def wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            con = HTTPConnection(HOST, port, timeout=2)
            con.request("GET", "/api/v1/scan/instrument")
            if con.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not come up")


# --- the client process ---


def fire(port: int, path: str, make_body, total: int, seconds: float, concurrency: int) -> dict:
    latencies, statuses, lock = [], {}, threading.Lock()
    counter = iter(range(total))
    deadline = time.perf_counter() + seconds

    def worker():
        rng = random.Random()
        while time.perf_counter() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            body = make_body(n, rng)
            headers = {
                "Content-Type": "application/json",
                "X-Forwarded-For": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
            }
            start = time.perf_counter()
            try:
                con = HTTPConnection(HOST, port, timeout=30)
                con.request("POST", path, body=body, headers=headers)
                response = con.getresponse()
                response.read()
                status = response.status
                con.close()
            except OSError as exc:
                status = type(exc).__name__
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    latencies.sort()
    return {
        "sent": len(latencies),
        "ok": sum(v for k, v in statuses.items() if isinstance(k, int) and 200 <= k < 300),
        "statuses": {str(k): v for k, v in statuses.items()},
        "per_second": len(latencies) / wall if wall else 0,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else 0,
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0,
        "max_ms": 1000 * latencies[-1] if latencies else 0,
        "seconds": wall,
    }


def client_main(args) -> None:
    setup = json.loads(args.client)
    items = setup["items"]
    starts = json.loads(Path(setup["starts"]).read_text())

    def reference_body(n, rng):
        return json.dumps({"n": n})

    def scan_body(n, rng):
        answers = {item: (None if rng.random() < 0.05 else rng.randint(1, 5)) for item in items}
        started = starts[n % len(starts)]
        return json.dumps({"answers": answers, "link": setup["link"], "started": started})

    result = {}
    for phase, path, make_body in (
        ("reference", "/scan/bench/reference/", reference_body),
        ("scan", "/api/v1/scan/responses", scan_body),
    ):
        # A short warm-up so that every worker has imported and connected.
        fire(args.port, path, make_body, 2 * args.workers, 5, 2)
        result[phase] = fire(args.port, path, make_body, args.requests, args.seconds, args.concurrency)
    print(json.dumps(result))


# --- the driver ---


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20, help="time limit per phase")
    parser.add_argument("--requests", type=int, default=6000, help="request limit per phase")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument("--postgres", help="postgres://…/lk_<name>: benchmark on PostgreSQL (dropped and created)")
    parser.add_argument("--client", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        return client_main(args)

    tmp = Path(tempfile.mkdtemp(prefix="lk-scan-bench-"))
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "LEERKOERS_VAR_DIR": str(tmp),
        "SECRET_KEY": "bench-" + "x" * 50,
        "DEBUG": "0",
        "LEERKOERS_MANIFEST_STATIC": "0",
        "BENCH_REFERENCE_VIEW": "1",
        "TRUSTED_PROXY_COUNT": "1",
        # Persistent SQLite connections (the default, 0, opens one per request: ~4 ms more).
        "SQLITE_CONN_MAX_AGE": os.environ.get("SQLITE_CONN_MAX_AGE", "60"),
        "TASKS_BACKEND": "immediate",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "leerkoers.settings",
    }
    if args.postgres:
        reset_postgres(args.postgres)
        env["DATABASE_URL"] = args.postgres
        database = "PostgreSQL " + args.postgres.rpartition("/")[2]
    else:
        env["SQLITE_PATH"] = str(tmp / "bench.sqlite3")
        database = f"SQLite {tmp / 'bench.sqlite3'} (SQLITE_CONN_MAX_AGE={env['SQLITE_CONN_MAX_AGE']})"
    manage(env, "migrate", "-v0")
    manage(env, "createcachetable")
    setup = shell(env, SETUP.replace("STARTS_PATH", repr(str(tmp / "starts.json"))))

    server = subprocess.Popen(
        [
            GUNICORN,
            "leerkoers.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"{HOST}:{args.port}",
            "--log-level",
            "warning",
            "--backlog",
            "2048",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        wait_for(args.port)
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--client",
                json.dumps(setup),
                "--port",
                str(args.port),
                "--seconds",
                str(args.seconds),
                "--requests",
                str(args.requests),
                "--concurrency",
                str(args.concurrency),
                "--workers",
                str(args.workers),
            ],  # fmt: skip
            check=True,
            capture_output=True,
            text=True,
            timeout=args.seconds * 4 + 120,
        ).stdout
        result = json.loads(out.strip().splitlines()[-1])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    stored = shell(env, COUNT)
    warmup = 2 * args.workers  # the warm-up requests are stored too
    print(f"database: {database}; gunicorn {args.workers} sync workers on 2 cores; client: {args.concurrency} threads")
    print(
        f"{'phase':<10} {'sent':>6} {'2xx':>6} {'stored':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  statuses"
    )
    for phase in ("reference", "scan"):
        r = result[phase]
        kept = stored[phase] - warmup
        print(
            f"{phase:<10} {r['sent']:>6} {r['ok']:>6} {kept:>7} {r['per_second']:>8.0f} {r['p50_ms']:>8.1f} "
            f"{r['p95_ms']:>8.1f} {r['max_ms']:>8.1f}  {r['statuses']}"
        )
    lost = result["scan"]["ok"] - (stored["scan"] - warmup)
    print(f"scan: {'no response lost' if lost == 0 else f'{lost} answered 2xx but not stored'}")


if __name__ == "__main__":
    main()
