"""Broken and hostile files are refused quickly, with a clear message, and nothing is written."""

import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from leerkoers.inventory.importing.pipeline import import_file
from leerkoers.inventory.models import Activity
from leerkoers.inventory.tests.files import ACTIVITY_HEADER, write_csv, write_zip_bomb
from leerkoers.lib.tables import ImportRefused

pytestmark = pytest.mark.django_db


def _import(org, path, kind="activities"):
    return import_file(kind=kind, organization=org, path=str(path), filename=str(path))


def _refused(org, path, match):
    before = Activity.objects.count()
    with pytest.raises(ImportRefused, match=match):
        _import(org, path)
    assert Activity.objects.count() == before


def test_it_refuses_an_empty_file(org, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    _refused(org, path, "empty")


def test_it_refuses_a_file_of_blank_lines(org, tmp_path):
    path = tmp_path / "blank.csv"
    path.write_bytes(b"\r\n\r\n;;\r\n")
    _refused(org, path, "empty")


def test_it_refuses_a_header_without_rows(org, tmp_path):
    _refused(org, write_csv(tmp_path, [ACTIVITY_HEADER]), "no rows")


def test_it_refuses_binary_junk(org, tmp_path):
    path = tmp_path / "junk.csv"
    path.write_bytes(bytes(range(256)) * 100)
    _refused(org, path, "binary")


def test_it_refuses_a_pdf_named_csv(org, tmp_path):
    path = tmp_path / "report.csv"
    path.write_bytes(b"%PDF-1.7\n" + b"x" * 1000)
    _refused(org, path, "not a CSV or Excel")


def test_it_refuses_a_fake_xlsx(org, tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("Titel;Kosten\nA;1\n")
    _refused(org, path, "not a valid Excel")


def test_it_refuses_a_corrupt_xlsx(org, tmp_path):
    path = tmp_path / "corrupt.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not really")
        archive.writestr("[Content_Types].xml", "garbage")
    _refused(org, path, "not a valid Excel")


def test_it_refuses_a_truncated_xlsx(org, tmp_path):
    from leerkoers.inventory.tests.files import activity_rows, write_xlsx

    good = write_xlsx(tmp_path, {"Blad1": activity_rows()})
    data = Path(good).read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    _refused(org, path, "not a valid Excel")


def test_it_refuses_a_zip_bomb_quickly_in_bounded_memory(org, tmp_path, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
    path = write_zip_bomb(tmp_path, megabytes=300)
    assert path and (tmp_path / "bomb.xlsx").stat().st_size < 2 * 1024 * 1024
    tracemalloc.start()
    start = time.perf_counter()
    _refused(org, path, "decompress")
    elapsed = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 2 and peak < 20 * 1024 * 1024


def test_it_refuses_a_file_over_the_size_limit(org, tmp_path, settings):
    settings.IMPORT_MAX_FILE_BYTES = 1000
    rows = [ACTIVITY_HEADER] + [["x"] * len(ACTIVITY_HEADER)] * 100
    _refused(org, write_csv(tmp_path, rows), "larger than the limit")


def test_it_refuses_a_file_with_more_rows_than_allowed(org, tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 5
    rows = [["Titel", "Kosten"]] + [[f"Cursus {i}", "10"] for i in range(10)]
    _refused(org, write_csv(tmp_path, rows), "more than 5 rows")


def test_it_refuses_a_csv_with_a_gigantic_field(org, tmp_path):
    path = tmp_path / "huge-field.csv"
    path.write_bytes(b'Titel;Kosten\n"' + b"a" * 300_000 + b'";1\n')
    _refused(org, path, "cannot be read as CSV")
