"""The generic table reader: the caller's header test decides which row is the header."""

import openpyxl
import pytest
from django.utils import translation

from leerkoers.lib.tables import ImportRefused, ImportResult, RowError, open_table


def _is_header(cells) -> bool:
    return {"naam", "datum"} <= {str(cell).strip().lower() for cell in cells if cell is not None}


def test_it_takes_the_first_row_the_callback_accepts_and_keeps_spreadsheet_row_numbers(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Overzicht;2026\nAfdeling;Zorg\n\nNaam;Datum;Waarde\nA;1-2-2026;3\n\nB;2-2-2026;4\n", "utf-8")
    table = open_table(str(path), is_header=_is_header)
    try:
        assert (table.header, table.header_row, table.delimiter) == (["Naam", "Datum", "Waarde"], 4, ";")
        assert list(table.rows) == [(5, ["A", "1-2-2026", "3"]), (7, ["B", "2-2-2026", "4"])]
    finally:
        table.close()


def test_it_falls_back_to_the_first_row_with_two_filled_cells(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Titel\nfoo,bar\n1,2\n", "utf-8")
    table = open_table(str(path), is_header=_is_header)
    table.close()
    assert (table.header, table.header_row) == (["foo", "bar"], 2)


def test_it_picks_the_first_sheet_with_a_header(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Toelichting"
    workbook.active.append(["Lees dit eerst", "echt"])
    sheet = workbook.create_sheet("Gegevens")
    sheet.append(["Naam", "Datum"])
    sheet.append(["A", "1-2-2026"])
    workbook.save(tmp_path / "t.xlsx")
    table = open_table(str(tmp_path / "t.xlsx"), is_header=_is_header)
    try:
        assert (table.sheet, table.sheets, list(table.rows)) == (
            "Gegevens",
            ["Toelichting", "Gegevens"],
            [(2, ["A", "1-2-2026"])],
        )
    finally:
        table.close()


def test_it_refuses_an_empty_file(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"")
    with translation.override("en"), pytest.raises(ImportRefused, match="empty"):
        open_table(str(path), is_header=_is_header)


def test_a_result_as_dict_lists_errors_as_dicts_and_flattens_the_details():
    result = ImportResult(
        kind="x",
        rows=3,
        valid_rows=2,
        error_count=2,
        errors=[RowError(3, "Datum", "fout")],
        details={"new_activities": 1},
    )
    data = result.as_dict()
    assert data["errors"] == [{"row": 3, "column": "Datum", "message": "fout"}]
    assert data["new_activities"] == 1 and "details" not in data and "preview" not in data
    assert (result.ok, result.more_errors, result.checked) == (False, 1, 0)
