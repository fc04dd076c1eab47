# URL parameters that make a page a private link: whoever holds the link may read it without
# signing in (a personal scan or vision link, a booking's manage link, a scan's own result).
PRIVATE_LINK_PARAMETERS = frozenset({"token", "response_id"})


def private_no_store(get_response):
    """Signed-in pages, API answers (session or bearer token) and private-link pages hold an
    organisation's or a person's data: `Cache-Control: private, no-store` keeps them out of
    shared caches and of the browser's back/forward and disk caches, so nobody reads them
    after the person signed out or walked away from a shared computer. Public pages keep
    their own caching; static files never reach here (WhiteNoise answers them first)."""

    def middleware(request):
        response = get_response(request)
        # The header first: a bearer-token call need not load the session's user for this.
        if "HTTP_AUTHORIZATION" in request.META or _private_link(request) or _signed_in(request):
            response["Cache-Control"] = "private, no-store"
        return response

    return middleware


def _private_link(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and not PRIVATE_LINK_PARAMETERS.isdisjoint(match.kwargs)


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated
