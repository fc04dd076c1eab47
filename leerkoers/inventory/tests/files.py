"""Helpers that write the files the import tests read (CSV in any dialect, XLSX)."""

import datetime as dt
import io
import zipfile

import openpyxl


def write_csv(tmp_path, rows: list[list], *, delimiter=";", encoding="utf-8", newline="\r\n", name="f.csv"):
    text = newline.join(delimiter.join(_quote(c, delimiter) for c in row) for row in rows) + newline
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def _quote(cell, delimiter) -> str:
    text = "" if cell is None else str(cell)
    if delimiter in text or '"' in text or "\n" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def write_xlsx(tmp_path, sheets: dict[str, list[list]], name="f.xlsx"):
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return str(path)


def write_zip_bomb(tmp_path, *, megabytes: int, name="bomb.xlsx"):
    """A zip with xlsx member names whose sheet decompresses to `megabytes` of zeros."""
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"0" * (1024 * 1024)
            for _ in range(megabytes):
                member.write(block)
    return str(path)


ACTIVITY_HEADER = [
    "Titel",
    "Soort",
    "Aanbieder",
    "Initiatiefnemer",
    "Afdeling",
    "Startdatum",
    "Einddatum",
    "Uren per deelnemer",
    "Kosten",
    "Aantal deelnemers",
    "Doel",
    "Resultaat",
    "Verplicht",
    "Code",
]


def activity_rows():
    return [
        ACTIVITY_HEADER,
        ["Klantcontact op locatie", "training", "Acme Opleidingen", "manager", "Sales", "3-2-2026", "4-2-2026",
         "12,5", "€ 1.250,00", "12", "Betere klantcontact", "", "nee", "A-1"],
        ["BHV herhaling 2026", "certificering", "Veilig BV", "HR", "", "2026-03-10", "", "4", "450,-", "20", "", "",
         "ja", "A-2"],
    ]  # fmt: skip


def excel_date(year, month, day):
    return dt.datetime(year, month, day)


def to_bytes(path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def bytes_file(data: bytes, name: str):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def workbook_bytes() -> bytes:
    """An HR system's export: a notes sheet first, then a sheet with two title rows above the
    header, date cells, numbers as numbers, and a blank row in between."""
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "Toelichting"
    notes.append(["Export uit het HR-systeem"])
    notes.append(["Gemaakt op", dt.datetime(2026, 3, 1, 9, 30)])
    sheet = workbook.create_sheet("Opleidingen 2026")
    sheet.append(["Opleidingsoverzicht 2026"])
    sheet.append(["Afdeling HR", None, "vertrouwelijk"])
    sheet.append(["Titel", "Aanbieder", "Startdatum", "Einddatum", "Kosten", "Aantal deelnemers", "Code"])
    sheet.append(
        ["Excel-cursus gevorderd", "Acme", dt.datetime(2026, 2, 3), dt.datetime(2026, 2, 4), 1250.5, 12, "X-1"]
    )
    sheet.append([None] * 7)
    sheet.append(["Veilig werken", "Veilig BV", dt.date(2026, 3, 10), None, 450, 20, "X-2"])
    workbook.create_sheet("Leeg")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
