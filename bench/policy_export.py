"""Timings of the policy document, for docs/policy.md. Not a test: run it by hand.

    SQLITE_PATH=/tmp/lk_bench.sqlite3 .venv/bin/python manage.py migrate
    SQLITE_PATH=/tmp/lk_bench.sqlite3 .venv/bin/python manage.py createcachetable
    SQLITE_PATH=/tmp/lk_bench.sqlite3 .venv/bin/python manage.py seed_demo
    SQLITE_PATH=/tmp/lk_bench.sqlite3 DEBUG=0 .venv/bin/python bench/policy_export.py

For each format: the demo organisation's whole document (sections built from the data,
charts drawn, file rendered; nothing stored), beside the reference — a one-page document of
one heading, one paragraph, one table and one chart rendered by the same renderer in the same
run. Median and max of --runs runs each, after one warm-up; the bars are DOCX < 2 s, PDF < 5 s.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _reference():
    import datetime

    from leerkoers.policy.content import Bar, Chart, Document, Heading, Paragraph, Section, Table

    section = Section(
        "reference",
        "Reference",
        [
            Heading("One page"),
            Paragraph("A single paragraph of text."),
            Table(["Name", "Value"], [["a", "1"], ["b", "2"]]),
            Chart("Chart", [Bar("a", 1.0, "1"), Bar("b", 2.0, "2")], "a 1; b 2"),
        ],
    )
    today = datetime.date.today()
    return Document("Reference", "Organisation", today, today.isoformat(), "en", [section], "Contents")


def _time(function, runs: int) -> tuple[float, float, int]:
    function()
    times, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        size = len(function())
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times), size


def main(runs: int) -> None:
    from leerkoers.orgs.models import Organization
    from leerkoers.policy import render_docx, render_pdf
    from leerkoers.policy.document import build
    from leerkoers.policy.services import layout_for

    organization = Organization.objects.get(slug="demo")
    reference = _reference()
    for name, render in (("docx", render_docx.render), ("pdf", render_pdf.render)):
        for lang in ("nl", "en"):

            def whole(render=render, lang=lang):
                return render(build(organization, language=lang, layout=layout_for(organization)))

            median, worst, size = _time(whole, runs)
            ref_median, ref_worst, ref_size = _time(lambda render=render: render(reference), runs)
            print(
                f"{name} {lang}: demo document median {median:5.2f} s, max {worst:5.2f} s, {size:>7} bytes | "
                f"one-page reference median {ref_median:5.2f} s, max {ref_worst:5.2f} s, {ref_size:>6} bytes | "
                f"ratio {median / ref_median:4.1f}"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerkoers.settings")
    import django

    django.setup()
    print(f"load: {Path('/proc/loadavg').read_text().strip()}")
    main(arguments.runs)
    print(f"load: {Path('/proc/loadavg').read_text().strip()}")
