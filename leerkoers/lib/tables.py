"""Open an uploaded file as a table of rows, refusing hostile or broken files early.

Any import of a spreadsheet uses this: the inventory's activities and participations, the KPI
measurements, and what later steps import. The caller says what its header looks like
(`is_header(cells) -> bool`); the reader finds that row among the top rows (skipping title
rows above it) and, in a workbook, the first sheet that has one.

Memory stays bounded: CSV is streamed through the csv module, XLSX through openpyxl in
read-only mode after the zip directory has been checked for what it would decompress to.
Row numbers are those a spreadsheet shows: the first line of the file is row 1.

`RowError` and `ImportResult` are what every import reports with.
"""

import codecs
import csv
import itertools
import os
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import openpyxl
from django.conf import settings
from django.utils.translation import gettext as _

SAMPLE_BYTES = 64 * 1024
HEADER_SEARCH_ROWS = 20
DELIMITERS = (";", ",", "\t", "|")


class ImportRefused(Exception):
    """The file cannot be read at all; the message is for the user."""


HeaderTest = Callable[[list], bool]


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


@dataclass(frozen=True)
class RowError:
    """A problem of one row: its spreadsheet row number (0: the file as a whole), the column
    header as the file names it (or ""), and a message in the user's language."""

    row: int
    column: str
    message: str

    @property
    def where(self) -> str:
        return _("row %(row)d") % {"row": self.row} if self.row else ""

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportResult:
    """What an import did, or for a check (`dry_run`) would do. `error_count` is exact;
    `errors` holds the first of them. `merged`: valid rows that update an earlier row of the
    same file. `details`: what one kind of import adds (kept flat in `as_dict`)."""

    kind: str = ""
    header: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    valid_rows: int = 0
    invalid_rows: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    merged: int = 0
    written: bool = False
    dry_run: bool = False
    preview: list = field(default_factory=list)  # the first rows as they would be stored (a check)
    details: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.error_count

    @property
    def checked(self) -> int:
        """Rows found correct by a check (which stores nothing)."""
        return self.valid_rows if self.dry_run else 0

    @property
    def more_errors(self) -> int:
        return self.error_count - len(self.errors)

    def as_dict(self) -> dict:
        """JSON-ready: the counts, the errors as dicts and the details beside the counts."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__ if name not in ("preview", "details")}
        data["errors"] = [error.as_dict() for error in self.errors]
        return data | self.details


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


def open_table(path: str, *, is_header: HeaderTest, filename: str = "", sheet: str = "") -> Table:
    """Open `path` (CSV or XLSX) and find its header row; raise ImportRefused when unusable.

    The header is the first of the top rows for which `is_header(cells)` holds, or else the
    first row with two or more filled cells; a workbook's sheet is `sheet`, or else the first
    whose top rows hold a header."""
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
        return _open_xlsx(path, head, is_header=is_header, sheet=sheet)
    if head.startswith((b"\xd0\xcf\x11\xe0", b"%PDF", b"\x1f\x8b", b"\x89PNG", b"\xff\xd8")):
        raise ImportRefused(_("This is not a CSV or Excel (.xlsx) file. Save it as CSV or .xlsx and upload it again."))
    return _open_csv(path, head, is_header=is_header)


# --- CSV -----------------------------------------------------------------------------


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    control = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return control > len(head) * 0.01


# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# A lead byte followed by a continuation byte: text that someone wrote as UTF-8.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")


def _bom_encoding(head: bytes) -> str:
    return next((encoding for bom, encoding in BOMS if head.startswith(bom)), "")


def _where(path: str, offset: int) -> dict:
    """Row (line) and column (field) of the byte at `offset`, as a spreadsheet counts them."""
    with open(path, "rb") as handle:
        head = handle.read(SAMPLE_BYTES)
        handle.seek(0)
        before = handle.read(offset)
    line = before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")
    delimiter = _choose_delimiter(head.decode("utf-8", errors="replace"))
    return {"row": before.count(b"\n") + 1, "column": line.count(delimiter) + 1}


def _detect_encoding(path: str, head: bytes) -> str:
    """The file's encoding, read from all of it; refuses what cannot be decoded unambiguously.

    A byte-order mark decides (UTF-8, UTF-16, UTF-32). Otherwise the file is UTF-8 when all of
    it decodes as UTF-8, and Windows-1252 (what Excel's "CSV" writes) when none of it is UTF-8
    at all. A file that is UTF-8 in places and not in others (a few bad bytes in a UTF-8 file)
    is refused with the row and column of the first bad byte: any guess would store some of
    its text garbled. A NUL character anywhere is refused as well.
    """
    bom = _bom_encoding(head)
    if bom:
        _check_decodes(path, bom)
        return bom
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, first_bad, utf8_seen = 0, None, False
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            if b"\x00" in chunk:
                raise ImportRefused(
                    _("The file contains a NUL character (row %(row)d, column %(column)d); it is not a text file.")
                    % _where(path, offset + chunk.index(b"\x00"))
                )
            utf8_seen = utf8_seen or _UTF8_SEQUENCE.search(chunk) is not None
            if first_bad is None:
                pending = len(decoder.getstate()[0])
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    first_bad = offset - pending + exc.start
            offset += len(chunk)
    if first_bad is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            first_bad = offset - len(decoder.getstate()[0])
    if first_bad is None:
        return "utf-8"
    if not utf8_seen:
        return "cp1252"
    with open(path, "rb") as handle:
        handle.seek(first_bad)
        byte = handle.read(1)[0]
    raise ImportRefused(
        _(
            "The file is UTF-8 text with a character that is not UTF-8 (the byte 0x%(byte)02X) in row %(row)d, "
            "column %(column)d. Correct it there, or save the whole file again as CSV UTF-8, and upload it again."
        )
        % {"byte": byte, **_where(path, first_bad)}
    )


def _check_decodes(path: str, encoding: str) -> None:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1024 * 1024):
                if "\x00" in decoder.decode(chunk):
                    raise ImportRefused(_("The file contains a NUL character; it is not a text file."))
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise ImportRefused(
            _("The file says it is %(encoding)s text but is not; save it again as CSV UTF-8.")
            % {"encoding": encoding.upper().replace("-SIG", "")}
        ) from None


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


def _open_csv(path: str, head: bytes, *, is_header: HeaderTest) -> Table:
    # UTF-16 and UTF-32 text is full of NUL bytes: only text without a byte-order mark is
    # judged by its bytes.
    if not _bom_encoding(head) and _looks_binary(head):
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
        return _with_header(
            numbered(),
            is_header=is_header,
            file_type="csv",
            encoding=encoding,
            delimiter=delimiter,
            close=handle.close,
        )
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


def _open_xlsx(path: str, head: bytes, *, is_header: HeaderTest, sheet: str) -> Table:
    if not head.startswith(b"PK\x03\x04"):
        raise ImportRefused(_("The file is not a valid Excel (.xlsx) file; it may be damaged."))
    _check_zip(path)

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
            chosen = _best_sheet(workbook, names, is_header)
        rows = _xlsx_rows(workbook[chosen])
        table = _with_header(rows, is_header=is_header, file_type="xlsx", close=close, sheet=chosen)
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


def _best_sheet(workbook, names: list[str], is_header: HeaderTest) -> str:
    """The first sheet whose top rows hold recognisable headers (else the first sheet)."""
    for name in names:
        for _number, row in zip(range(HEADER_SEARCH_ROWS), _xlsx_rows(workbook[name]), strict=False):
            if is_header(row[1]):
                return name
    return names[0]


# --- header --------------------------------------------------------------------------


def _with_header(rows: Iterator[tuple[int, list]], *, is_header: HeaderTest, file_type: str, **extra) -> Table:
    """Find the header: the first of the top rows that `is_header` accepts, or else the first
    row with two or more filled cells (title rows above it are skipped)."""
    buffered: list[tuple[int, list]] = []
    for number, cells in rows:
        buffered.append((number, cells))
        if len(buffered) >= HEADER_SEARCH_ROWS:
            break
    if not any(any(not is_blank(c) for c in cells) for _n, cells in buffered):
        raise ImportRefused(_("The file is empty."))
    chosen = next((i for i, (_n, cells) in enumerate(buffered) if is_header(cells)), None)
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
