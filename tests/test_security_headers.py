"""The Content-Security-Policy on every page, and no caching of signed-in pages."""

import re
import uuid
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "leerkoers").glob("**/templates/**/*.html"))
PAGES = ["/accounts/password-reset/", "/scan/", "/sessie/", "/o/demo/", "/o/demo/inventory/", "/o/demo/alignment/"]


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split(" ", 1)[1] for part in header.split("; ")}


@pytest.mark.parametrize("path", PAGES)
def test_it_sends_a_strict_policy_with_every_page(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]


def test_it_sends_the_policy_with_api_answers_and_the_api_documentation(admin_client):
    assert _policy(admin_client.get("/api/v1/docs"))["script-src"] == "'self'"


def test_it_marks_signed_in_pages_private_and_not_to_be_stored(admin_client):
    for path in ["/o/demo/", "/o/demo/members/", "/api/v1/orgs/demo/", "/scan/"]:
        assert admin_client.get(path)["Cache-Control"] == "private, no-store", path


def test_it_marks_api_answers_to_a_bearer_token_private(client, org, admin_user):
    from leerkoers.orgs.services import api_token_create

    raw = api_token_create(organization=org, name="script", can_write=False, created_by=admin_user)[1]
    response = client.get("/api/v1/orgs/demo/", headers={"authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_it_marks_a_private_link_page_not_to_be_stored_without_a_session(client, org, admin_user):
    from leerkoers.scan.services import round_open

    link = round_open(organization=org, title="Najaar", actor=admin_user).links.first()
    response = client.get(f"/scan/r/{link.token}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def _private_link_patterns(resolver=None, prefix=""):
    from django.urls import URLPattern, get_resolver

    from leerkoers.accounts.middleware import PRIVATE_LINK_PARAMETERS

    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLPattern):
            if not PRIVATE_LINK_PARAMETERS.isdisjoint(entry.pattern.converters) and "org_slug" not in route:
                yield route
        else:
            yield from _private_link_patterns(entry, route)


def test_every_private_link_url_is_marked_not_to_be_stored(client, db):
    routes = list(_private_link_patterns())
    # The scan's, the booking's, the vision's and the pilots' links at least.
    assert {"scan/", "sessie/", "visie/", "pilot/"} <= {route.split("/")[0] + "/" for route in routes}
    for route in routes:
        path = "/" + route.replace("<str:token>", "not-a-real-link").replace("<uuid:response_id>", str(uuid.uuid4()))
        path = path.replace("<id:advisor_id>", "1").replace("<uidb64>", "MQ")
        response = client.get(path)
        assert response["Cache-Control"] == "private, no-store", (route, response.status_code)


def test_it_leaves_public_pages_cacheable_as_before(client, db):
    assert "no-store" not in client.get("/accounts/login/").get("Cache-Control", "")
    assert "no-store" not in client.get("/scan/").get("Cache-Control", "")


def test_it_leaves_static_files_alone(admin_client):
    # WhiteNoise answers static files before the page middleware; even signed in, the
    # stylesheet keeps its long public cache and carries no page policy.
    response = admin_client.get(reverse("landing"))  # the session is signed in
    assert response.status_code in (200, 302)
    from django.templatetags.static import static

    asset = admin_client.get(static("css/leerkoers.css"))
    assert asset.status_code == 200
    assert "no-store" not in asset.get("Cache-Control", "")
    assert "Content-Security-Policy" not in asset
    assert finders.find("js/leerkoers.js")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.I)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_it_keeps_templates_free_of_what_the_policy_refuses(path):
    text = path.read_text()
    found = [
        what
        for what, pattern in [
            ("inline <script>", INLINE_SCRIPT),
            ("on…= handler", HANDLER),
            ('style="" attribute', STYLE_ATTRIBUTE),
        ]
        if pattern.search(text)
    ]
    assert 'href="javascript:' not in text
    assert not found, f"{path.name}: {found} (move it into a static file)"
