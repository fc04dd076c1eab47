"""Cell values in Dutch and international notation → Python values.

Every parser takes the raw cell (a str from CSV, or whatever openpyxl gives: str, int, float,
datetime) and returns the value or raises ValueError with a message for the user. Parsers
cache by raw text because an LMS export repeats the same dates and numbers endlessly.
"""

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from leerkoers.lib.tables import is_blank

MONTHS = {
    # Dutch
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3, "mar": 3, "april": 4, "apr": 4,
    "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8, "september": 9, "sep": 9,
    "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    # English (only the ones that differ)
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8, "october": 10,
    "oct": 10,
}  # fmt: skip

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?: [0-9:]+)?$")
_YMD_SLASH = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_WORDS = re.compile(r"^(\d{1,2})[ -]([a-z]+)\.?[ -](\d{4})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def normalize(text: str) -> str:
    """Lower case, accents off, everything but letters and digits removed (for matching)."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _date_from_parts(year: int, month: int, day: int) -> dt.date:
    if year < 100:
        year += 2000 if year < 70 else 1900
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(_("“%(value)s” is not an existing date.") % {"value": f"{day}-{month}-{year}"}) from None


def parse_date(raw) -> dt.date | None:
    """3-2-2026, 03/02/2026, 3.2.26, 2026-02-03, 3 februari 2026, Excel dates → date.

    Day-month order is assumed (Dutch), unless the second number cannot be a month
    (02/23/2026), which is read as month/day.
    """
    if is_blank(raw):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        # A date cell that lost its format in Excel: a serial day number.
        if 20000 < raw < 80000:
            return _EXCEL_EPOCH + dt.timedelta(days=int(raw))
        raise ValueError(_("“%(value)s” is not a date.") % {"value": raw})
    text = str(raw).strip().lower()
    if m := _ISO.match(text):
        return _date_from_parts(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY.match(text):
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        if second > 12 >= first:
            first, second = second, first
        return _date_from_parts(year, second, first)
    if m := _YMD_SLASH.match(text):
        return _date_from_parts(int(m[1]), int(m[2]), int(m[3]))
    if (m := _WORDS.match(text)) and m[2] in MONTHS:
        return _date_from_parts(int(m[3]), MONTHS[m[2]], int(m[1]))
    raise ValueError(_("“%(value)s” is not a date (use for example 3-2-2026 or 2026-02-03).") % {"value": raw})


_MONEY_JUNK = re.compile(r"(?i)(eur(o|os)?|€|\s|\u00a0|\u202f)")


def parse_decimal(raw) -> Decimal | None:
    """1.250,00 / 1,250.00 / € 450,- / 12,5 / 12.5 / 1250 → Decimal.

    With one kind of separator: a comma is the decimal mark (Dutch); a dot followed by exactly
    three digits is a thousands separator (1.250 = 1250), any other dot a decimal mark.
    """
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        raise ValueError(_("“%(value)s” is not a number.") % {"value": raw})
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    text = _MONEY_JUNK.sub("", str(raw))
    if text.endswith((",-", ".-", ",--")):
        text = text.rstrip("-")[:-1]
    negative = text.startswith("-")
    body = text[1:] if negative else text
    if "," in body and "." in body:
        decimal_mark = "," if body.rfind(",") > body.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        body = body.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in body:
        if body.count(",") > 1:
            body = body.replace(",", "")
        else:
            body = body.replace(",", ".")
    elif body.count(".") > 1 or re.fullmatch(r"\d{1,3}\.\d{3}", body):
        body = body.replace(".", "")
    if not re.fullmatch(r"\d+(\.\d+)?|\.\d+", body):
        raise ValueError(_("“%(value)s” is not a number (use for example 1.250,00 or 12,5).") % {"value": raw})
    try:
        value = Decimal(body)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": raw}) from None
    return -value if negative else value


def parse_int(raw) -> int | None:
    value = parse_decimal(raw)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": raw})
    return int(value)


_TRUE = {"ja", "j", "yes", "y", "true", "waar", "1", "x", "verplicht", "mandatory", "required"}
_FALSE = {"nee", "n", "no", "false", "onwaar", "0", "", "-", "niet verplicht", "optional", "optioneel"}


def parse_bool(raw) -> bool:
    if raw is None:
        return False
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(_("“%(value)s” is not yes or no.") % {"value": raw})


def choice_parser(synonyms: dict[str, str], label_list: str):
    """A parser for a choice field: `synonyms` maps normalised words to the stored value."""
    table = {normalize(word): value for word, value in synonyms.items()}

    def parse(raw) -> str:
        if is_blank(raw):
            return ""
        key = normalize(raw)
        if key in table:
            return table[key]
        raise ValueError(_("“%(value)s” is not one of: %(choices)s.") % {"value": raw, "choices": label_list})

    return parse


def parse_text(raw, max_length: int) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    if len(text) > max_length:
        raise ValueError(_("The text is longer than %(max)d characters.") % {"max": max_length})
    return text


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Make a cell safe to open in a spreadsheet: text that would run as a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
