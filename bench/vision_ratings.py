#!/usr/bin/env python
"""Benchmark: ratings of a vision round through the participant endpoint, against gunicorn.

    .venv/bin/python bench/vision_ratings.py [--seconds 20] [--requests 6000] [--concurrency 16] [--workers 3]
    .venv/bin/python bench/vision_ratings.py --postgres postgres://postgres@127.0.0.1:5432/lk_vision_bench

The same harness as bench/scan_submit.py (its database set-up, gunicorn and client are
reused): a fresh database, an open vision round with 150 statements and 2,000 participants,
then two phases on the same server —

1. reference: the scan's minimal one-row insert view (/scan/bench/reference/);
2. vision: POST /api/v1/vision/participants/{token}/ratings, each request a new
   (participant, statement) pair, so every 2xx must be one stored rating.

It prints requests per second, p50/p95/max latency, statuses, and stored rows against 2xx.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scan_submit as harness  # noqa: E402

PARTICIPANTS = 2000
STATEMENTS = 150

SETUP = f"""
import datetime
from leerkoers.orgs.models import Organization
from leerkoers.vision.services import participant_start, round_open, statement_propose
org = Organization.objects.create(name="Bench visie", slug="bench-vision", sector="care", size_band="5000+")
vision_round = round_open(organization=org, title="Bench", closes_on=datetime.date.today() + datetime.timedelta(days=7), actor=None)
statements = [str(statement_propose(vision_round=vision_round, text=f"Stelling nummer {{i}} over leren").public_id) for i in range({STATEMENTS})]
layers = ["board", "managers", "employees", "employees", "employees", "hr"]
tokens = [participant_start(vision_round=vision_round, layer=layers[i % 6], invitation=None) for i in range({PARTICIPANTS})]
print(json.dumps({{"statements": statements, "tokens": tokens}}))
"""

COUNT = """
from leerkoers.scan.models import BenchReferenceRow
from leerkoers.vision.models import VisionRating
print(json.dumps({"reference": BenchReferenceRow.objects.count(), "vision": VisionRating.objects.filter(round__title="Bench").count()}))
"""


def client_main(args) -> None:
    setup = json.loads(Path(args.client).read_text())
    tokens, statements = setup["tokens"], setup["statements"]

    def reference_body(n, rng):
        return json.dumps({"n": n})

    result = {}
    harness.fire(args.port, "/scan/bench/reference/", reference_body, 2 * args.workers, 5, 2)
    result["reference"] = harness.fire(
        args.port, "/scan/bench/reference/", reference_body, args.requests, args.seconds, args.concurrency
    )
    # Each request is a distinct (participant, statement): n → participant n % P, statement n // P.
    paths = [
        (f"/api/v1/vision/participants/{tokens[n % len(tokens)]}/ratings", statements[n // len(tokens)])
        for n in range(min(len(tokens) * len(statements), args.requests + 2 * args.workers))
    ]
    it = iter(paths)
    import threading

    lock = threading.Lock()
    pairs = {}

    def vision_body(n, rng):
        with lock:
            path, statement = next(it)
            pairs[n] = path
        return json.dumps({"statement": statement, "vote": rng.choice([1, -1, 0])})

    # fire() posts to one path; the path carries the participant, so send through a router view.
    result["vision"] = fire_paths(args, vision_body, pairs)
    print(json.dumps(result))


def fire_paths(args, make_body, pairs):
    """harness.fire with a path per request (the participant token is in the path)."""
    original = harness.HTTPConnection

    class PerRequest(original):
        def request(self, method, url, body=None, headers=None):  # noqa: D401
            n = json.loads(body)
            return super().request(method, pairs[n["_n"]], body=json.dumps(n["payload"]), headers=headers or {})

    def body(n, rng):
        payload = json.loads(make_body(n, rng))
        return json.dumps({"_n": n, "payload": payload})

    harness.HTTPConnection = PerRequest
    try:
        harness.fire(args.port, "/", body, 2 * args.workers, 5, 2)
        return harness.fire(args.port, "/", body, args.requests, args.seconds, args.concurrency)
    finally:
        harness.HTTPConnection = original


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8102)
    parser.add_argument("--postgres")
    parser.add_argument("--client", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        return client_main(args)

    tmp = Path(tempfile.mkdtemp(prefix="lk-vision-bench-"))
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "LEERKOERS_VAR_DIR": str(tmp),
        "SECRET_KEY": "bench-" + "x" * 50,
        "DEBUG": "0",
        "LEERKOERS_MANIFEST_STATIC": "0",
        "BENCH_REFERENCE_VIEW": "1",
        "TRUSTED_PROXY_COUNT": "1",
        "SQLITE_CONN_MAX_AGE": os.environ.get("SQLITE_CONN_MAX_AGE", "60"),
        "TASKS_BACKEND": "immediate",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "leerkoers.settings",
    }
    if args.postgres:
        harness.reset_postgres(args.postgres)
        env["DATABASE_URL"] = args.postgres
        database = "PostgreSQL " + args.postgres.rpartition("/")[2]
    else:
        env["SQLITE_PATH"] = str(tmp / "bench.sqlite3")
        database = f"SQLite (SQLITE_CONN_MAX_AGE={env['SQLITE_CONN_MAX_AGE']})"
    harness.manage(env, "migrate", "-v0")
    harness.manage(env, "createcachetable")
    setup_file = tmp / "setup.json"
    setup_file.write_text(json.dumps(harness.shell(env, SETUP)))
    cmd = [harness.GUNICORN, "leerkoers.wsgi", "--workers", str(args.workers), "--bind", f"{harness.HOST}:{args.port}"]
    server = subprocess.Popen(
        cmd + ["--log-level", "warning", "--backlog", "2048"], cwd=harness.ROOT, env=env, start_new_session=True
    )
    try:
        harness.wait_for(args.port)
        client = [sys.executable, __file__, "--client", str(setup_file), "--port", str(args.port)]
        client += ["--seconds", str(args.seconds), "--requests", str(args.requests)]
        client += ["--concurrency", str(args.concurrency), "--workers", str(args.workers)]
        out = subprocess.run(client, check=True, capture_output=True, text=True, timeout=args.seconds * 4 + 120).stdout
        result = json.loads(out.strip().splitlines()[-1])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    stored = harness.shell(env, COUNT)
    warmup = 2 * args.workers
    print(f"database: {database}; gunicorn {args.workers} sync workers on 2 cores; client: {args.concurrency} threads")
    print(
        f"{'phase':<10} {'sent':>6} {'2xx':>6} {'stored':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  statuses"
    )
    for phase in ("reference", "vision"):
        r = result[phase]
        kept = stored[phase] - warmup
        print(
            f"{phase:<10} {r['sent']:>6} {r['ok']:>6} {kept:>7} {r['per_second']:>8.0f} {r['p50_ms']:>8.1f} "
            f"{r['p95_ms']:>8.1f} {r['max_ms']:>8.1f}  {r['statuses']}"
        )
    lost = result["vision"]["ok"] - (stored["vision"] - warmup)
    print(f"vision: {'no rating lost' if lost == 0 else f'{lost} answered 2xx but not stored'}")


if __name__ == "__main__":
    main()
