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
    if limit < 1 or limit > MAX_LIMIT:
        raise HttpError(422, _("limit must be between 1 and %(max)d.") % {"max": MAX_LIMIT})
    if offset < 0:
        raise HttpError(422, _("offset cannot be negative."))
    return {"items": list(queryset[offset : offset + limit]), "count": queryset.count()}
