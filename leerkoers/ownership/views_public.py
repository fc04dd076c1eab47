"""A member's calendar address, fetched by their calendar app without an account."""

from django.http import Http404
from django.utils import translation
from django.views.decorators.http import require_GET

from leerkoers.ownership.selectors import calendar_feed_find
from leerkoers.ownership.views_cycle import ics_response


@require_GET
def feed(request, token: str):
    """The coming conversations of the member whose address this is, as they would see them
    signed in now (a changed role or team counts at once; a stopped address is 404), in the
    language of the page the address was made on."""
    found = calendar_feed_find(token)
    if found is None:
        raise Http404
    access, language = found
    with translation.override(language):
        response = ics_response(access)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
