import functools

from django import template
from django.utils import translation

from leerkoers.lib.journey import percent as journey_percent

register = template.Library()


@functools.lru_cache(maxsize=512)
def _whole_percent(language: str, hundredths: int) -> str:
    return journey_percent(hundredths / 100)


@register.filter
def percent(share):
    """A share between 0 and 1 as a whole percentage ('75%'); empty for None.

    Rounded to whole percents first and formatted once per language and value: a results
    page holds a few thousand shares, and formatting each one anew took most of its time."""
    if share is None:
        return ""
    return _whole_percent(translation.get_language() or "", round(share * 100))


@register.filter
def bar(share):
    """A share as a CSS width between 0 and 100."""
    return 0 if share is None else round(100 * share)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key)


@register.filter
def any_shown(cells):
    return any(cell.shown for cell in cells)


@register.filter
def actions(statement):
    """The moderation buttons that make sense for a statement's state."""
    from django.utils.translation import gettext as _

    found = []
    if statement.status != "hidden":
        found.append(("hide", _("Hide")))
    if statement.status != "shown":
        found.append(("show", _("Show")))
    if statement.status == "shown":
        found.append(("hold", _("Hold back")))
        found.append(("unpin", _("Unpin")) if statement.pinned else ("pin", _("Pin")))
    return found


@register.filter
def interval(bounds):
    """A 95 % interval of a share as '58–88%'; empty for None."""
    if bounds is None:
        return ""
    low, high = percent(bounds[0]).rstrip("%\u00a0 "), percent(bounds[1])
    return f"{low}–{high}"
