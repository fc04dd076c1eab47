def private_no_store(get_response):
    """Signed-in pages and API answers (session or bearer token) hold an organisation's data:
    `Cache-Control: private, no-store` keeps them out of shared caches and of the browser's
    back/forward and disk caches, so nobody reads them after the person signed out on a
    shared computer. Public pages keep their own caching; static files never reach here
    (WhiteNoise answers them first)."""

    def middleware(request):
        response = get_response(request)
        # The header first: a bearer-token call need not load the session's user for this.
        if "HTTP_AUTHORIZATION" in request.META or _signed_in(request):
            response["Cache-Control"] = "private, no-store"
        return response

    return middleware


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated
