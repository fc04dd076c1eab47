import pytest
from django.urls import reverse

from leerkoers.audit.models import AuditEvent
from leerkoers.orgs.models import ApiToken, hash_token

TOKENS = reverse("orgs:api_tokens", args=["demo"])


def test_it_shows_a_new_token_once_and_keeps_only_its_hash(admin_client, org):
    response = admin_client.post(TOKENS, {"name": "AFAS koppeling", "can_write": "on"})
    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw.startswith("lk_") and raw in response.content.decode()
    token = ApiToken.objects.get(organization=org, name="AFAS koppeling")
    assert token.token_hash == hash_token(raw) and token.can_write
    assert not ApiToken.objects.filter(token_hash=raw).exists()
    # Shown once: the list afterwards has only its first characters.
    page = admin_client.get(TOKENS).content.decode()
    assert "AFAS koppeling" in page and raw[:10] in page and raw not in page
    assert AuditEvent.objects.filter(organization=org, action="api_token.create").exists()


def test_it_creates_read_only_tokens_unless_asked(admin_client, org):
    admin_client.post(TOKENS, {"name": "Rapportage"})
    assert ApiToken.objects.get(organization=org, name="Rapportage").can_write is False


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "This field is required."), ("   ", "This field is required."), ("x" * 101, "at most 100 characters")],
)
def test_it_explains_a_bad_token_name(admin_client, org, name, message):
    count = ApiToken.objects.count()
    response = admin_client.post(TOKENS, {"name": name})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ApiToken.objects.count() == count


def test_it_revokes_a_token(admin_client, org):
    token = ApiToken.objects.get(organization=org, name="LMS (demo)")
    response = admin_client.post(reverse("orgs:api_token_revoke", args=["demo", token.public_id]), follow=True)
    assert "Token LMS (demo) revoked." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(organization=org, action="api_token.revoke").exists()


def test_it_answers_an_unknown_token_with_not_found(admin_client):
    url = reverse("orgs:api_token_revoke", args=["demo", "00000000-0000-0000-0000-000000000000"])
    assert admin_client.post(url).status_code == 404


@pytest.mark.parametrize("cast", ["director_client", "manager_client", "employee_client"])
def test_it_refuses_tokens_to_other_roles(request, db, cast):
    client = request.getfixturevalue(cast)
    assert client.get(TOKENS).status_code == 403
    assert client.post(TOKENS, {"name": "x"}).status_code == 403
