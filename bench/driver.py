"""The shared driver of the benchmarks that load the app under gunicorn.

A benchmark builds a fresh database (`database`), runs set-up code in it (`shell`), starts
gunicorn with the benchmark settings (`serve`: bench.settings, the product's settings plus
the one-row reference view at /bench/reference/), fires POSTs with threads and
http.client (`fire`: a new connection per request, like separate phones; bounded by count
and time) and prints a table of phases (`report`) with the machine's load.

The driver process does not import Django: set-up and counts run in `manage.py shell`.
"""

import argparse
import contextlib
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
from collections.abc import Callable
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
HOST = "127.0.0.1"
REFERENCE_PATH = "/bench/reference/"
# Counts the reference rows in `shell` code: {"reference": n}.
REFERENCE_COUNT = "from bench.models import ReferenceRow\nreference = ReferenceRow.objects.count()\n"


def p95(ordered: list[float]) -> float:
    """The 95th percentile of sorted timings: the nearest rank (no interpolation)."""
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().strip()
    except OSError:
        return "unknown"


def arguments(doc: str, port: int, **defaults) -> argparse.ArgumentParser:
    """The options every load benchmark takes (defaults may be overridden)."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=defaults.get("seconds", 20), help="time limit per phase")
    parser.add_argument("--requests", type=int, default=defaults.get("requests", 6000), help="request limit per phase")
    parser.add_argument("--concurrency", type=int, default=defaults.get("concurrency", 16))
    parser.add_argument("--workers", type=int, default=defaults.get("workers", 3), help="gunicorn workers")
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--postgres", help="postgres://…/lk_<name>: benchmark on PostgreSQL (dropped and created)")
    return parser


def environment(prefix: str, **extra: str) -> tuple[dict, Path]:
    """The environment of manage.py and gunicorn: the benchmark settings, no debug, tasks in
    the request, persistent SQLite connections (the default, 0, opens one per request:
    ~4 ms more), and one client address per simulated respondent (TRUSTED_PROXY_COUNT=1)."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    (tmp / "static").mkdir()  # nothing is served from it; WhiteNoise warns when it is missing
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "LEERKOERS_VAR_DIR": str(tmp),
        "SECRET_KEY": "bench-" + "x" * 50,
        "DEBUG": "0",
        "LEERKOERS_MANIFEST_STATIC": "0",
        "TRUSTED_PROXY_COUNT": "1",
        "SQLITE_CONN_MAX_AGE": os.environ.get("SQLITE_CONN_MAX_AGE", "60"),
        "TASKS_BACKEND": "immediate",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        **extra,
    }
    return env, tmp


