"""A member's calendar address, fetched by their calendar app without an account."""

from django.http import Http404
from django.views.decorators.http import require_GET

from leerkoers.ownership.selectors import calendar_feed_access
from leerkoers.ownership.views_cycle import ics_response


@require_GET
def feed(request, token: str):
    """The coming conversations of the member whose address this is, as they would see them
    signed in now (a changed role or team counts at once; a stopped address is 404)."""
    access = calendar_feed_access(token)
    if access is None:
        raise Http404
    response = ics_response(access)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
