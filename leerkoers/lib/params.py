"""One validator for the numbers a request names: row ids and years, in the path or the query.

A database id is a positive 64-bit integer; Python's int is not, and a value ≥ 2^63 sent to the
database raises OverflowError (SQLite) or DataError (PostgreSQL) — a 500. A year outside what
`datetime.date` holds does the same in a `__year` lookup. So every id and year a request carries
goes through here:

- page URLs use the `id` path converter (`<id:activity_id>`): anything that cannot be a row id
  does not match the pattern, which answers 404 as for a missing row;
- API schemas type ids in a body as `Id` and lists of them as `IdList` (at most MAX_IDS);
- API operations annotate path ids with `PathId` (a miss answers 404, see leerkoers.api) and query
  parameters with `QueryId` / `QueryYear` (422 with the field);
- views read query parameters with `query_id` / `query_year`, which raise BadRequest (400) with a
  message in the user's language.
"""

from typing import Annotated

import pydantic
from django.core.exceptions import BadRequest
from django.urls import register_converter
from django.utils.translation import gettext as _
from ninja import Path, Query

MAX_ID = 2**63 - 1
# Years a learning activity can plausibly have, and that every date lookup can handle.
MIN_YEAR, MAX_YEAR = 1900, 2200

# Ids one request may list (teams of an activity, goals of a learning goal): far more than any
# organisation has, and far below SQLite's limit of bound variables in one `__in` query.
MAX_IDS = 1000

Id = Annotated[int, pydantic.Field(ge=1, le=MAX_ID)]
IdList = Annotated[list[Id], pydantic.Field(max_length=MAX_IDS)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
QueryYear = Annotated[int | None, Query(ge=MIN_YEAR, le=MAX_YEAR)]


def parse_id(raw) -> int | None:
    """The row id written in `raw`, or None when it cannot be one (words, 0, negative, ≥ 2^63)."""
    raw = str(raw if raw is not None else "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 19:
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None


def parse_year(raw) -> int | None:
    """The year written in `raw` when it lies in [MIN_YEAR, MAX_YEAR], else None."""
    raw = str(raw if raw is not None else "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 4:
        return None
    value = int(raw)
    return value if MIN_YEAR <= value <= MAX_YEAR else None


def query_id(params, name: str) -> int | None:
    """The id in query parameter `name`: None when absent or empty; BadRequest when not an id."""
    raw = params.get(name, "")
    if raw == "":
        return None
    value = parse_id(raw)
    if value is None:
        raise BadRequest(_("“%(value)s” is not a valid value for %(name)s.") % {"value": raw[:40], "name": name})
    return value


def query_year(params, name: str = "year") -> int | None:
    """The year in query parameter `name`: None when absent or empty; BadRequest when out of range."""
    raw = params.get(name, "")
    if raw == "":
        return None
    value = parse_year(raw)
    if value is None:
        raise BadRequest(_("The year must be a number from %(min)s to %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR})
    return value


class IdConverter:
    """`<id:name>` in a URL pattern: a row id, at most 19 digits and below 2^63 (else no match: 404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValueError(value)  # the resolver then tries the next pattern, and ends in 404
        return parsed

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")
