import pytest
from django.test import Client

from leerkoers.accounts.models import User
from leerkoers.orgs.models import Membership, Role, Team
from leerkoers.ownership.models import Pop


def client_for(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def noord(org):
    return Team.objects.get(organization=org, name="Wijkteam Noord")


@pytest.fixture
def employee_member(org, employee_user):
    return Membership.objects.get(organization=org, user=employee_user)


@pytest.fixture
def manager_member(org, manager_user):
    return Membership.objects.get(organization=org, user=manager_user)


@pytest.fixture
def other_manager(org):
    """The manager of Wijkteam Zuid: a manager, but not of the demo employee."""
    return Team.objects.get(organization=org, name="Wijkteam Zuid").manager.user


@pytest.fixture
def colleague(org, noord):
    """Another employee of Wijkteam Noord (the demo employee's team)."""
    user = User.objects.create(email="colleague@demo.example", full_name="Cor Collega")
    Membership.objects.create(organization=org, user=user, role=Role.EMPLOYEE, team=noord)
    return user


@pytest.fixture
def shared_pop(org, employee_member):
    """The demo employee's POP of this year, shared with their manager (seeded so)."""
    pop = Pop.objects.get(organization=org, member=employee_member)
    assert pop.status == "shared" and not pop.share_with_hr
    return pop
