"""The isolation test: no member of another organisation reaches `demo`'s data.

It enumerates every URL pattern under /o/<org_slug>/ and every API operation under
/api/v1/orgs/{org_slug}/ and calls each with every method it accepts, as the admin of
`demo-other`:

1. on `demo`'s own address — the answer must be 404 (or 403);
2. on `demo-other`'s address but with the ids of `demo`'s objects — the answer must be
   404 (or 403): lookups must filter by the organisation;
3. for the API, also with a read-write API token of `demo-other`.

Nothing in the database may change. New patterns are picked up by themselves.

Path parameters are filled by naming convention: `<x>_id` names the model `X` (e.g.
`activity_id` → Activity, `api_token_id` → ApiToken); its first row in `demo` gives the
value: its pk, or its UUID field when the page's converter is uuid or an API parameter is
named `<x>_uuid`. Other parameters need an entry in
EXTRA_VALUES below. The seeded demo data must contain at least one row of each model.
"""

import hashlib
import re
import uuid

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from leerkoers.api import api
from leerkoers.orgs.models import Organization
from leerkoers.orgs.services import api_token_create

ALLOWED = {403, 404}
METHODS = ["get", "post", "put", "patch", "delete"]
ORG_PREFIX = "o/<slug:org_slug>/"
EXTRA_VALUES: dict[str, str] = {}


def _model_for(param: str):
    name = param.removesuffix("_id").removesuffix("_uuid").replace("_", "")
    for model in apps.get_models():
        if model.__name__.lower() == name and any(f.name == "organization" for f in model._meta.fields):
            return model
    return None


def _value_for(param: str, converter: str, org: Organization) -> str:
    if param in EXTRA_VALUES:
        return EXTRA_VALUES[param]
    model = _model_for(param)
    assert model is not None, f"No organisation-owned model matches the URL parameter {param!r}"
    obj = model.objects.filter(organization=org).order_by("pk").first()
    assert obj is not None, f"seed_demo --small makes no {model.__name__} in demo; the test needs one"
    if converter == "uuid" and not isinstance(obj.pk, uuid.UUID):
        uuid_fields = [f.name for f in model._meta.fields if f.get_internal_type() == "UUIDField"]
        assert uuid_fields, f"{model.__name__} has no UUID for parameter {param!r}"
        return str(getattr(obj, uuid_fields[0]))
    return str(obj.pk)


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


PARAM = re.compile(r"<(?:(?P<conv>[a-z]+):)?(?P<name>\w+)>")


def org_page_routes():
    routes = []
    for route, _pattern in _walk(get_resolver().url_patterns):
        if route.startswith(ORG_PREFIX):
            routes.append(route)
    return sorted(set(routes))


def api_operations():
    ops = []
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            if not path.startswith("/orgs/{org_slug}"):
                continue
            for operation in path_view.operations:
                for method in operation.methods:
                    ops.append((method.lower(), path))
    return sorted(set(ops))


def _fill_route(route: str, org_slug: str, objects_org: Organization) -> str:
    def sub(match):
        name, conv = match.group("name"), match.group("conv") or "str"
        if name == "org_slug":
            return org_slug
        return _value_for(name, conv, objects_org)

    return "/" + PARAM.sub(sub, route)


def _fill_api_path(path: str, org_slug: str, objects_org: Organization) -> str:
    def sub(match):
        name = match.group(1)
        if name == "org_slug":
            return org_slug
        return _value_for(name, "uuid" if name.endswith("_uuid") else "str", objects_org)

    return "/api/v1" + re.sub(r"\{(\w+)\}", sub, path)


def _snapshot() -> str:
    digest = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if model._meta.label in {"sessions.Session", "audit.AuditEvent"} or model._meta.proxy:
            continue
        # Bookkeeping of the caller's own credentials is not a change to anyone's data.
        fields = [f.attname for f in model._meta.concrete_fields if f.name not in {"last_used", "last_login"}]
        rows = model.objects.order_by("pk").values_list(*fields)
        digest.update(model._meta.label.encode())
        for row in rows.iterator():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def _call(client: Client, method: str, url: str, **extra):
    return getattr(client, method)(
        url, data={} if method == "get" else "{}", content_type=None if method == "get" else "application/json", **extra
    )


def test_it_finds_the_patterns_it_must_check():
    routes = org_page_routes()
    assert ORG_PREFIX in routes and f"{ORG_PREFIX}members/" in routes
    assert ("get", "/orgs/{org_slug}/teams") in api_operations()


@pytest.mark.django_db
def test_it_refuses_another_organisations_member_on_every_page(outsider_client, org, other_org):
    before = _snapshot()
    failures = []
    for route in org_page_routes():
        for method in METHODS:
            for org_slug, objects_org in (("demo", org), ("demo-other", org)):
                if org_slug == "demo-other" and "<" not in route.removeprefix(ORG_PREFIX):
                    continue  # the outsider's own organisation, with no object of demo in it
                url = _fill_route(route, org_slug, objects_org)
                response = _call(outsider_client, method, url)
                # In the outsider's own organisation, 405 means the pattern does not take
                # this method at all; on demo's address the access check must come first.
                allowed = ALLOWED | {405} if org_slug == "demo-other" else ALLOWED
                if response.status_code not in allowed:
                    failures.append(f"{method.upper()} {url} → {response.status_code}")
    assert not failures, "\n".join(failures)
    assert _snapshot() == before, "a refused request changed data"


@pytest.mark.django_db
def test_it_refuses_another_organisation_on_every_api_operation(outsider_client, outsider, org, other_org):
    _token, raw = api_token_create(organization=other_org, name="outsider", can_write=True, created_by=outsider)
    token_client = Client(headers={"Authorization": f"Bearer {raw}"})
    before = _snapshot()
    failures = []
    for method, path in api_operations():
        for org_slug in ("demo", "demo-other"):
            if org_slug == "demo-other" and path.count("{") == 1:
                continue
            url = _fill_api_path(path, org_slug, org)
            for label, client in (("session", outsider_client), ("token", token_client)):
                response = _call(client, method, url)
                if response.status_code not in ALLOWED:
                    failures.append(
                        f"{label}: {method.upper()} {url} → {response.status_code} {response.content[:120]!r}"
                    )
    assert not failures, "\n".join(failures)
    assert _snapshot() == before, "a refused request changed data"
