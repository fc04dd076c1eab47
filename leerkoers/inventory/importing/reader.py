"""Open an uploaded file as a table of rows, refusing hostile or broken files early.

Memory stays bounded: CSV is streamed through the csv module, XLSX through openpyxl in
read-only mode after the zip directory has been checked for what it would decompress to.
Row numbers are those a spreadsheet shows: the first line of the file is row 1.
"""

import codecs
import csv
import itertools
import os
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from leerkoers.inventory.importing import fields as import_fields
from leerkoers.inventory.importing.values import is_blank

SAMPLE_BYTES = 64 * 1024
HEADER_SEARCH_ROWS = 20
DELIMITERS = (";", ",", "\t", "|")


class ImportRefused(Exception):
    """The file cannot be read at all; the message is for the user."""


@dataclass
class Table:
    header: list[str]
    header_row: int  # spreadsheet row number of the header
    rows: Iterator[tuple[int, list]]  # (row number, cells), blank rows left out
    file_type: str  # "csv" or "xlsx"
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    close: object = None

    def preview(self, count: int = 5) -> list[tuple[int, list]]:
        """The first rows, consumed from `rows` (open the table again to import)."""
        result = []
        for row in self.rows:
            result.append(row)
            if len(result) >= count:
                break
        return result


def _max_bytes() -> int:
    return settings.IMPORT_MAX_FILE_BYTES


