from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from leerkoers.accounts.models import User

LOGIN = reverse("accounts:login")
PASSWORD = "Kompas-2026-leren"  # noqa: S105


@pytest.fixture
def person(db, org):
    from leerkoers.orgs.models import Membership

    user = User.objects.create_user(email="lotte@demo.example", password=PASSWORD, full_name="Lotte Dekker")
    Membership.objects.create(organization=org, user=user, role="employee")
    return user


def _login(client, email, password=PASSWORD, *, follow=False, **extra):
    return client.post(LOGIN, {"email": email, "password": password, **extra}, follow=follow)


def test_it_shows_the_login_form(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert b'name="email"' in response.content and b'name="password"' in response.content


def test_it_logs_in_by_email_ignoring_case(client, person):
    response = _login(client, "  Lotte@Demo.EXAMPLE ")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_it_goes_to_the_organisation_after_login(client, person):
    response = _login(client, person.email, follow=True)
    assert response.redirect_chain[-1][0] == "/o/demo/"


def test_it_follows_a_safe_next_address_only(client, person):
    assert _login(client, person.email, next="/o/demo/teams/")["Location"] == "/o/demo/teams/"
    client.logout()
    assert _login(client, person.email, next="https://evil.example/")["Location"] == reverse("landing")


@pytest.mark.parametrize("email", ["lotte@demo.example", "nobody@demo.example"])
def test_it_rejects_a_wrong_password_or_unknown_address_with_the_same_message(client, person, email):
    response = _login(client, email, "wrong-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "The e-mail address or password is not correct." in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "password": ""}, "This field is required."),
        ({"email": "not-an-address", "password": "x"}, "Enter a valid email address."),
        ({"email": "a@b.example" * 40, "password": "x"}, "Enter a valid email address."),
    ],
)
def test_it_explains_bad_input(client, db, data, message):
    response = client.post(LOGIN, data)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_it_locks_the_account_after_too_many_failures(client, person, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        response = _login(client, person.email, "wrong")
    assert "this account is locked" in response.content.decode()
    person.refresh_from_db()
    assert person.is_locked()


def test_it_refuses_the_right_password_while_locked(client, person, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    _login(client, person.email, "wrong")
    _login(client, person.email, "wrong")
    response = _login(client, person.email)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "this account is locked" in response.content.decode()


def test_it_unlocks_after_the_lockout_time(client, person, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    _login(client, person.email, "wrong")
    _login(client, person.email, "wrong")
    # The lockout ran out a moment ago.
    User.objects.filter(pk=person.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    response = _login(client, person.email)
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.failed_logins, person.locked_until) == (0, None)


def test_it_forgets_earlier_failures_after_a_successful_login(client, person, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    _login(client, person.email, "wrong")
    _login(client, person.email, "wrong")
    _login(client, person.email)
    client.logout()
    _login(client, person.email, "wrong")
    person.refresh_from_db()
    assert person.failed_logins == 1 and not person.is_locked()


def test_it_refuses_an_inactive_account(client, person):
    User.objects.filter(pk=person.pk).update(is_active=False)
    response = _login(client, person.email)
    assert "_auth_user_id" not in client.session
    assert "The e-mail address or password is not correct." in response.content.decode()


def test_it_signs_out_on_post_only(admin_client):
    assert admin_client.get(reverse("accounts:logout")).status_code == 405
    response = admin_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in admin_client.session


def test_it_sends_a_visitor_to_the_login_page(client, db):
    response = client.get("/o/demo/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN + "?next=")


def test_it_explains_an_expired_form_in_the_users_language(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True, headers={"accept-language": "nl"})
    response = client.post(LOGIN, {"email": "a@b.example", "password": "x"})
    assert response.status_code == 403
    assert "Het formulier is verlopen" in response.content.decode()


def test_it_sends_someone_already_signed_in_onwards(admin_client):
    assert admin_client.get(LOGIN)["Location"] == reverse("landing")
    assert admin_client.get(LOGIN, {"next": "/o/demo/teams/"})["Location"] == "/o/demo/teams/"


def test_it_answers_a_form_over_the_size_limit_with_a_clear_page(client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(LOGIN, {"email": "a@b.example", "password": "x" * 5000})
    assert response.status_code == 400
    assert "We cannot process this request" in response.content.decode()
