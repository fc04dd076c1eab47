#!/usr/bin/env python
"""Benchmark: ratings of a vision round through the participant endpoint, against gunicorn.

    .venv/bin/python bench/vision_ratings.py [--seconds 20] [--requests 6000] [--concurrency 16] [--workers 3]
    .venv/bin/python bench/vision_ratings.py --postgres postgres://postgres@127.0.0.1:5432/lk_vision_bench

The same driver as bench/scan_submit.py (bench/driver.py): a fresh database, an open vision
round with 150 statements and 2,000 participants, then two phases on the same server —

1. reference: the minimal one-row insert view (/bench/reference/);
2. vision: POST /api/v1/vision/participants/{token}/ratings, each request a new
   (participant, statement) pair, so every 2xx must be one stored rating.

It prints requests per second, p50/p95/max latency, statuses, stored rows against 2xx, the
ratio to the reference and the load.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import driver  # noqa: E402

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

COUNT = (
    driver.REFERENCE_COUNT
    + """
from leerkoers.vision.models import VisionRating
print(json.dumps({"reference": reference, "vision": VisionRating.objects.filter(round__title="Bench").count()}))
"""
)


def plan(setup: dict, args) -> list:
    tokens, statements = setup["tokens"], setup["statements"]
    if args.requests + 2 * args.workers > len(tokens) * len(statements):
        sys.exit(
            f"at most {len(tokens) * len(statements) - 2 * args.workers} requests: one per (participant, statement)"
        )

    # Request n is the distinct pair (participant n % P, statement n // P).
    def vision_path(n):
        return f"/api/v1/vision/participants/{tokens[n % len(tokens)]}/ratings"

    def vision_body(n, rng):
        return json.dumps({"statement": statements[n // len(tokens)], "vote": rng.choice([1, -1, 0])})

    return [("vision", vision_path, vision_body)]


def main() -> None:
    driver.run(
        __doc__,
        port=8102,
        prefix="lk-vision-bench-",
        setup=SETUP,
        count=COUNT,
        plan=plan,
        ready="/api/v1/scan/instrument",
    )


if __name__ == "__main__":
    main()
