"""Latency of the foundation's pages and API lists on the full demo data (SQLite).

Run after `python manage.py seed_demo` (200 employees) against the development database:

    DEBUG=0 ALLOWED_HOSTS=testserver .venv/bin/python bench/foundation_pages.py

Requests go through Django's test client (no network, no gunicorn), signed in as the demo
admin; each page is fetched once to warm up, then 40 times. Prints median and p95 in ms.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerkoers.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from leerkoers.accounts.models import User  # noqa: E402

URLS = [
    "/o/demo/",
    "/o/demo/members/",
    "/o/demo/teams/",
    "/o/demo/audit/",
    "/api/v1/orgs/demo/members?limit=500",
    "/api/v1/orgs/demo/teams",
]


def main() -> None:
    client = Client(headers={"accept-language": "nl"})
    client.force_login(User.objects.get(email="admin@demo.example"))
    for url in URLS:
        client.get(url)
        times = []
        for _ in range(40):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"{url:40} {response.status_code}  median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms")


if __name__ == "__main__":
    main()