def reset_postgres(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    if not name.startswith("lk_"):
        sys.exit("Use a database of your own, named lk_…: it is dropped and created.")
    with psycopg.connect(base + "/postgres", autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}"')


def database(env: dict, tmp: Path, postgres: str | None) -> str:
    """Point env at a fresh database (PostgreSQL dropped and created, or a new SQLite file),
    migrate it, and describe it."""
    if postgres:
        reset_postgres(postgres)
        env["DATABASE_URL"] = postgres
        described = "PostgreSQL " + postgres.rpartition("/")[2]
    else:
        env["SQLITE_PATH"] = str(tmp / "bench.sqlite3")
        described = f"SQLite {tmp / 'bench.sqlite3'} (SQLITE_CONN_MAX_AGE={env['SQLITE_CONN_MAX_AGE']})"
    manage(env, "migrate", "-v0")
    manage(env, "createcachetable")
    return described


def manage(env, *args, capture=False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=capture, text=True
    )
    return result.stdout


def shell(env, code: str) -> dict:
    """Run code in `manage.py shell`; its last line of output is a JSON object."""
    out = manage(env, "shell", "-c", "import json\n" + code, capture=True)
    return json.loads(out.strip().splitlines()[-1])


def wait_for(port: int, path: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            con = HTTPConnection(HOST, port, timeout=2)
            con.request("GET", path)
            if con.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("gunicorn did not come up")


@contextlib.contextmanager
def serve(env: dict, port: int, workers: int, *, ready: str, options=(), stderr=None):
    """gunicorn on HOST:port with `workers` (sync unless options say otherwise), until the
    block ends; `ready` is a path that answers 200 once it is up."""
    command = [GUNICORN, "leerkoers.wsgi", "--workers", str(workers), "--bind", f"{HOST}:{port}"]
    command += ["--log-level", "warning", "--backlog", "2048", *options]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=stderr, start_new_session=True)
    try:
        wait_for(port, ready)
        yield server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def fire(port: int, path, make_body: Callable, total: int, seconds: float, concurrency: int, first: int = 0) -> dict:
    """POST `total` requests numbered from `first` (or as many as fit in `seconds`) from
    `concurrency` threads.

    `path` is a string or a function of the request's number; `make_body(n, rng)` gives the
    JSON text of request n. Every request comes from its own address (X-Forwarded-For)."""
    latencies, statuses, lock = [], {}, threading.Lock()
    counter = iter(range(first, first + total))
    deadline = time.perf_counter() + seconds
    path_of = path if callable(path) else (lambda n: path)

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
                con.request("POST", path_of(n), body=body, headers=headers)
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


def reference_body(n, rng) -> str:
    return json.dumps({"n": n})


def phases(args, plan: list[tuple[str, object, Callable]]) -> dict:
    """Each (name, path, make_body) of the plan in turn on the same server, after a short
    warm-up of 2 × workers requests (so that every worker has imported and connected; they
    are stored too, see `report`)."""
    result = {}
    for name, path, make_body in plan:
        warmup = 2 * args.workers
        fire(args.port, path, make_body, warmup, 5, 2)
        result[name] = fire(args.port, path, make_body, args.requests, args.seconds, args.concurrency, first=warmup)
    return result


def report(args, database: str, result: dict, stored: dict, load_before: str) -> None:
    """The table of phases: sent, 2xx, rows stored (minus the warm-up), rate and latencies;
    then whether every 2xx was stored, the ratio of each phase to the reference, and the load."""
    warmup = 2 * args.workers
    print(f"database: {database}; gunicorn {args.workers} sync workers on {os.cpu_count()} cores")
    print(f"client: {args.concurrency} threads; load before: {load_before}; after: {loadavg()}")
    print(
        f"{'phase':<10} {'sent':>6} {'2xx':>6} {'stored':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  statuses"
    )
    for phase, r in result.items():
        kept = stored[phase] - warmup
        print(
            f"{phase:<10} {r['sent']:>6} {r['ok']:>6} {kept:>7} {r['per_second']:>8.0f} {r['p50_ms']:>8.1f} "
            f"{r['p95_ms']:>8.1f} {r['max_ms']:>8.1f}  {r['statuses']}"
        )
    reference = result.get("reference", {}).get("per_second")
    for phase, r in result.items():
        if phase == "reference":
            continue
        lost = r["ok"] - (stored[phase] - warmup)
        ratio = f"; {r['per_second'] / reference:.2f} × the reference" if reference else ""
        print(f"{phase}: {'none lost' if lost == 0 else f'{lost} answered 2xx but not stored'}{ratio}")


def run(doc: str, *, port: int, prefix: str, setup: str, count: str, plan: Callable, ready: str) -> None:
    """A whole load benchmark: options, a fresh database, `setup` code (its JSON goes to
    `plan(setup, args) -> [(name, path, make_body), …]`; the reference phase comes first), the phases on one
    gunicorn, then `count` code (`{"reference": n, name: n, …}`) and the report."""
    args = arguments(doc, port=port).parse_args()
    env, tmp = environment(prefix)
    described = database(env, tmp, args.postgres)
    steps = plan(shell(env, setup), args)
    load = loadavg()
    with serve(env, args.port, args.workers, ready=ready):
        result = phases(args, [("reference", REFERENCE_PATH, reference_body), *steps])
    report(args, described, result, shell(env, count), load)
