"""How the API answers a refusal of a service: the state of the object does not allow it (409).

Services refuse with a `ValidationError`; most refusals are the caller's input (422, the
API's handler turns them into field errors), some are the object's state (a closed round, a
started pilot, an agreed plan): those are a conflict. An operation says which codes are a
conflict where it calls the service:

    with conflict_on("closed", "used"):
        services.rating_submit(...)

Without codes, every refusal of the service is a conflict (a transition that has no input).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from ninja.errors import HttpError

STATE = "state"


@contextmanager
def conflict_on(*codes: str) -> Iterator[None]:
    """Turn a ValidationError with one of `codes` (any, without codes) into a 409 with its messages."""
    try:
        yield
    except ValidationError as exc:
        if codes and getattr(exc, "code", None) not in codes:
            raise
        raise HttpError(409, " ".join(exc.messages)) from None
