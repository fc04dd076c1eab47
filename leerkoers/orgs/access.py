"""The one access mechanism for everything under /o/<org_slug>/ and /api/v1/orgs/<org_slug>/.

`resolve_access` turns (request, org_slug) into an `Access`: the organisation and the role
the caller holds in it. Someone who is not a member gets the same 404 as for an organisation
that does not exist, so that slugs cannot be probed; a member without a required role gets
403. Views get the access through `org_view`; API operations call `api_access` first.
Both take a role rule named below, so that who may do what is on the first line of every
view and operation (and tests/test_role_matrix.py can read it from there).
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

# The role rules. Each is named once, here; views and API operations pass one of them (never
# a set of their own), and a new step picks the one that fits or adds it here.
#: every member of the organisation, whatever their role, and its granted advisors
EVERYONE = frozenset({Role.ADMIN, Role.DIRECTOR, Role.MANAGER, Role.EMPLOYEE, ADVISOR})
#: the organisation's members alone, whatever their role (not its advisors: what is theirs,
#: such as the conversations they take part in)
MEMBERS = EVERYONE - {ADVISOR}
#: who steers the policy process: HR / L&D (admin) and the organisation's advisors
STEERING = frozenset({Role.ADMIN, ADVISOR})
#: the steering roles and the director / board: they read the organisation's figures and
#: results and set its goals
LEADERSHIP = STEERING | {Role.DIRECTOR}
#: the director / board alone: they approve what the organisation commits to (the vision)
BOARD = frozenset({Role.DIRECTOR})
#: the steering roles and the managers: they change team learning plans (a manager only
#: those of their own teams, decided in leerkoers.ownership.visibility)
MANAGING = STEERING | {Role.MANAGER}
#: the leadership and the managers: they read the organisation's ownership indicators (step 4)
LEADERSHIP_AND_MANAGERS = LEADERSHIP | {Role.MANAGER}
#: HR / L&D alone: the organisation's data as a whole (export everything, delete the organisation)
ADMINS = frozenset({Role.ADMIN})

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class RoleRule:
    """Who may read (safe methods) and who may write (unsafe methods) through one view."""

    read: frozenset
    write: frozenset

    def roles_for(self, method: str) -> frozenset:
        return self.write if method in UNSAFE_METHODS else self.read


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


def org_view(
    roles: Iterable[str] | None = None, *, read: Iterable[str] | None = None, write: Iterable[str] | None = None
) -> Callable:
    """Decorate a view under /o/<org_slug>/: log-in required, access resolved first.

    `org_view(STEERING)` gives every method to one rule; `org_view(read=EVERYONE,
    write=LEADERSHIP)` lets the roles of `read` see the page and only those of `write` send
    it (POST, PUT, PATCH, DELETE). A view without a rule is refused at import time. The
    view is called as `view(request, access, **kwargs)`; `request.access` is set too so that
    templates (navigation) can use it.
    """
    if roles is not None:
        if read is not None or write is not None:
            raise TypeError("org_view takes one rule, or read= and write=, not both")
        read = write = roles
    if read is None or write is None:
        raise TypeError("org_view needs its role rule: org_view(RULE) or org_view(read=RULE, write=RULE)")
    rule = RoleRule(read=frozenset(read), write=frozenset(write))

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request, org_slug: str, *args, **kwargs):
            access = resolve_access(request, org_slug, rule.roles_for(request.method))
            request.access = access
            return view(request, access, *args, **kwargs)

        wrapped.org_view = True
        wrapped.role_rule = rule
        return wrapped

    return decorator


def api_access(request, org_slug: str, roles: Iterable[str], *, write: bool = False) -> Access:
    """First line of every organisation API operation; see resolve_access.

    The authentication step (leerkoers.api) has already resolved the organisation of the
    path; this adds the operation's own requirements: the role rule it needs, and whether
    it writes. It lives here, not beside the routers, so that each app's api.py depends on
    the access mechanism only and not on the module that mounts it.
    """
    access = getattr(request, "org_access", None)
    if access is None or access.organization.slug != org_slug:
        return resolve_access(request, org_slug, roles, write=write)
    access.require(roles)
    if write and not access.can_write:
        raise PermissionDenied
    return access


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
