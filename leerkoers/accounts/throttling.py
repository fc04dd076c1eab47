"""Login and password-reset throttling on the shared rate limiter (leerkoers/ratelimit).

Failed logins are counted per (client address, account) pair and per client address. A pair
over LOGIN_FAILURE_LIMIT is refused until its window ends, so a guesser is stopped while the
owner, from any other address, still signs in: nobody can lock someone else's account from
afar. A client address over LOGIN_CLIENT_FAILURE_LIMIT is refused on every account (spraying
one password across many accounts). Unknown addresses are counted exactly like accounts, so
the answers never tell which addresses have an account. E-mail addresses are kept out of the
counters table (subject_digest).
"""

from django.conf import settings

from leerkoers.ratelimit.limiter import client_address, count_hit, forget, limit_reached, retry_after, subject_digest


def _pair(request, email: str) -> str:
    return f"{client_address(request)}|{subject_digest(email)}"


def _window() -> int:
    return settings.LOGIN_LOCKOUT_MINUTES * 60


def login_wait(request, email: str) -> int | None:
    """Seconds this client must wait before it may try `email` again; None when it may now."""
    pair = limit_reached("login-pair", _pair(request, email), limit=settings.LOGIN_FAILURE_LIMIT, window=_window())
    client = limit_reached(
        "login-client", client_address(request), limit=settings.LOGIN_CLIENT_FAILURE_LIMIT, window=_window()
    )
    waits = [wait for wait in (pair, client) if wait]
    return max(waits) if waits else None


def login_failed(request, email: str) -> None:
    count_hit("login-pair", _pair(request, email), limit=settings.LOGIN_FAILURE_LIMIT, window=_window())
    count_hit("login-client", client_address(request), limit=settings.LOGIN_CLIENT_FAILURE_LIMIT, window=_window())


def login_succeeded(request, email: str) -> None:
    """The owner got in from here: earlier failures of this pair are forgotten."""
    forget("login-pair", _pair(request, email))


def reset_client_wait(request) -> int | None:
    """Count one reset request of this client; None when allowed, else seconds to wait."""
    return retry_after(
        request,
        "reset-client",
        limit=settings.PASSWORD_RESET_CLIENT_LIMIT,
        window=settings.PASSWORD_RESET_WINDOW_MINUTES * 60,
    )


def reset_mail_allowed(email: str) -> bool:
    """Count one reset e-mail to `email` (whether or not it has an account); False over the limit."""
    wait = count_hit(
        "reset-address",
        subject_digest(email.strip().lower()),
        limit=settings.PASSWORD_RESET_ADDRESS_LIMIT,
        window=settings.PASSWORD_RESET_WINDOW_MINUTES * 60,
    )
    return wait is None
