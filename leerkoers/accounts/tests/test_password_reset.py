import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from leerkoers.accounts.models import User

RESET = reverse("accounts:password_reset")
NEW_PASSWORD = "Nieuwe-koers-2026"  # noqa: S105


def _reset_link(mail) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def _set_new_password(client, link, password=NEW_PASSWORD, again=None):
    # The link redirects once to a URL without the token (Django hides it from referrers).
    form_url = client.get(link)["Location"]
    return client.post(form_url, {"new_password1": password, "new_password2": again or password})


def test_it_resets_a_password_through_the_mailed_link(client, admin_user, mailoutbox):
    response = client.post(RESET, {"email": "Admin@Demo.example"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["admin@demo.example"]

    response = _set_new_password(client, _reset_link(mailoutbox[0]))
    assert response["Location"] == reverse("accounts:password_reset_complete")

    response = client.post(reverse("accounts:login"), {"email": "admin@demo.example", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin_user.pk)


def test_it_ends_a_lockout_when_the_password_is_reset(client, admin_user, mailoutbox):
    User.objects.filter(pk=admin_user.pk).update(failed_logins=2, locked_until=timezone.now() + timedelta(hours=1))
    client.post(RESET, {"email": admin_user.email})
    _set_new_password(client, _reset_link(mailoutbox[0]))
    admin_user.refresh_from_db()
    assert (admin_user.failed_logins, admin_user.locked_until) == (0, None)
    response = client.post(reverse("accounts:login"), {"email": admin_user.email, "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_it_does_not_reveal_whether_an_address_has_an_account(client, db, mailoutbox):
    response = client.post(RESET, {"email": "nobody@demo.example"}, follow=True)
    assert "If an account exists for that address" in response.content.decode()
    assert mailoutbox == []


def test_it_refuses_a_link_twice(client, admin_user, mailoutbox):
    client.post(RESET, {"email": admin_user.email})
    link = _reset_link(mailoutbox[0])
    _set_new_password(client, link)
    response = client.get(link, follow=True)
    assert "This link cannot be used" in response.content.decode()


def test_it_refuses_a_tampered_link(client, db):
    response = client.get("/accounts/reset/MQ/abc-def/", follow=True)
    assert response.status_code == 200
    assert "This link cannot be used" in response.content.decode()


@pytest.mark.parametrize(
    ("password", "again", "message"),
    [
        ("Nieuwe-koers-2026", "Andere-koers-2026", "The two password fields didn’t match."),
        ("12345678", None, "This password is entirely numeric."),
        ("kort", None, "This password is too short."),
    ],
)
def test_it_explains_an_unacceptable_new_password(client, admin_user, mailoutbox, password, again, message):
    client.post(RESET, {"email": admin_user.email})
    response = _set_new_password(client, _reset_link(mailoutbox[0]), password, again)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_it_explains_a_bad_address(client, db):
    response = client.post(RESET, {"email": "not an address"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
