"""A small fixed-window rate limit per client address on Django's cache (the DB cache table).

Counting is approximate under heavy concurrency (the database cache's incr is read then
write), which is fine for abuse control; the no-double-booking rule does not rely on it.
"""

import time

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """REMOTE_ADDR, or the address the trusted proxies saw (TRUSTED_PROXY_COUNT)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "unknown")


def hit(request, scope: str, *, limit: int, window: int) -> int | None:
    """Count one attempt; None if allowed, else the seconds to wait (for Retry-After)."""
    if not settings.RATE_LIMIT_ENABLED or limit <= 0:
        return None
    now = int(time.time())
    bucket = now // window
    key = f"rl:{scope}:{client_address(request)}:{bucket}"
    if cache.add(key, 1, timeout=window + 5):
        return None
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        return None
    if count > limit:
        return max(1, (bucket + 1) * window - now)
    return None


def booking_hit(request) -> int | None:
    return hit(request, "booking", limit=settings.BOOKING_RATE_LIMIT, window=settings.BOOKING_RATE_WINDOW)
