"""The API's list shape: {"items": [...], "count": N}, with limit/offset."""

from typing import Generic, TypeVar

from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import HttpError

T = TypeVar("T")

MAX_LIMIT = 500


class Page(Schema, Generic[T]):
    items: list[T]
    count: int


def paginate(queryset, *, limit: int, offset: int) -> dict:
    """One page of `queryset` as {"items", "count"}; 422 for a limit outside 1–MAX_LIMIT or a
    negative offset."""
    if limit < 1 or limit > MAX_LIMIT:
        raise HttpError(422, _("limit must be between 1 and %(max)d.") % {"max": MAX_LIMIT})
    if offset < 0:
        raise HttpError(422, _("offset cannot be negative."))
    count = queryset.count()
    # Past the end there is nothing to fetch; a huge offset would not even fit the database's
    # integer type, so it never reaches the query.
    items = list(queryset[offset : offset + limit]) if offset < count else []
    return {"items": items, "count": count}
