"""Timings of step 3, for docs/alignment.md. Not a test: run it by hand.

    SQLITE_PATH=/tmp/lk_bench.sqlite3 .venv/bin/python manage.py migrate
    SQLITE_PATH=/tmp/lk_bench.sqlite3 .venv/bin/python manage.py seed_demo
    SQLITE_PATH=/tmp/lk_bench.sqlite3 DEBUG=0 ALLOWED_HOSTS=testserver .venv/bin/python bench/alignment_pages.py

1. The pages and the golden-thread API on the seeded `demo` (median and max of 10 requests
   through Django's test client, and the number of queries).
2. The pure analysis on a synthetic thread of 5,000 activities, 20 learning goals.
"""

import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _pages() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from leerkoers.accounts.models import User

    client = Client(headers={"Accept-Language": "nl"})
    client.force_login(User.objects.get(email="admin@demo.example"))
    for path in [
        "/o/demo/alignment/",
        "/o/demo/alignment/?weight=hours",
        "/o/demo/alignment/activities/",
        "/o/demo/alignment/suggestions/",
        "/o/demo/alignment/kpis/",
        "/api/v1/orgs/demo/golden-thread",
    ]:
        client.get(path)
        times = []
        for _ in range(10):
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        print(
            f"{path:38} {response.status_code}  median {statistics.median(times):6.1f} ms"
            f"  max {max(times):6.1f} ms  {len(queries)} queries"
        )


def _analysis() -> None:
    from leerkoers.alignment import golden_thread as gt

    words = [
        "communicatie",
        "klantgericht",
        "feedback",
        "medicatie",
        "veiligheid",
        "dementie",
        "palliatieve",
        "hygiene",
        "privacy",
        "leiderschap",
        "excel",
        "ecd",
        "wijkverpleging",
        "agressie",
        "valpreventie",
        "intervisie",
        "technologie",
        "congres",
        "gespreksvoering",
        "handelingen",
    ]
    rng = random.Random(1)
    activities = [
        gt.ActivityData(
            i,
            " ".join(rng.sample(words, 3)),
            Decimal(rng.randint(100, 5000)),
            Decimal(rng.randint(1, 100)),
            (rng.randint(1, 50),),
            None,
        )
        for i in range(5000)
    ]
    goals = [
        gt.LearningGoalData(i, " ".join(rng.sample(words, 2)), True, " ".join(rng.sample(words, 5))) for i in range(20)
    ]
    thread = gt.Thread(
        [gt.StrategicGoalData(1, "S")],
        goals,
        activities,
        {(1, i) for i in range(10)},
        {(i % 20, a) for i, a in enumerate(range(0, 5000, 3))},
    )
    for name, run in [
        ("gaps", lambda: gt.gaps(thread)),
        ("aligned share", lambda: gt.aligned_share(thread)),
        ("share per team", lambda: gt.aligned_share_by_team(thread)),
        ("flow", lambda: gt.flow(thread)),
        ("suggestions", lambda: gt.suggestions(thread)),
    ]:
        start = time.perf_counter()
        run()
        print(f"5,000 activities: {name:15} {(time.perf_counter() - start) * 1000:7.1f} ms")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerkoers.settings")
    import django

    django.setup()
    print(f"load: {Path('/proc/loadavg').read_text().strip()}")
    _pages()
    _analysis()
