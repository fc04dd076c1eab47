#!/usr/bin/env python
"""Benchmark: strategy-session booking under contention, against gunicorn.

    .venv/bin/python bench/booking_race.py [--rounds 10] [--clients 50] [--workers 3] [--threads 8]
    .venv/bin/python bench/booking_race.py --postgres postgres://postgres@127.0.0.1:5432/lk_booking_bench

Sets up a fresh database (a SQLite file in a temporary directory, or the PostgreSQL database
given, dropped and created), one advisor available every day 08:00–18:00 with 60-minute
sessions and a 15-minute buffer after each, then starts gunicorn (gthread) with the app's
real settings on 127.0.0.1:8203 (rate limit off, tasks and e-mail in the request with the
locmem backend). Three phases:

1. race: `--rounds` times, `--clients` simultaneous POSTs for one slot (released together by
   a barrier); each round must give exactly one 201 and the rest 409;
2. throughput: 300 bookings of distinct free slots, 16 at a time;
3. slots: 200 reads of a month of free slots, 8 at a time.

It prints per phase the status codes, p50/p95/max latency and requests per second, and the
rows stored against the 201s answered.
"""

import argparse
import json
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from http.client import HTTPConnection
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
import driver  # noqa: E402

HOST, PORT = driver.HOST, 8203
AMS = ZoneInfo("Europe/Amsterdam")

SETUP = """
from datetime import time
from leerkoers.accounts.models import User
from leerkoers.booking.models import AdvisorProfile, WeeklyWindow
user = User.objects.create_user("bench-advisor@example.com", full_name="Bench Advisor", is_advisor=True)
p = AdvisorProfile.objects.create(advisor=user, session_lengths=[60], slot_interval=60, buffer_after=15,
                                  min_notice_hours=0, horizon_days=365, max_per_day=100)
WeeklyWindow.objects.bulk_create(WeeklyWindow(profile=p, weekday=d, start=time(8), end=time(18)) for d in range(7))
print(json.dumps({"advisor": user.pk}))
"""

COUNT = """
from leerkoers.booking.models import Booking
print(json.dumps({"rows": Booking.objects.exclude(status="cancelled").count()}))
"""


def request(method: str, path: str, body: dict | None = None) -> tuple[int, float]:
    started = time.perf_counter()
    conn = HTTPConnection(HOST, PORT, timeout=120)
    conn.request(method, path, json.dumps(body) if body else None, {"Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, time.perf_counter() - started


def report(name: str, results: list[tuple[int, float]], seconds: float) -> None:
    latencies = sorted(r[1] for r in results)
    codes: dict[int, int] = {}
    for status, _ in results:
        codes[status] = codes.get(status, 0) + 1
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    print(
        f"{name:10} {len(results):5} requests in {seconds:6.2f} s = {len(results) / seconds:7.1f}/s   "
        f"p50 {statistics.median(latencies) * 1000:6.0f} ms  p95 {p95 * 1000:6.0f} ms  "
        f"max {latencies[-1] * 1000:6.0f} ms   codes {dict(sorted(codes.items()))}"
    )


def body(advisor: int, start: datetime, i: int) -> dict:
    return {
        "advisor": advisor,
        "start": start.isoformat(),
        "name": f"Bench {i}",
        "email": f"bench{i}@example.com",
        "organisation": "Bench BV",
        "question": "Benchmark",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--postgres", default="")
    args = parser.parse_args()

    env, tmp = driver.environment(
        "lk-booking-bench-",
        RATE_LIMIT_ENABLED="0",
        BOOKING_MAX_FUTURE_PER_EMAIL="1000",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    print("database:", "PostgreSQL" if args.postgres else "SQLite", "— migrating…", flush=True)
    driver.database(env, tmp, args.postgres)
    advisor = driver.shell(env, SETUP)["advisor"]

    log_path = tmp / "server.log"  # a warning line per 409 would drown the figures
    options = ["--threads", str(args.threads), "--worker-class", "gthread"]
    with driver.serve(
        env, PORT, args.workers, ready="/api/v1/booking/advisors", options=options, stderr=log_path.open("w")
    ):
        print(f"load: {driver.loadavg()}")
        print(f"gunicorn: {args.workers} workers × {args.threads} threads; {os.cpu_count()} CPUs\n", flush=True)

        first = date.today() + timedelta(days=2)
        created = 0
        # 1. Races: one fresh slot per round.
        race, bad_rounds, started = [], 0, time.perf_counter()
        for r in range(args.rounds):
            # 08, 10, … 16 h: a 60-minute session plus its 15-minute buffer leaves the next hour taken.
            day = first + timedelta(days=r // 5)
            slot = datetime.combine(day, datetime.min.time(), AMS).replace(hour=8 + 2 * (r % 5))
            barrier = threading.Barrier(args.clients)

            def fire(i, slot=slot, barrier=barrier, r=r):
                barrier.wait()
                return request("POST", "/api/v1/booking/bookings", body(advisor, slot, r * 1000 + i))

            with ThreadPoolExecutor(args.clients) as pool:
                results = list(pool.map(fire, range(args.clients)))
            wins = sum(1 for status, _ in results if status == 201)
            refusals = sum(1 for status, _ in results if status == 409)
            bad_rounds += wins != 1 or refusals != args.clients - 1
            created += wins
            race += results
        report("race", race, time.perf_counter() - started)
        print(f"           rounds with exactly one booking: {args.rounds - bad_rounds}/{args.rounds}")

        # 2. Throughput: distinct free slots (60 min + 15 buffer: every other hour is free).
        starts = [
            datetime.combine(first + timedelta(days=30 + d), datetime.min.time(), AMS).replace(hour=h)
            for d in range(60)
            for h in range(8, 18, 2)
        ][:300]
        started = time.perf_counter()
        with ThreadPoolExecutor(16) as pool:
            results = list(
                pool.map(
                    lambda p: request("POST", "/api/v1/booking/bookings", body(advisor, p[1], 10**6 + p[0])),
                    enumerate(starts),
                )
            )
        report("throughput", results, time.perf_counter() - started)
        created += sum(1 for status, _ in results if status == 201)

        # 3. Slot reads: a month at a time.
        path = f"/api/v1/booking/advisors/{advisor}/slots?start={first}&end={first + timedelta(days=30)}&tz=America/New_York"
        started = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: request("GET", path), range(200)))
        report("slots", results, time.perf_counter() - started)

        rows = driver.shell(env, COUNT)["rows"]
        print(f"\nrows stored {rows}, 201s answered {created}: {'OK' if rows == created else 'MISMATCH'}")
        print(f"server log: {log_path}")
        print(f"load: {driver.loadavg()}")


if __name__ == "__main__":
    main()
