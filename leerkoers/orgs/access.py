"""The one access mechanism for everything under /o/<org_slug>/ and /api/v1/orgs/<org_slug>/.

`resolve_access` turns (request, org_slug) into an `Access`: the organisation and the role
the caller holds in it. Someone who is not a member gets the same 404 as for an organisation
that does not exist, so that slugs cannot be probed; a member without a required role gets
403. Views get the access through `org_view`; API operations call `api_access` first.
Every lookup of an organisation-owned row goes through `Access.get` / `Access.filter`,
which add the organisation to the filter.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404

from leerkoers.orgs.models import ADVISOR, AdvisorGrant, ApiToken, Membership, Organization, Role

ALL_ROLES = frozenset({Role.ADMIN, Role.DIRECTOR, Role.MANAGER, Role.EMPLOYEE, ADVISOR})
# Roles that may steer the organisation's policy process.
STEERING = frozenset({Role.ADMIN, ADVISOR})


@dataclass(frozen=True)
class Access:
    organization: Organization
    role: str
    user: object | None = None
    membership: Membership | None = None
    token: ApiToken | None = None

    @property
    def is_admin(self) -> bool:
        return self.role in STEERING

    @property
    def can_write(self) -> bool:
        return self.token is None or self.token.can_write

    def filter(self, model: type[models.Model], **lookup) -> models.QuerySet:
        return model.objects.filter(organization=self.organization, **lookup)

    def get(self, model: type[models.Model], **lookup) -> models.Model:
        """The organisation's row matching `lookup`, or 404 — also for a malformed value
        (a word where a number or UUID belongs), which is as absent as a wrong one."""
        try:
            obj = self.filter(model, **lookup).first()
        except (ValueError, TypeError, ValidationError):
            raise Http404 from None
        if obj is None:
            raise Http404
        return obj

    def require(self, roles: Iterable[str]) -> None:
        if self.role not in set(roles):
            raise PermissionDenied


def _role_for_user(user, organization: Organization) -> tuple[str, Membership | None] | None:
    if not user or not user.is_authenticated:
        return None
    membership = Membership.objects.filter(organization=organization, user=user).select_related("team").first()
    if membership is not None:
        return membership.role, membership
    if user.is_advisor and AdvisorGrant.objects.filter(organization=organization, advisor=user).exists():
        return ADVISOR, None
    return None


def resolve_access(
    request,
    org_slug: str,
    roles: Iterable[str] | None = None,
    *,
    write: bool = False,
) -> Access:
    """Resolve the caller's access to the organisation `org_slug`.

    Raises Http404 when the organisation does not exist or the caller is not in it (also
    for an API token of another organisation), PermissionDenied when the caller's role is
    not in `roles`, or when `write` is asked of a read-only token.
    """
    organization = Organization.objects.filter(slug=org_slug).first()
    if organization is None:
        raise Http404
    token = getattr(request, "api_token", None)
    if token is not None:
        if token.organization_id != organization.pk:
            raise Http404
        access = Access(organization=organization, role=Role.ADMIN, token=token)
        if write and not token.can_write:
            raise PermissionDenied
    else:
        found = _role_for_user(request.user, organization)
        if found is None:
            raise Http404
        role, membership = found
        access = Access(organization=organization, role=role, user=request.user, membership=membership)
    if roles is not None:
        access.require(roles)
    return access


def org_view(roles: Iterable[str] | None = None) -> Callable:
    """Decorate a view under /o/<org_slug>/: log-in required, access resolved first.

    The view is called as `view(request, access, **kwargs)`; `request.access` is set too so
    that templates (navigation) can use it.
    """

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request, org_slug: str, *args, **kwargs):
            access = resolve_access(request, org_slug, roles)
            request.access = access
            return view(request, access, *args, **kwargs)

        wrapped.org_view = True
        return wrapped

    return decorator


def accessible_organizations(user) -> list[tuple[Organization, str]]:
    """The organisations a signed-in user can enter, with the role they hold there."""
    if not user.is_authenticated:
        return []
    result = [(m.organization, m.role) for m in Membership.objects.filter(user=user).select_related("organization")]
    if user.is_advisor:
        seen = {org.pk for org, _ in result}
        result += [
            (g.organization, ADVISOR)
            for g in AdvisorGrant.objects.filter(advisor=user).select_related("organization")
            if g.organization_id not in seen
        ]
    return sorted(result, key=lambda pair: pair[0].name.lower())
