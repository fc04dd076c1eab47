"""Time and memory of the export and the restore, for docs/portability.md. Not a test: run it by hand.

    SQLITE_PATH=/tmp/lk_port_bench.sqlite3 .venv/bin/python manage.py migrate
    SQLITE_PATH=/tmp/lk_port_bench.sqlite3 .venv/bin/python manage.py createcachetable
    SQLITE_PATH=/tmp/lk_port_bench.sqlite3 .venv/bin/python manage.py seed_demo
    SQLITE_PATH=/tmp/lk_port_bench.sqlite3 DEBUG=0 .venv/bin/python bench/portability.py [--participations 100000]

For `demo`, and with --participations N for `bench-big` too (a copy of demo restored under
that slug, with N more participations), it prints:

1. the export as JSON to a file, beside the bare reference: every table's rows as `values()`
   dumped with json.dumps (no file, no users, no encoding of times, no many-to-many);
2. the restore of that file as a copy, each in a fresh process (peak memory is a property of
   the process): `json.load` of the file alone (the bare reference), then `json.load` plus the
   restore, with the rows written as the restore writes them (raw, keeping the exported
   times) and with public API only (`bulk_create`, which stamps auto_now(_add) fields, then
   `bulk_update` of those fields back to the exported times). Peak memory is the growth of
   the process's peak resident set (VmHWM, reset after start-up) over its size then, and with
   --tracemalloc also the peak of Python's allocations (tracemalloc; slower). Each restore
   runs in a transaction that is rolled back.
"""

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BIG = "bench-big"
# bulk_update batches of the public-API insert: its CASE WHEN per row grows with the batch, and
# 100 was faster than 1,000 (44 s against 59 s for demo on a loaded machine).
UPDATE_BATCH = 100


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerkoers.settings")
    import django

    django.setup()


def _status_mb(key: str) -> float:
    """VmRSS (resident now) or VmHWM (the peak since start or since `_reset_peak`), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    """Start the peak (VmHWM) afresh from the present size: start-up's own peak is not the restore's."""
    Path("/proc/self/clear_refs").write_text("5")


def insert_public(model, objs: list) -> None:
    """The restore's insert with public API only: bulk_create stamps auto_now(_add) fields with
    the present, so they are put back to the exported times with bulk_update."""
    from leerkoers.portability.restoring import BATCH

    stamped = [
        f for f in model._meta.concrete_fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    kept = [[getattr(o, f.attname) for f in stamped] for o in objs]
    model._base_manager.bulk_create(objs, batch_size=BATCH)
    if stamped and objs:
        for obj, values in zip(objs, kept, strict=True):
            for f, value in zip(stamped, values, strict=True):
                setattr(obj, f.attname, value)
        model._base_manager.bulk_update(objs, [f.name for f in stamped], batch_size=UPDATE_BATCH)


def measure(mode: str, path: str, *, insert: str, trace: bool) -> None:
    """One measurement in this (fresh) process; prints one JSON line."""
    _setup()
    import tracemalloc

    from django.db import transaction

    from leerkoers.portability import restoring
    from leerkoers.portability.registry import build_plan

    plan = build_plan()
    if insert == "public":
        restoring._insert_raw = insert_public
    _reset_peak()
    base = _status_mb("VmRSS")
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    loaded = time.perf_counter() - start
    rows = 0
    if mode == "restore":
        with transaction.atomic():
            rows = restoring.organization_restore(data=data, slug="bench-restore-copy", plan=plan).rows
            transaction.set_rollback(True)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 1e6 if trace else None
    print(json.dumps({"seconds": seconds, "load_seconds": loaded, "rss_mb": _status_mb("VmHWM") - base, "traced_mb": peak,
                      "rows": rows}))  # fmt: skip


def _in_process(mode: str, path: str, *, insert: str = "raw", trace: bool = False) -> dict:
    args = [sys.executable, __file__, "--measure", mode, path, "--insert", insert] + (
        ["--tracemalloc"] if trace else []
    )
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _big(participations: int, plan):
    """`bench-big`: demo restored under another slug, with `participations` more participations."""
    from leerkoers.inventory.models import Activity, Participation
    from leerkoers.orgs.models import Organization
    from leerkoers.portability.exporting import export_json
    from leerkoers.portability.restoring import organization_restore

    big = Organization.objects.filter(slug=BIG).first()
    if big is None:
        out = io.StringIO()
        export_json(organization=Organization.objects.get(slug="demo"), out=out, plan=plan)
        big = organization_restore(data=json.loads(out.getvalue()), slug=BIG, plan=plan).organization
    have = Participation.objects.filter(organization=big, person_key__startswith="~bench").count()
    activities = list(Activity.objects.filter(organization=big).values_list("pk", flat=True))
    Participation.objects.bulk_create(
        (
            Participation(
                organization=big,
                activity_id=activities[i % len(activities)],
                person_key=f"~bench{i:09d}",
                hours="1.50",
                score="7.00",
            )  # fmt: skip
            for i in range(have, participations)
        ),
        batch_size=2000,
    )
    return big


def _export(organization, plan, path: str):
    from leerkoers.portability.exporting import export_json

    start = time.perf_counter()
    with open(path, "w", encoding="utf-8") as out:
        summary = export_json(organization=organization, out=out, plan=plan)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    bare = {t.label: list(t.rows(organization).order_by("pk").values()) for t in plan.exported}
    json.dumps(bare, default=str)
    bare_seconds = time.perf_counter() - start
    size = os.path.getsize(path) / 1e6
    print(
        f"  export: {summary.rows:,} rows of {summary.tables} tables, {summary.files} files, {size:.1f} MB, "
        f"{seconds:.2f} s ({summary.rows / seconds:,.0f} rows/s); bare values()+json.dumps {bare_seconds:.2f} s"
    )
    return size


def _fmt(found: dict) -> str:
    traced = f", traced peak {found['traced_mb']:.0f} MB" if found["traced_mb"] is not None else ""
    return f"{found['seconds']:.2f} s, peak RSS +{found['rss_mb']:.0f} MB{traced}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participations", type=int, default=0)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--measure", nargs=2, metavar=("MODE", "PATH"))
    parser.add_argument("--insert", choices=("raw", "public"), default="raw")
    options = parser.parse_args()
    if options.measure:
        measure(*options.measure, insert=options.insert, trace=options.tracemalloc)
        return
    _setup()
    from leerkoers.orgs.models import Organization
    from leerkoers.portability.registry import build_plan

    print(f"load: {Path('/proc/loadavg').read_text().strip()}")
    plan = build_plan()
    organizations = [Organization.objects.get(slug="demo")]
    if options.participations:
        organizations.append(_big(options.participations, plan))
    with tempfile.TemporaryDirectory() as folder:
        for organization in organizations:
            print(f"{organization.slug}:")
            path = os.path.join(folder, f"{organization.slug}.json")
            size = _export(organization, plan, path)
            trace = options.tracemalloc
            load = _in_process("load", path, trace=trace)
            print(f"  json.load of the file (bare reference): {_fmt(load)} ({load['rss_mb'] / size:.1f}× the file)")
            for insert in ("raw", "public"):
                found = _in_process("restore", path, insert=insert, trace=trace)
                print(
                    f"  json.load + restore, {insert} insert: {_fmt(found)}; {found['rows']:,} rows, restore alone "
                    f"{found['seconds'] - found['load_seconds']:.2f} s "
                    f"({found['rows'] / (found['seconds'] - found['load_seconds']):,.0f} rows/s)"
                )
    print(f"load: {Path('/proc/loadavg').read_text().strip()}")


if __name__ == "__main__":
    main()
