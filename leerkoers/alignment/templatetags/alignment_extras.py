"""Numbers in the user's locale: money as `1.250,00 €`, hours and shares as `42 %`."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def money(value) -> str:
    if value is None or value == "":
        return "–"
    return f"{floatformat(value, '2g')}\u00a0€"


@register.filter
def amount(value, digits: int = 0) -> str:
    if value is None or value == "":
        return "–"
    return floatformat(value, f"{digits}g")


@register.filter
def percent(share) -> str:
    """A share between 0 and 1 as a whole percentage."""
    if share is None or share == "":
        return "–"
    return f"{floatformat(float(share) * 100, 0)}\u00a0%"


@register.filter
def number(value) -> str:
    """A KPI value without trailing zeros: 7, 6,32, 0,125."""
    if value is None:
        return "–"
    exact = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    exponent = exact.normalize().as_tuple().exponent
    # Two decimals are plenty for a KPI; small values (ratios) keep up to four.
    limit = 4 if abs(exact) < 1 else 2
    return floatformat(value, f"{min(limit, max(0, -exponent))}g")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
