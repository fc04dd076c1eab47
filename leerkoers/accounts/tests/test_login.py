import time

import pytest
from django.urls import reverse

from leerkoers.accounts.models import User
from leerkoers.orgs.management.commands.seed_demo import DEMO_PASSWORD
from leerkoers.ratelimit import limiter

LOGIN = reverse("accounts:login")
PASSWORD = "Kompas-2026-leren"  # noqa: S105


@pytest.fixture
def person(db, org):
    from leerkoers.orgs.models import Membership

    user = User.objects.create_user(email="lotte@demo.example", password=PASSWORD, full_name="Lotte Dekker")
    Membership.objects.create(organization=org, user=user, role="employee")
    return user


def _login(client, email, password=PASSWORD, *, follow=False, address="127.0.0.1", **extra):
    return client.post(LOGIN, {"email": email, "password": password, **extra}, follow=follow, REMOTE_ADDR=address)


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


THROTTLED = "Too many failed attempts"


def _fail(client, email, times, address="203.0.113.1"):
    for _ in range(times):
        response = _login(client, email, "wrong", address=address)
    return response


def test_it_gives_unknown_and_existing_addresses_the_same_answers_when_throttled(client, person, settings, monkeypatch):
    settings.LOGIN_FAILURE_LIMIT = 3
    # One clock for both addresses: the wait is counted in minutes to the window's end, and a
    # minute boundary passing between the two would make the answers differ in their number.
    now = int(time.time())
    monkeypatch.setattr(limiter, "_now", lambda: now)
    answers = {}
    for email in (person.email, "nobody@demo.example"):
        failed = _fail(client, email, 3)
        refused = _login(client, email, "wrong", address="203.0.113.1")
        answers[email] = (failed.status_code, failed.context["form"].non_field_errors(), refused.status_code)
        answers[email] += (refused.context["form"].non_field_errors(),)
    assert answers[person.email] == answers["nobody@demo.example"]
    assert answers[person.email][0] == 200 and answers[person.email][2] == 429
    assert THROTTLED in answers[person.email][3][0]


def test_it_refuses_the_right_password_from_a_throttled_client(client, person, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    _fail(client, person.email, 2)
    response = _login(client, person.email, address="203.0.113.1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert THROTTLED in response.content.decode()


def test_it_lets_the_owner_in_from_another_address_while_an_attacker_is_throttled(client, admin_user, settings):
    # Anonymous POSTs from one address must not lock the admin's account for everyone.
    for _ in range(3 * settings.LOGIN_FAILURE_LIMIT):
        _login(client, admin_user.email, "wrong", address="203.0.113.66")
    assert _login(client, admin_user.email, DEMO_PASSWORD, address="203.0.113.66").status_code == 429
    response = _login(client, admin_user.email, DEMO_PASSWORD, address="198.51.100.2")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin_user.pk)


def test_it_refuses_a_client_that_sprays_many_accounts(client, person, settings):
    settings.LOGIN_CLIENT_FAILURE_LIMIT = 20
    answers = [
        _login(client, f"user{n}@demo.example", "Zomer2026!", address="203.0.113.7").status_code for n in range(40)
    ]
    assert answers == [200] * 20 + [429] * 20
    # Even a right password is refused from that address; another address is not affected.
    assert _login(client, person.email, address="203.0.113.7").status_code == 429
    assert _login(client, person.email, address="198.51.100.3").status_code == 302


def test_it_lets_a_throttled_client_try_again_when_the_window_ends(client, person, settings, monkeypatch):
    settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_LOCKOUT_MINUTES = 2, 15
    clock = [1_800_000_000]  # the start of a 15-minute window
    monkeypatch.setattr(limiter, "_now", lambda: clock[0])
    _fail(client, person.email, 2)
    response = _login(client, person.email, address="203.0.113.1")
    assert "Try again in 15 minutes" in response.content.decode()
    clock[0] += 15 * 60
    assert _login(client, person.email, address="203.0.113.1").status_code == 302


def test_it_forgets_earlier_failures_after_a_successful_login(client, person, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    _fail(client, person.email, 2)
    _login(client, person.email, address="203.0.113.1")
    client.logout()
    _fail(client, person.email, 2)
    assert _login(client, person.email, address="203.0.113.1").status_code == 302


def test_it_keeps_e_mail_addresses_out_of_the_counters(client, person):
    from leerkoers.ratelimit.models import RateLimitCounter

    _fail(client, person.email, 1)
    keys = list(RateLimitCounter.objects.values_list("key", flat=True))
    assert len(keys) == 2 and not any("lotte" in key for key in keys)


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