def open_table(path: str, *, kind: str, filename: str = "", sheet: str = "") -> Table:
    """Open `path` (CSV or XLSX) and find its header row; raise ImportRefused when unusable."""
    size = os.path.getsize(path)
    if size == 0:
        raise ImportRefused(_("The file is empty."))
    if size > _max_bytes():
        raise ImportRefused(
            _("The file is larger than the limit of %(limit)d MB.") % {"limit": _max_bytes() // (1024 * 1024)}
        )
    with open(path, "rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    name = filename.lower()
    if head.startswith(b"PK\x03\x04") or name.endswith((".xlsx", ".xlsm")):
        return _open_xlsx(path, head, kind=kind, sheet=sheet)
    if head.startswith((b"\xd0\xcf\x11\xe0", b"%PDF", b"\x1f\x8b", b"\x89PNG", b"\xff\xd8")):
        raise ImportRefused(_("This is not a CSV or Excel (.xlsx) file. Save it as CSV or .xlsx and upload it again."))
    return _open_csv(path, head, kind=kind)


# --- CSV -----------------------------------------------------------------------------


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    control = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return control > len(head) * 0.01


def _detect_encoding(path: str, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    # Decode the whole file incrementally: a Windows-1252 "é" on row 400,000 must not
    # surface as a crash halfway through an import.
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1024 * 1024):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _choose_delimiter(sample: str) -> str:
    """The delimiter that splits the first lines into the most consistent number of columns.

    csv.Sniffer's guess breaks the tie; on its own it is often fooled by commas in text.
    """
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    if len(lines) > 1:
        lines = lines[:-1]  # the last line of the sample may be cut off
    try:
        sniffed = csv.Sniffer().sniff("\n".join(lines), delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = ""
    best, best_score = ",", (-1.0, 0, False)
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if not counts:
            continue
        width, hits = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        score = (hits / len(counts), width, delimiter == sniffed)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _open_csv(path: str, head: bytes, *, kind: str) -> Table:
    if _looks_binary(head):
        raise ImportRefused(_("The file contains binary data, not text. Upload a CSV or Excel (.xlsx) file."))
    encoding = _detect_encoding(path, head)
    sample = head.decode(encoding, errors="ignore")
    delimiter = _choose_delimiter(sample)
    handle = open(path, encoding=encoding, newline="", errors="replace")  # noqa: SIM115 (closed by Table.close)
    reader = csv.reader(handle, delimiter=delimiter)

    def numbered() -> Iterator[tuple[int, list]]:
        try:
            # Empty strings are falsy: a row of empty cells is a blank line.
            yield from ((n, cells) for n, cells in enumerate(reader, start=1) if any(cells))
        except csv.Error as exc:
            raise ImportRefused(_("The file cannot be read as CSV: %(error)s") % {"error": exc}) from None

    try:
        return _with_header(numbered(), kind=kind, file_type="csv", encoding=encoding, delimiter=delimiter,
                            close=handle.close)  # fmt: skip
    except BaseException:
        handle.close()
        raise


# --- XLSX ----------------------------------------------------------------------------


def _check_zip(path: str) -> None:
    limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            total = sum(info.file_size for info in infos)
            names = {info.filename for info in infos}
            for info in infos:
                # A compression ratio no spreadsheet reaches: a zip bomb.
                if info.compress_size and info.file_size / info.compress_size > 1000 and info.file_size > 10**7:
                    raise ImportRefused(_("The Excel file decompresses to an unreasonable size and is refused."))
    except zipfile.BadZipFile:
        raise ImportRefused(_("The file is not a valid Excel (.xlsx) file; it may be damaged.")) from None
    if total > limit:
        raise ImportRefused(
            _("The Excel file would decompress to %(size)d MB, more than the limit of %(limit)d MB.")
            % {"size": total // (1024 * 1024), "limit": limit // (1024 * 1024)}
        )
    if "xl/workbook.xml" not in names:
        raise ImportRefused(_("The file is not a valid Excel (.xlsx) file; it may be damaged."))


def _open_xlsx(path: str, head: bytes, *, kind: str, sheet: str) -> Table:
    if not head.startswith(b"PK\x03\x04"):
        raise ImportRefused(_("The file is not a valid Excel (.xlsx) file; it may be damaged."))
    _check_zip(path)
    import openpyxl

    # openpyxl refuses a path whose name does not end in .xlsx (an upload is stored under a
    # random name), but reads any open file: the content decided that this is a workbook.
    handle = open(path, "rb")  # noqa: SIM115 (closed with the workbook)
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on corrupt files; the message is ours
        handle.close()
        raise ImportRefused(_("The file is not a valid Excel (.xlsx) file; it may be damaged.")) from None

    def close():
        workbook.close()
        handle.close()

    names = list(workbook.sheetnames)
    try:
        if sheet:
            if sheet not in names:
                raise ImportRefused(
                    _("The workbook has no sheet “%(sheet)s”; it has: %(sheets)s.")
                    % {"sheet": sheet, "sheets": ", ".join(names)}
                )
            chosen = sheet
        else:
            chosen = _best_sheet(workbook, names, kind)
        table = _with_header(_xlsx_rows(workbook[chosen]), kind=kind, file_type="xlsx", close=close, sheet=chosen)
        table.sheets = names
        return table
    except ImportRefused:
        close()
        raise
    except Exception:
        close()
        raise ImportRefused(_("The file is not a valid Excel (.xlsx) file; it may be damaged.")) from None


def _xlsx_rows(worksheet) -> Iterator[tuple[int, list]]:
    max_cells = settings.IMPORT_MAX_ROWS * 60
    cells_seen = 0
    try:
        for number, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
            cells_seen += len(row)
            if cells_seen > max_cells or len(row) > 500:
                raise ImportRefused(_("The sheet is larger than an import can take."))
            yield number, list(row)
    except ImportRefused:
        raise
    except Exception:
        raise ImportRefused(_("The file is not a valid Excel (.xlsx) file; it may be damaged.")) from None


def _best_sheet(workbook, names: list[str], kind: str) -> str:
    """The first sheet whose top rows hold recognisable headers (else the first sheet)."""
    for name in names:
        for _number, row in zip(range(HEADER_SEARCH_ROWS), _xlsx_rows(workbook[name]), strict=False):
            if import_fields.recognised_count(row[1], kind) >= 2:
                return name
    return names[0]


# --- header --------------------------------------------------------------------------


def _with_header(rows: Iterator[tuple[int, list]], *, kind: str, file_type: str, **extra) -> Table:
    """Find the header: the first of the top rows with two or more recognised column names,
    or else the first row with two or more filled cells (title rows above it are skipped)."""
    buffered: list[tuple[int, list]] = []
    for number, cells in rows:
        buffered.append((number, cells))
        if len(buffered) >= HEADER_SEARCH_ROWS:
            break
    if not any(any(not is_blank(c) for c in cells) for _n, cells in buffered):
        raise ImportRefused(_("The file is empty."))
    chosen = next(
        (i for i, (_n, cells) in enumerate(buffered) if import_fields.recognised_count(cells, kind) >= 2), None
    )
    if chosen is None:
        chosen = next((i for i, (_n, c) in enumerate(buffered) if sum(not is_blank(x) for x in c) >= 2), 0)
    header_number, header_cells = buffered[chosen]
    header = _clean_header(header_cells)
    rest = buffered[chosen + 1 :]

    rest = [(n, cells) for n, cells in rest if any(not is_blank(c) for c in cells)]
    if file_type == "csv":  # blank lines were left out while reading
        data = itertools.chain(rest, rows)
    else:
        data = itertools.chain(rest, ((n, c) for n, c in rows if any(not is_blank(x) for x in c)))
    return Table(header=header, header_row=header_number, rows=data, file_type=file_type, **extra)


def _clean_header(cells: list) -> list[str]:
    header, seen = [], Counter()
    for index, cell in enumerate(cells):
        name = "" if cell is None else str(cell).strip()
        if not name:
            name = _("Column %(number)d") % {"number": index + 1}
        seen[name] += 1
        if seen[name] > 1:
            name = f"{name} ({seen[name]})"
        header.append(name)
    return header
