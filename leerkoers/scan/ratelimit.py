"""Rate limiting per client address on Django's cache (the database cache table).

    from leerkoers.scan.ratelimit import ratelimit, retry_after

    @ratelimit("booking", limit="BOOKING_RATE_LIMIT", window="BOOKING_RATE_WINDOW")
    def book(request): ...          # answers 429 with Retry-After when over the limit

    wait = retry_after(request, "scan", limit=30, window=600)   # None, or seconds to wait

`limit` and `window` are numbers or names of settings (read at each call, so tests and
deployments can change them). A fixed window per client: simple and cheap, and precise
enough for abuse control (the database cache counts approximately under heavy concurrency).
The whole mechanism is off with RATE_LIMIT_ENABLED=0; a limit of 0 turns one limit off.
The client address is REMOTE_ADDR, or the one TRUSTED_PROXY_COUNT proxies saw. Counters are
kept in the cache alias "ratelimit" when settings define it (the same database table, with
room for many addresses), else in the default cache.
"""

import time
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import JsonResponse
from django.utils.translation import gettext as _


def client_address(request) -> str:
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "unknown")


def _number(value: int | str) -> int:
    return int(getattr(settings, value)) if isinstance(value, str) else int(value)


def retry_after(request, prefix: str, *, limit: int | str, window: int | str) -> int | None:
    """Count one request of this client under `prefix`; None when allowed, else seconds to wait."""
    limit, window = _number(limit), _number(window)
    if not settings.RATE_LIMIT_ENABLED or limit <= 0 or window <= 0:
        return None
    now = int(time.time())
    bucket = now // window
    key = f"rl:{prefix}:{client_address(request)}:{bucket}"
    cache = caches["ratelimit" if "ratelimit" in settings.CACHES else "default"]
    if cache.add(key, 1, timeout=window + 5):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window + 5)
            count = 1
    if count > limit:
        return max(1, (bucket + 1) * window - now)
    return None


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
