"""The HTTP API under /api/v1/: one NinjaAPI, a router per app.

Organisation routers are mounted under /orgs/{org_slug}/ and every operation there starts
with `api_access(request, org_slug, RULE, ...)` (see leerkoers.orgs.access). Callers authenticate
with `Authorization: Bearer <token>` or with the signed-in browser session; session writes
must carry the CSRF token, exactly as the HTML forms do.
"""

import logging

from django.core.exceptions import BadRequest, PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from leerkoers.lib.api_body import BodyRefused, LimitedJsonParser
from leerkoers.lib.api_schemas import ErrorOut
from leerkoers.orgs.access import UNSAFE_METHODS, resolve_access
from leerkoers.orgs.models import ApiToken, hash_token

logger = logging.getLogger(__name__)


def _has_null_character(request) -> bool:
    if not request.content_type or "json" not in request.content_type:
        return False
    body = request.body
    return b"\\u0000" in body or b"\x00" in body


class BearerOrSession(HttpBearer):
    """A bearer token of an organisation, or the signed-in browser session.

    OpenAPI documents the bearer scheme; the session is accepted as well so that the UI's
    own htmx calls and an integrator's script use the same API.
    """

    def __call__(self, request):
        caller = self._caller(request)
        if caller is None:
            return None
        org_slug = (request.resolver_match.kwargs if request.resolver_match else {}).get("org_slug")
        if org_slug is not None:
            # Resolve the organisation before ninja reads the body: someone outside it gets
            # 404 whatever they send, and a read-only token 403 on any write, before a 422
            # could say anything about the operation. api_access reuses this.
            request.org_access = resolve_access(request, org_slug, write=request.method in UNSAFE_METHODS)
        if request.method in UNSAFE_METHODS and _has_null_character(request):
            # PostgreSQL cannot store NUL in text; refuse it for every operation at once.
            raise HttpError(422, _("Text cannot contain null characters."))
        return caller

    def _caller(self, request):
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _sep, raw = header.partition(" ")
            if scheme.lower() != "bearer" or not raw.strip():
                return None
            return self.authenticate(request, raw.strip())
        if request.user.is_authenticated:
            if request.method in UNSAFE_METHODS and check_csrf(request) is not None:
                raise HttpError(403, _("The CSRF token is missing or not valid: send it in the X-CSRFToken header."))
            return request.user
        return None

    def authenticate(self, request, token):
        found = (
            ApiToken.objects.filter(token_hash=hash_token(token), revoked_at__isnull=True)
            .select_related("organization")
            .first()
        )
        if found is None:
            return None
        # Write at most once a minute: a busy integration should not rewrite the row per call.
        now = timezone.now()
        if found.last_used is None or (now - found.last_used).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used=now)
        request.api_token = found
        return found


api = NinjaAPI(
    title="Leerkoers API",
    version="1",
    urls_namespace="api",
    auth=BearerOrSession(),
    docs_url="/docs",
    parser=LimitedJsonParser(),
)


# The error answers an operation can give, declared once and added to every operation's
# documented responses (see _document_errors): the handlers below produce exactly these.
ERRORS_OF_EVERY_OPERATION = (400, 404, 422)  # malformed request, unknown path or id, invalid input
ERRORS_OF_AUTHENTICATED = (401, 403)  # no valid token or session; role, read-only token or CSRF
ERRORS_OF_WRITES = (409, 413)  # conflicts with stored data; body over DATA_UPLOAD_MAX_MEMORY_SIZE


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": _("You do not have permission to do this.")}, status=403)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(
        request,
        {"detail": _("Authentication required: send a valid API token or sign in.")},
        status=401,
    )


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    if exc.errors and all((error.get("loc") or ("",))[0] == "path" for error in exc.errors):
        # A path id that cannot be one (a word, 0, ≥ 2^63) names nothing: the same 404 as a missing row.
        return _not_found(request, exc)
    errors = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", []) if part not in ("body", "payload", "query", "path")]
        errors.append({"field": ".".join(loc), "message": error.get("msg", "")})
    return api.create_response(request, {"detail": _("The request is not valid."), "errors": errors}, status=422)


@api.exception_handler(DjangoValidationError)
def _model_invalid(request, exc):
    if hasattr(exc, "message_dict"):
        errors = [
            {"field": "" if field == "__all__" else field, "message": " ".join(messages)}
            for field, messages in exc.message_dict.items()
        ]
    else:
        errors = [{"field": "", "message": " ".join(exc.messages)}]
    return api.create_response(request, {"detail": _("The request is not valid."), "errors": errors}, status=422)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    detail = str(exc)
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        # ninja wraps any failure of the body parser in "Cannot parse request body" (English).
        cause = exc.__cause__
        detail = str(cause) if isinstance(cause, BodyRefused) else _("The body is not valid JSON.")
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(MultiPartParserError)
@api.exception_handler(UnreadablePostError)
def _unreadable(request, exc):
    return api.create_response(
        request, {"detail": _("The body cannot be read as the form data it says it is.")}, status=400
    )


@api.exception_handler(BadRequest)
@api.exception_handler(SuspiciousOperation)
def _bad_request(request, exc):
    return api.create_response(request, {"detail": _("The request is not valid.")}, status=400)


@api.exception_handler(RequestDataTooBig)
def _too_large(request, exc):
    return api.create_response(request, {"detail": _("The request is too large.")}, status=413)


@api.exception_handler(Exception)
def _unexpected(request, exc):
    # An integrator gets JSON even for a bug; the traceback goes to the log, not to them.
    logger.exception("Unexpected error in %s %s", request.method, request.path)
    return api.create_response(request, {"detail": _("Something went wrong on our side.")}, status=500)


def _mount_routers() -> None:
    # Every operation spells out its full path ("/orgs/{org_slug}/teams"), so that ninja
    # sees org_slug as a path parameter and OpenAPI documents it; routers mount at the root.
    from leerkoers.alignment.api import router as alignment_router
    from leerkoers.booking.api import router as booking_router
    from leerkoers.inventory.api import router as inventory_router
    from leerkoers.jobs.api import router as jobs_router
    from leerkoers.orgs.api import router as orgs_router
    from leerkoers.ownership.api import router as ownership_router
    from leerkoers.pilots.api import router as pilots_router
    from leerkoers.policy.api import router as policy_router
    from leerkoers.portability.api import router as portability_router
    from leerkoers.scan.api import router as scan_router
    from leerkoers.vision.api import router as vision_router

    for router in (
        orgs_router,
        jobs_router,
        scan_router,
        inventory_router,
        alignment_router,
        booking_router,
        vision_router,
        ownership_router,
        pilots_router,
        portability_router,
        policy_router,
    ):
        _document_errors(router)
        api.add_router("", router)


def _document_errors(router) -> None:
    """Add the error answers every operation of `router` can give to its documented responses.

    An operation's own declaration of a status (e.g. 409 with a special body) is kept.
    """
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            statuses = list(ERRORS_OF_EVERY_OPERATION)
            if operation.auth_param is not None:  # None: public (auth=None); unset: the API's auth
                statuses += ERRORS_OF_AUTHENTICATED
            if set(operation.methods) & UNSAFE_METHODS:
                statuses += ERRORS_OF_WRITES
            for status in statuses:
                operation.response_models.setdefault(status, operation._create_response_model(ErrorOut))


_mount_routers()
