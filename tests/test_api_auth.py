"""How callers authenticate to the API: bearer tokens of an organisation, or the session."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from leerkoers.orgs.models import ApiToken, Team
from leerkoers.orgs.services import api_token_create, api_token_revoke

API = "/api/v1/orgs/demo"


def _bearer(raw: str) -> Client:
    return Client(headers={"authorization": f"Bearer {raw}", "accept-language": "en"})


@pytest.fixture
def raw_token(org, admin_user):
    return api_token_create(organization=org, name="script", can_write=False, created_by=admin_user)[1]


def test_it_accepts_a_token_of_the_organisation(raw_token):
    response = _bearer(raw_token).get(f"{API}/teams")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Bearer nonsense", "Bearer ", "Basic YWRtaW46eA==", "Token lk_abc", "bearer", "Bearer lk_" + "x" * 5000],
)
def test_it_refuses_a_missing_or_unknown_token_with_401(client, db, header):
    response = client.get(f"{API}/teams", headers={"authorization": header})
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication required: send a valid API token or sign in."}


def test_it_refuses_an_anonymous_caller_with_401(client, db):
    assert client.get(f"{API}/teams").status_code == 401


def test_it_refuses_a_revoked_token_with_401(raw_token, org, admin_user):
    api_token_revoke(token=ApiToken.objects.get(organization=org, name="script"), actor=admin_user)
    assert _bearer(raw_token).get(f"{API}/teams").status_code == 401


def test_it_answers_a_token_of_another_organisation_with_404(other_org, outsider):
    _token, raw = api_token_create(organization=other_org, name="other", can_write=True, created_by=outsider)
    client = _bearer(raw)
    assert client.get(f"{API}/teams").status_code == 404
    assert client.post(f"{API}/teams", {"name": "x"}, content_type="application/json").status_code == 404
    assert client.get("/api/v1/orgs/demo-other/teams").status_code == 200


def test_it_answers_a_missing_organisation_like_another_one(admin_client):
    missing = admin_client.get("/api/v1/orgs/no-such-org/teams")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not found."}


def test_it_prefers_the_token_over_the_session(admin_client, other_org, outsider):
    # A signed-in admin of demo who sends demo-other's token acts as that token.
    _token, raw = api_token_create(organization=other_org, name="other", can_write=False, created_by=outsider)
    response = admin_client.get(f"{API}/teams", headers={"authorization": f"Bearer {raw}"})
    assert response.status_code == 404


def test_it_accepts_a_session_with_its_csrf_token_for_writes(admin_user, org):
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    client.force_login(admin_user)
    client.get("/o/demo/")  # sets the CSRF cookie, as a page does
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        f"{API}/teams", {"name": "Via htmx"}, content_type="application/json", headers={"x-csrftoken": csrf}
    )
    assert response.status_code == 201
    assert Team.objects.filter(organization=org, name="Via htmx").exists()


def test_it_refuses_session_writes_without_the_csrf_token(admin_user, org):
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    client.force_login(admin_user)
    response = client.post(f"{API}/teams", {"name": "Zonder CSRF"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Team.objects.filter(name="Zonder CSRF").exists()
    # Reads need no CSRF token.
    assert client.get(f"{API}/teams").status_code == 200


def test_it_needs_no_csrf_token_with_a_bearer_token(org, admin_user):
    _token, raw = api_token_create(organization=org, name="rw", can_write=True, created_by=admin_user)
    client = Client(enforce_csrf_checks=True, headers={"authorization": f"Bearer {raw}"})
    assert client.post(f"{API}/teams", {"name": "Per script"}, content_type="application/json").status_code == 201


def test_it_records_when_a_token_was_last_used(raw_token, org):
    before = timezone.now()
    _bearer(raw_token).get(f"{API}/")
    assert ApiToken.objects.get(organization=org, name="script").last_used >= before


def test_it_publishes_the_openapi_document_with_the_bearer_scheme(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    paths = document["paths"]
    for path, method in [
        ("/api/v1/orgs/{org_slug}/", "get"),
        ("/api/v1/orgs/{org_slug}/teams", "get"),
        ("/api/v1/orgs/{org_slug}/teams", "post"),
        ("/api/v1/orgs/{org_slug}/teams/{team_id}", "patch"),
        ("/api/v1/orgs/{org_slug}/members", "get"),
    ]:
        assert method in paths[path], (path, method)
        assert paths[path][method]["security"] == [{"BearerOrSession": []}]
    schemes = document["components"]["securitySchemes"]
    assert schemes["BearerOrSession"] == {"type": "http", "scheme": "bearer"}


def test_it_serves_the_api_docs_from_local_assets(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(re.match(r"/static/ninja/swagger-ui-bundle\.(\w+\.)?js$", asset) for asset in assets), assets
    assert all(asset.startswith("/static/") for asset in assets), assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_it_answers_a_body_over_the_size_limit_with_json_413(org, admin_user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    _token, raw = api_token_create(organization=org, name="big", can_write=True, created_by=admin_user)
    body = '{"name": "' + "x" * 5000 + '"}'
    response = _bearer(raw).post(f"{API}/teams", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "The request is too large."}
