"""Numbers, money, percentages, dates and durations as the active language writes them.

One place for every page, API display field, export and PDF, so that a figure reads the same
everywhere: Dutch (CLDR nl) "€ 488.500", "€ 1.250,50", "38%", "1.234,5"; English "€488,500",
"€1,250.50", "38%", "1,234.5". The formats come from Babel's copy of CLDR rather than from
hand-written separators, so a third language needs no code here.

Every function takes the language from Django's active translation (`translation.override`
in exports and tasks), and writes "–" for a missing value, so templates need no `if`.
"""

from datetime import date as date_type
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel import units as babel_units
from django.conf import settings
from django.utils import timezone, translation

MISSING = "–"


@lru_cache(maxsize=8)
def _locale(language: str) -> Locale:
    return Locale.parse(translation.to_locale(language))


def locale() -> Locale:
    """The Babel locale of the active Django language (the site's default outside a request)."""
    return _locale(translation.get_language() or settings.LANGUAGE_CODE)


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def _fixed(pattern: str, digits: int) -> babel_numbers.NumberPattern:
    parsed = babel_numbers.parse_pattern(pattern)
    parsed.frac_prec = (digits, digits)
    return parsed


def money(value, currency: str = "EUR", *, cents: bool | None = None) -> str:
    """An amount of money: whole amounts without cents (€ 488.500), others with (€ 1.250,50).

    `cents=True` always writes cents, `cents=False` never does (rounded half-even, as CLDR
    rounds)."""
    amount = _decimal(value)
    if amount is None:
        return MISSING
    if cents is None:
        cents = amount != amount.to_integral_value()
    current = locale()
    pattern = _fixed(current.currency_formats["standard"].pattern, 2 if cents else 0)
    return pattern.apply(amount, current, currency=currency, currency_digits=False)


def number(value, digits: int | None = None) -> str:
    """A number with the language's grouping and decimal mark.

    `digits` fixes the decimals (number(12.6, 0) → "13"; halves round to even); without it trailing zeros are dropped
    and at most two decimals shown, four for values below 1 (ratios): 7, 6,32, 0,125."""
    exact = _decimal(value)
    if exact is None:
        return MISSING
    current = locale()
    if digits is None:
        limit = 4 if abs(exact) < 1 else 2
        pattern = babel_numbers.parse_pattern(current.decimal_formats[None].pattern)
        pattern.frac_prec = (0, limit)
    else:
        pattern = _fixed(current.decimal_formats[None].pattern, digits)
    return pattern.apply(exact, current)


def plain_number(value) -> str:
    """A number for a CSV cell: the language's decimal mark, no grouping, every decimal kept
    ("1250,50" / "1250.50"), so a spreadsheet in that language reads it as a number."""
    exact = _decimal(value)
    if exact is None:
        return ""
    text = format(exact, "f")
    return text.replace(".", babel_numbers.get_decimal_symbol(locale())) if "." in text else text


def percent(share, digits: int = 0) -> str:
    """A share between 0 and 1 as a percentage: 0.38 → "38%" (one style per language)."""
    exact = _decimal(share)
    if exact is None:
        return MISSING
    current = locale()
    return _fixed(current.percent_formats[None].pattern, digits).apply(exact, current)


def date(value, style: str = "medium") -> str:
    """A date (or the local date of a datetime): medium "1 dec 2026" / "Dec 1, 2026";
    short "01-12-2026" / "12/1/26"; long "1 december 2026" / "December 1, 2026"."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if not isinstance(value, date_type):
        return str(value)
    return babel_dates.format_date(value, format=style, locale=locale())


def datetime_(value, style: str = "short") -> str:
    """A moment in the current time zone: "1 dec 2026 14:05" / "Dec 1, 2026, 2:05 PM"."""
    if value is None or value == "":
        return MISSING
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    current = locale()
    day = babel_dates.format_date(value, format="medium", locale=current)
    time = babel_dates.format_time(value, format=style, locale=current)
    return current.datetime_formats["medium"].format(time, day)


def duration(value, *, unit: str = "hour") -> str:
    """A length of time: a timedelta, or a number of `unit`s (hour, minute): "1,5 uur", "1.5 hours",
    "45 minuten". Hours keep one decimal, so 37,5 hours of learning stays 37,5."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, timedelta):
        minutes = Decimal(value.total_seconds()) / 60
        if minutes < 60:
            return _unbroken(babel_dates.format_timedelta(value, threshold=2, format="long", locale=locale()))
        value, unit = minutes / 60, "hour"
    amount = _decimal(value)
    if amount is None:
        return MISSING
    if unit == "hour":
        amount = amount.quantize(Decimal("0.1")).normalize()
    return _unbroken(babel_units.format_unit(amount, f"duration-{unit}", length="long", locale=locale()))


def _unbroken(text: str) -> str:
    # CLDR's unit patterns use a plain space; a number should not end a line apart from its unit.
    return text.replace(" ", "\u00a0")
