"""Rate limiting per client address, counted in the database by one statement per request.

    from leerkoers.ratelimit.limiter import ratelimit, retry_after

    @ratelimit("booking", limit="BOOKING_RATE_LIMIT", window="BOOKING_RATE_WINDOW")
    def book(request): ...          # answers 429 with Retry-After when over the limit

    wait = retry_after(request, "scan", limit=30, window=600)   # None, or seconds to wait

    # Anything else as the subject (an account, a client and account pair):
    wait = count_hit("login-pair", f"{address}|{subject_digest(email)}", limit=5, window=900)
    wait = limit_reached("login-pair", ...)   # the same question, without counting

`limit` and `window` are numbers or names of settings (read at each call, so tests and
deployments can change them). A fixed window per client, counted exactly: each check is one
atomic `INSERT … ON CONFLICT DO UPDATE … RETURNING` on the RateLimitCounter row of
"<prefix>:<subject>" (SQLite ≥ 3.35 and PostgreSQL), which starts the count at 1 in a new
window and adds 1 within the current one. Concurrent requests each get their own count; no
read-then-write race and none of the database cache's COUNT(*) and culling before each write.
About one call in PURGE_ONE_IN also deletes the rows whose window has passed.
The whole mechanism is off with RATE_LIMIT_ENABLED=0; a limit of 0 turns one limit off.
The client address is REMOTE_ADDR, or the one TRUSTED_PROXY_COUNT proxies saw.
"""

import hashlib
import random
import time
from functools import wraps

from django.conf import settings
from django.db import connections, router
from django.http import JsonResponse
from django.utils.translation import gettext as _

from leerkoers.ratelimit.models import RateLimitCounter

PURGE_ONE_IN = 1000
# One statement, the same on SQLite (≥ 3.35) and PostgreSQL. Both evaluate the SET expressions
# against the row as it was, so the CASE compares with the old window_end.
TABLE = RateLimitCounter._meta.db_table
UPSERT = f"""
    INSERT INTO "{TABLE}" ("key", "window_end", "count") VALUES (%s, %s, 1)
    ON CONFLICT ("key") DO UPDATE SET
        "count" = CASE WHEN "{TABLE}"."window_end" = excluded."window_end"
                       THEN "{TABLE}"."count" + 1 ELSE 1 END,
        "window_end" = excluded."window_end"
    RETURNING "count"
"""  # noqa: S608 - the table name is the model's, not input
KEY_LENGTH = RateLimitCounter._meta.get_field("key").max_length


def client_address(request) -> str:
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "unknown")


def _number(value: int | str) -> int:
    return int(getattr(settings, value)) if isinstance(value, str) else int(value)


def _now() -> int:
    return int(time.time())


def _key(prefix: str, address: str) -> str:
    key = f"{prefix}:{address}"
    if len(key) > KEY_LENGTH:  # an odd REMOTE_ADDR: keep it distinct, within the column
        key = f"{prefix[:100]}:{hashlib.sha256(address.encode()).hexdigest()}"
    return key


def hit(key: str, window_end: int) -> int:
    """Count one request under `key` in the window ending at `window_end`; its count so far."""
    with connections[router.db_for_write(RateLimitCounter)].cursor() as cursor:
        cursor.execute(UPSERT, [key, window_end])
        (count,) = cursor.fetchone()
    return count


def purge_expired(now: int | None = None) -> int:
    """Delete the counters whose window has passed; how many."""
    deleted, _rows = RateLimitCounter.objects.filter(window_end__lte=_now() if now is None else now).delete()
    return deleted


def _window_end(now: int, window: int) -> int:
    return (now // window + 1) * window


def _enabled(limit: int, window: int) -> bool:
    return bool(settings.RATE_LIMIT_ENABLED) and limit > 0 and window > 0


def subject_digest(text: str) -> str:
    """A stable stand-in for a subject such as an e-mail address, so that the counters table
    holds no personal data (and every key fits the column)."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{text}".encode()).hexdigest()[:32]


def count_hit(prefix: str, subject: str, *, limit: int | str, window: int | str) -> int | None:
    """Count one event of `subject` (a client address, an account, a pair) under `prefix`;
    None while within `limit` events per `window` seconds, else the seconds to wait."""
    limit, window = _number(limit), _number(window)
    if not _enabled(limit, window):
        return None
    now = _now()
    window_end = _window_end(now, window)
    count = hit(_key(prefix, subject), window_end)
    if random.randrange(PURGE_ONE_IN) == 0:
        purge_expired(now)
    if count > limit:
        return max(1, window_end - now)
    return None


def limit_reached(prefix: str, subject: str, *, limit: int | str, window: int | str) -> int | None:
    """Without counting: None while fewer than `limit` events of `subject` were counted in the
    current window, else the seconds until it ends. One indexed read."""
    limit, window = _number(limit), _number(window)
    if not _enabled(limit, window):
        return None
    now = _now()
    window_end = _window_end(now, window)
    count = (
        RateLimitCounter.objects.filter(key=_key(prefix, subject), window_end=window_end)
        .values_list("count", flat=True)
        .first()
    )
    if count is not None and count >= limit:
        return max(1, window_end - now)
    return None


def forget(prefix: str, subject: str) -> None:
    """Drop the count of `subject` under `prefix` (e.g. after a successful login)."""
    RateLimitCounter.objects.filter(key=_key(prefix, subject)).delete()


def retry_after(request, prefix: str, *, limit: int | str, window: int | str) -> int | None:
    """Count one request of this client under `prefix`; None when allowed, else seconds to wait."""
    return count_hit(prefix, client_address(request), limit=limit, window=window)


def too_many_requests(request, wait: int) -> JsonResponse:
    """The 429 answer: JSON with a message in the user's language and Retry-After."""
    response = JsonResponse(
        {"detail": _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": wait}}, status=429
    )
    response["Retry-After"] = str(wait)
    return response


def ratelimit(prefix: str, *, limit: int | str, window: int | str, methods=("POST",)):
    """Decorate a view (or a django-ninja operation): over the limit it answers 429."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                wait = retry_after(request, prefix, limit=limit, window=window)
                if wait is not None:
                    return too_many_requests(request, wait)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
