"""The shared cast for every test: the `demo` organisation (seeded small, once per session)
with its admin, director, manager and employee, an advisor, and an outsider who is the
admin of another organisation and should have no access to `demo`.

Every test client (`client` and the cast's `*_client`) asks for English with an
Accept-Language header, so tests assert the English source strings whatever the .po files
say; a test of the Dutch UI asks for it: `client.get(url, headers={"accept-language": "nl"})`.
"""

import pytest
from django.core.management import call_command
from django.test import Client

from leerkoers.accounts.models import User
from leerkoers.orgs.models import Organization


def pytest_configure(config):
    # A fast hasher for the suite: the real one (PBKDF2, ~0.2 s a check) would make every
    # log-in and seeded account cost that much on a 2-core machine. PBKDF2 stays accepted.
    from django.conf import settings

    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", "--small", verbosity=0)


@pytest.fixture
def seed_demo(transactional_db):
    """For transactional tests (live server, threads): they start from an empty database."""
    call_command("seed_demo", "--small", verbosity=0)


@pytest.fixture
def org(db):
    return Organization.objects.get(slug="demo")


@pytest.fixture
def other_org(db):
    return Organization.objects.get(slug="demo-other")


def _user(email):
    return User.objects.get(email=email)


@pytest.fixture
def admin_user(db):
    return _user("admin@demo.example")


@pytest.fixture
def director_user(db):
    return _user("director@demo.example")


@pytest.fixture
def manager_user(db):
    return _user("manager@demo.example")


@pytest.fixture
def employee_user(db):
    return _user("employee@demo.example")


@pytest.fixture
def advisor_user(db):
    return _user("advisor@demo.example")


@pytest.fixture
def outsider(db):
    """Admin of another organisation: should have no access to `demo`."""
    return _user("admin@other.example")


def _english_client(**kwargs) -> Client:
    return Client(headers={"accept-language": "en"}, **kwargs)


@pytest.fixture
def client():
    """pytest-django's `client`, asking for English (see the module docstring)."""
    return _english_client()


def _client_for(user):
    client = _english_client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(admin_user):
    return _client_for(admin_user)


@pytest.fixture
def director_client(director_user):
    return _client_for(director_user)


@pytest.fixture
def manager_client(manager_user):
    return _client_for(manager_user)


@pytest.fixture
def employee_client(employee_user):
    return _client_for(employee_user)


@pytest.fixture
def advisor_client(advisor_user):
    return _client_for(advisor_user)


@pytest.fixture
def outsider_client(outsider):
    return _client_for(outsider)
