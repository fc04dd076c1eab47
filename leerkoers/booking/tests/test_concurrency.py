"""No double booking under real concurrency: 50 simultaneous requests against a live server.

The server is gunicorn in a subprocess (3 processes × 8 threads), so requests really race
each other through separate database connections. It runs on the database of the test
run: on SQLite a file copy of the in-memory test database, on PostgreSQL the test
database itself (run the suite with DATABASE_URL=postgres://… for that).
"""

import http.client
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from datetime import time as wall
from pathlib import Path
from threading import Barrier
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from leerkoers.accounts.models import User
from leerkoers.booking.models import AdvisorProfile, Booking, WeeklyWindow

AMS = ZoneInfo("Europe/Amsterdam")
ROOT = Path(settings.BASE_DIR)
PORTS = range(8201, 8210)
CLIENTS = 50


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8201-8209")


def _advisor(email: str, **profile) -> User:
    user = User.objects.create_user(email, full_name=email.split("@")[0], is_advisor=True)
    p = AdvisorProfile.objects.create(advisor=user, min_notice_hours=0, horizon_days=365, **profile)
    WeeklyWindow.objects.bulk_create(WeeklyWindow(profile=p, weekday=d, start=wall(8), end=wall(18)) for d in range(7))
    return user


def _post(port: int, body: dict, path: str = "/api/v1/booking/bookings") -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    response = conn.getresponse()
    data = json.loads(response.read() or b"{}")
    conn.close()
    return response.status, data


def _burst(port: int, bodies: list[dict], paths: list[str] | None = None) -> list[tuple[int, dict]]:
    barrier = Barrier(len(bodies))
    paths = paths or ["/api/v1/booking/bookings"] * len(bodies)

    def fire(pair):
        barrier.wait()
        return _post(port, *pair)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(fire, zip(bodies, paths, strict=True)))


def _body(advisor: User, start: datetime, i: int, length: int | None = None) -> dict:
    body = {
        "advisor": advisor.pk,
        "start": start.isoformat(),
        "name": f"Bezoeker {i}",
        "email": f"visitor{i}-{advisor.pk}@example.com",
        "organisation": "Race BV",
        "question": "Wie is eerst?",
    }
    if length:
        body["length"] = length
    return body


@pytest.fixture
def live_gunicorn(transactional_db, tmp_path):
    """Start gunicorn on the test database once the test has committed its data."""
    processes = []

    def start() -> int:
        port = _free_port()
        env = {
            **os.environ,
            "TASKS_BACKEND": "immediate",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "RATE_LIMIT_ENABLED": "0",
            "BOOKING_MAX_FUTURE_PER_EMAIL": "1",  # every request below has its own address, except in 6.
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
        }
        if connection.vendor == "sqlite":
            path = tmp_path / "live.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(path)
            connection.connection.backup(target)
            target.close()
            env["SQLITE_PATH"] = str(path)
            env.pop("DATABASE_URL", None)
        else:
            s = connection.settings_dict
            env["DATABASE_URL"] = f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "leerkoers.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "3",
                "--threads",
                "8",
                "--worker-class",
                "gthread",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        processes.append(process)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/v1/booking/advisors")
                if conn.getresponse().status == 200:
                    return port
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=20)
    connection.close()


def _server_count(tmp_path, advisor: User, start: datetime | None = None) -> int:
    """Active bookings of the advisor (starting at `start`) in the server's database."""
    if connection.vendor != "sqlite":
        rows = Booking.objects.filter(advisor=advisor).exclude(status="cancelled")
        return rows.filter(start=start).count() if start else rows.count()
    sql = "SELECT start FROM booking_booking WHERE advisor_id = ? AND status != 'cancelled'"
    with sqlite3.connect(tmp_path / "live.sqlite3") as db:
        starts = [row[0] for row in db.execute(sql, (advisor.pk,))]
    if start is None:
        return len(starts)
    # Django stores aware datetimes in SQLite as UTC text.
    wanted = start.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    return sum(1 for value in starts if value.startswith(wanted))


