#!/usr/bin/env python
"""Benchmark: scan submissions of a whole organisation at once, against gunicorn.

    .venv/bin/python bench/scan_submit.py [--seconds 20] [--requests 6000] [--concurrency 16] [--workers 3]
    .venv/bin/python bench/scan_submit.py --postgres postgres://postgres@127.0.0.1:5432/lk_scan_bench

Sets up a fresh database (a SQLite file under a temporary directory, or the PostgreSQL
database given, dropped and created), an organisation of 10,000 employees and an open scan
round, then starts gunicorn with the benchmark settings (bench/driver.py: the product's
settings plus the reference view; TRUSTED_PROXY_COUNT=1, so that every simulated respondent
has its own address and the per-address rate limit is exercised as in production) on
127.0.0.1:8101, and fires POSTs in two phases on the same server:

1. reference: a minimal Django view that stores one row (/bench/reference/);
2. scan: complete questionnaires through the round's employee link (/api/v1/scan/responses).

It prints per phase the sustained requests per second, p50/p95/max latency, the status
codes, the rows stored versus the 2xx answers sent (nothing may be lost), the ratio to the
reference and the load.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import driver  # noqa: E402

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
print(json.dumps({"link": scan_round.links.get(layer="employees").token, "items": instrument.item_ids(scan_round.instrument_id), "starts": starts}))
"""

COUNT = (
    driver.REFERENCE_COUNT
    + """
from leerkoers.scan.models import ScanResponse
print(json.dumps({"reference": reference, "scan": ScanResponse.objects.filter(round__title="Bench").count()}))
"""
)


def plan(setup: dict, args) -> list:
    items, starts = setup["items"], setup["starts"]

    def scan_body(n, rng):
        answers = {item: (None if rng.random() < 0.05 else rng.randint(1, 5)) for item in items}
        return json.dumps({"answers": answers, "link": setup["link"], "started": starts[n % len(starts)]})

    return [("scan", "/api/v1/scan/responses", scan_body)]


def main() -> None:
    driver.run(
        __doc__,
        port=8101,
        prefix="lk-scan-bench-",
        setup=SETUP,
        count=COUNT,
        plan=plan,
        ready="/api/v1/scan/instrument",
    )


if __name__ == "__main__":
    main()
