from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from leerkoers.inventory.models import Activity, ActivityTeam
from leerkoers.orgs.models import Team
from leerkoers.orgs.services import api_token_create


@pytest.fixture
def activities(org):
    """Three activities of demo (the inventory's own demo data may or may not be there)."""
    team = Team.objects.get(organization=org, name="Klantenservice")
    made = [
        Activity.objects.create(
            organization=org,
            title="Training klantgesprekken en communicatie",
            cost=Decimal(1200),
            hours_per_participant=Decimal(8),
            participants=10,
            start_date=date(2025, 3, 1),
        ),
        Activity.objects.create(
            organization=org,
            title="BHV herhaling",
            cost=Decimal(800),
            hours_per_participant=Decimal(4),
            participants=20,
            start_date=date(2025, 6, 1),
        ),
        Activity.objects.create(
            organization=org,
            title="Medicatie veilig toedienen",
            cost=Decimal(500),
            hours_per_participant=Decimal(2),
            participants=15,
            start_date=date(2026, 1, 15),
        ),
    ]
    ActivityTeam.objects.create(organization=org, activity=made[0], team=team)
    return made


@pytest.fixture
def other_activity(other_org):
    return Activity.objects.create(organization=other_org, title="Lassen voor gevorderden", cost=Decimal(900))


def _token_client(org, user, can_write):
    _token, raw = api_token_create(organization=org, name="test", can_write=can_write, created_by=user)
    return Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"})


@pytest.fixture
def api(org, admin_user):
    """A read-write API token client of demo."""
    return _token_client(org, admin_user, True)


@pytest.fixture
def read_only_api(org, admin_user):
    return _token_client(org, admin_user, False)
