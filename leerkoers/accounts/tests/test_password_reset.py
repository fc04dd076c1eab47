import re

import pytest
from django.urls import reverse

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


def test_it_ends_the_throttling_of_this_client_when_the_password_is_reset(client, admin_user, mailoutbox, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post(reverse("accounts:login"), {"email": admin_user.email, "password": "wrong"})
    client.post(RESET, {"email": admin_user.email})
    _set_new_password(client, _reset_link(mailoutbox[0]))
    response = client.post(reverse("accounts:login"), {"email": admin_user.email, "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_it_sends_a_few_reset_e_mails_to_one_address_and_answers_the_same_after(client, admin_user, mailoutbox):
    # 26 requests in a minute from 26 client addresses: only PASSWORD_RESET_ADDRESS_LIMIT (3) mails.
    answers = {
        client.post(RESET, {"email": admin_user.email}, REMOTE_ADDR=f"203.0.113.{n}")["Location"] for n in range(26)
    }
    assert answers == {reverse("accounts:password_reset_done")}
    assert len(mailoutbox) == 3


def test_it_refuses_a_client_asking_too_many_resets(client, db, mailoutbox, settings):
    settings.PASSWORD_RESET_CLIENT_LIMIT = 10
    for n in range(12):
        User.objects.create_user(email=f"reset{n}@demo.example", password=NEW_PASSWORD)
    answers = [client.post(RESET, {"email": f"reset{n}@demo.example"}).status_code for n in range(12)]
    assert answers == [302] * 10 + [429] * 2
    assert len(mailoutbox) == 10
    response = client.post(RESET, {"email": "reset0@demo.example"})
    assert "Too many requests from your address" in response.content.decode()
    # Another client is served.
    assert client.post(RESET, {"email": "reset11@demo.example"}, REMOTE_ADDR="198.51.100.9").status_code == 302
    assert len(mailoutbox) == 11


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
