#!/usr/bin/env python
"""Benchmark: the bulk start of step 4 (a plan for every team, a starter POP for every employee
and manager without one) in an organisation of 5,000 members, run as the background task.

    .venv/bin/python bench/ownership_bulk.py [--members 5000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lk_ownbulk .venv/bin/python bench/ownership_bulk.py

Fills a fresh SQLite database (or the PostgreSQL database named in DATABASE_URL, dropped and
created) with the organisation of bench/ownership_org.py (no POPs yet), then runs the task as
the worker does (`bulk_start_task`, with its job) and prints its time, the job's progress as
read from a second connection while it runs (SQLite: polled from the task's own progress
callback, which is where the worker writes it), and beside it a bare reference measured in the
same run: one bulk_create of as many bare POP rows (no goals, no job, no audit).
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=5_000)
    args = parser.parse_args()
    from driver import loadavg
    from import_participations import prepare_database

    database = prepare_database(Path(tempfile.mkdtemp(prefix="lk-ownbulk-")))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerkoers.settings")
    os.environ.setdefault("TASKS_BACKEND", "immediate")
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()
    import logging

    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import transaction
    from django.utils import timezone
    from ownership_org import build

    from leerkoers.accounts.models import User
    from leerkoers.jobs import services as jobs
    from leerkoers.jobs.models import Job
    from leerkoers.orgs.models import Membership, Organization, Role
    from leerkoers.ownership import bulk
    from leerkoers.ownership.models import Pop, PopGoal, TeamPlan

    built = build(members=args.members, pops=0)
    org = Organization.objects.get(slug=built.slug)
    year = timezone.localdate().year + 1  # nobody has a plan or POP for it yet
    print(f"database: {database}; {built.describe()}")
    print(f"machine: {os.cpu_count()} cores; load before: {loadavg()}")

    # Progress as the page reads it: the job row, each time the task reports (every 0.5 s).
    seen: list[tuple[float, int, int]] = []
    report = jobs.ProgressReporter.__call__

    def watched(self, done, total=None, message="", *, force=False):
        report(self, done, total, message, force=force)
        job = Job.objects.get(pk=self.job_id)
        if job.status == Job.Status.RUNNING and (not seen or seen[-1][1] != job.done):
            seen.append((time.perf_counter() - start, job.done, job.total or 0))

    jobs.ProgressReporter.__call__ = watched
    admin = User.objects.get(pk=built.admin)
    start = time.perf_counter()
    job = bulk.bulk_start_begin(organization=org, year=year, actor=admin)  # runs now (immediate backend)
    took = time.perf_counter() - start
    job.refresh_from_db()
    pops = Pop.objects.filter(organization=org, year=year).count()
    print(f"bulk start: {took:.2f} s; job {job.status}, {job.done}/{job.total}; {job.result}")
    print(f"  {TeamPlan.objects.filter(organization=org, year=year).count()} plans, {pops} POPs, "
          f"{PopGoal.objects.filter(organization=org, pop__year=year).count()} goals")  # fmt: skip
    print("  progress seen by the page: " + ", ".join(f"{t:.2f} s {d}/{n}" for t, d, n in seen))

    members = list(
        Membership.objects.filter(organization=org, role__in=[Role.EMPLOYEE, Role.MANAGER]).values_list("pk", flat=True)
    )
    start = time.perf_counter()
    with transaction.atomic():
        Pop.objects.bulk_create(Pop(organization=org, member_id=m, year=year + 1) for m in members)
    print(f"reference: one bulk_create of {len(members)} bare POPs: {time.perf_counter() - start:.2f} s")
    print(f"load after: {loadavg()}")


if __name__ == "__main__":
    main()
