"""Timings of the export and the restore, for docs/portability.md. Not a test: run it by hand.

    SQLITE_PATH=/tmp/lk_port_bench.sqlite3 .venv/bin/python manage.py migrate
    SQLITE_PATH=/tmp/lk_port_bench.sqlite3 .venv/bin/python manage.py seed_demo
    SQLITE_PATH=/tmp/lk_port_bench.sqlite3 DEBUG=0 .venv/bin/python bench/portability.py

1. Export of `demo` as JSON, beside the bare reference: every table's rows as `values()`
   dumped with json.dumps (no file, no users, no encoding of times, no many-to-many).
2. Restore of that document as a copy (`demo-bench-copy`), beside the bare reference:
   `bulk_create` of demo's participations in their own place (in a transaction rolled back),
   without id mapping. The copy is removed again.
"""

import io
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerkoers.settings")
    import django

    django.setup()
    from django.db import transaction

    from leerkoers.inventory.models import Participation
    from leerkoers.orgs.models import Organization
    from leerkoers.portability.exporting import export_json
    from leerkoers.portability.registry import build_plan
    from leerkoers.portability.restoring import organization_restore
    from leerkoers.portability.services import organization_delete

    print(f"load: {Path('/proc/loadavg').read_text().strip()}")
    demo = Organization.objects.get(slug="demo")
    plan = build_plan()

    start = time.perf_counter()
    out = io.StringIO()
    summary = export_json(organization=demo, out=out, plan=plan)
    export_seconds = time.perf_counter() - start
    document = json.loads(out.getvalue())

    start = time.perf_counter()
    bare = {t.label: list(t.rows(demo).order_by("pk").values()) for t in plan.exported}
    json.dumps(bare, default=str)
    bare_seconds = time.perf_counter() - start
    print(
        f"export: {summary.rows} rows of {summary.tables} tables, {len(out.getvalue()) / 1e6:.1f} MB, "
        f"{export_seconds:.2f} s ({summary.rows / export_seconds:,.0f} rows/s); "
        f"bare values()+json.dumps {bare_seconds:.2f} s (ratio {export_seconds / bare_seconds:.1f})"
    )

    Organization.objects.filter(slug="demo-bench-copy").delete()
    start = time.perf_counter()
    result = organization_restore(data=document, slug="demo-bench-copy", plan=plan)
    restore_seconds = time.perf_counter() - start
    participations = [
        Participation(**{k: v for k, v in row.items() if k != "id"})
        for row in Participation.objects.filter(organization=demo).values()
    ]
    with transaction.atomic():
        Participation.objects.filter(organization=demo).delete()  # make room; not timed
        start = time.perf_counter()
        Participation.objects.bulk_create(participations, batch_size=1000)
        bulk_seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    print(
        f"restore: {result.rows} rows, {restore_seconds:.2f} s ({result.rows / restore_seconds:,.0f} rows/s); "
        f"bare bulk_create of the {len(participations)} participations alone {bulk_seconds:.2f} s "
        f"({len(participations) / bulk_seconds:,.0f} rows/s)"
    )
    start = time.perf_counter()
    organization_delete(organization=result.organization, plan=plan)
    print(f"delete of the copy: {time.perf_counter() - start:.2f} s")
    print(f"load: {Path('/proc/loadavg').read_text().strip()}")


if __name__ == "__main__":
    main()
