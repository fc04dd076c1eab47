"""Template filters over leerkoers.lib.formatting: `{% load formatting %}`, then
`{{ cost|money }}` (`money_cents`, `money_whole`), `{{ hours|number:0 }}`, `{{ share|percent }}`, `{{ day|local_date }}`,
`{{ created|local_datetime }}`, `{{ hours|duration }}`. The project registers this module as
the `formatting` library in settings.TEMPLATES, so every app's templates can load it."""

from django import template

from leerkoers.lib import formatting

register = template.Library()


@register.filter
def money(value, currency: str = "EUR") -> str:
    return formatting.money(value, currency)


@register.filter
def money_cents(value, currency: str = "EUR") -> str:
    """Always with cents, for a column of prices that should line up."""
    return formatting.money(value, currency, cents=True)


@register.filter
def money_whole(value, currency: str = "EUR") -> str:
    """Rounded to whole units, for totals and savings that read as estimates."""
    return formatting.money(value, currency, cents=False)


@register.filter
def number(value, digits=None) -> str:
    return formatting.number(value, None if digits in (None, "") else int(digits))


@register.filter
def percent(share, digits=0) -> str:
    return formatting.percent(share, int(digits))


@register.filter(expects_localtime=True)
def local_date(value, style: str = "medium") -> str:
    return formatting.date(value, style)


@register.filter(expects_localtime=True)
def local_datetime(value, style: str = "short") -> str:
    return formatting.datetime_(value, style)


@register.filter
def duration(value, unit: str = "hour") -> str:
    return formatting.duration(value, unit=unit)