def _assert_one_winner(results, tmp_path, advisor):
    codes = sorted(status for status, _ in results)
    assert codes.count(201) == 1, codes
    assert codes.count(409) == len(results) - 1, codes
    for status, data in results:
        if status == 409:
            assert data["detail"], data
            assert isinstance(data["alternatives"], list)
    assert _server_count(tmp_path, advisor) == 1


def test_it_books_a_contested_slot_exactly_once_under_50_simultaneous_requests(live_gunicorn, tmp_path):
    day = timezone.now().astimezone(AMS).date() + timedelta(days=7)
    ten = datetime.combine(day, wall(10), AMS)
    half_past = ten + timedelta(minutes=30)

    same_slot = _advisor("same@example.com", session_lengths=[60], buffer_before=0, buffer_after=0)
    lengths = _advisor("lengths@example.com", session_lengths=[30, 60], buffer_before=0, buffer_after=0)
    buffered = _advisor("buffer@example.com", session_lengths=[30], buffer_before=0, buffer_after=30)
    per_day = _advisor("perday@example.com", session_lengths=[30], buffer_before=0, buffer_after=0, max_per_day=1)
    moving = _advisor("moving@example.com", session_lengths=[30], buffer_before=0, buffer_after=0, max_per_day=100)
    first = _advisor("first@example.com", session_lengths=[30])
    second = _advisor("second@example.com", session_lengths=[30])
    port = live_gunicorn()

    # 1. Fifty people click the same slot.
    results = _burst(port, [_body(same_slot, ten, i) for i in range(CLIENTS)])
    _assert_one_winner(results, tmp_path, same_slot)

    # 2. Two overlapping slots of different lengths: 10:00 for an hour and 10:30 for half an hour.
    bodies = [_body(lengths, ten, i, 60) if i % 2 else _body(lengths, half_past, i, 30) for i in range(CLIENTS)]
    _assert_one_winner(_burst(port, bodies), tmp_path, lengths)

    # 3. Sessions that do not overlap, but the 30-minute buffer after 10:00 covers 10:30.
    bodies = [_body(buffered, ten if i % 2 else half_past, i) for i in range(CLIENTS)]
    _assert_one_winner(_burst(port, bodies), tmp_path, buffered)

    # 4. At most one session a day: fifty requests for different free times on one day.
    starts = [datetime.combine(day, wall(8), AMS) + timedelta(minutes=30 * (i % 20)) for i in range(CLIENTS)]
    _assert_one_winner(_burst(port, [_body(per_day, s, i) for i, s in enumerate(starts)]), tmp_path, per_day)

    # 5. Twenty-five visitors move their session to 10:00 while twenty-five others book it.
    tokens = []
    for i in range(25):
        status, data = _post(port, _body(moving, ten + timedelta(hours=1, minutes=30 * (i % 14), days=i // 14), i))
        assert status == 201, data
        tokens.append(data["manage_url"].rstrip("/").rsplit("/", 1)[1])
    bodies = [{"start": ten.isoformat()} for _ in tokens] + [_body(moving, ten, 100 + i) for i in range(25)]
    paths = [f"/api/v1/booking/bookings/{t}/reschedule" for t in tokens] + ["/api/v1/booking/bookings"] * 25
    results = _burst(port, bodies, paths)
    codes = sorted(status for status, _ in results)
    assert codes.count(200) + codes.count(201) == 1 and codes.count(409) == 49, codes
    assert _server_count(tmp_path, moving, ten) == 1
    assert _server_count(tmp_path, moving) == 25 + codes.count(201)

    # 6. One e-mail address, at most one future session: 50 requests for two advisors at once.
    bodies = [{**_body(first if i % 2 else second, ten, i), "email": "greedy@example.com"} for i in range(CLIENTS)]
    results = _burst(port, bodies)
    codes = sorted(status for status, _ in results)
    assert codes.count(201) == 1 and codes.count(422) == CLIENTS - 1, codes
    assert all(data["errors"][0]["field"] == "email" for status, data in results if status == 422)
    assert _server_count(tmp_path, first) + _server_count(tmp_path, second) == 1
