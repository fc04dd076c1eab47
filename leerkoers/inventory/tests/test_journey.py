import pytest

from leerkoers.inventory.journey import report
from leerkoers.inventory.models import Activity
from leerkoers.lib import journey

pytestmark = pytest.mark.django_db


def test_it_reports_not_started_without_activities(other_org):
    Activity.objects.filter(organization=other_org).delete()
    assert report(other_org).status == journey.Status.NOT_STARTED


def test_it_reports_in_progress_while_most_activities_lack_a_goal(org):
    Activity.objects.filter(organization=org).update(goal="")
    result = report(org)
    assert result.status == journey.Status.IN_PROGRESS
    assert result.figures[0].value == str(Activity.objects.filter(organization=org).count())


def test_it_reports_done_when_the_inventory_is_substantial_and_goal_driven(org):
    Activity.objects.bulk_create(
        [Activity(organization=org, title=f"Extra {i}", natural_key=str(i), goal="Doel") for i in range(12)]
    )
    Activity.objects.filter(organization=org).update(goal="Een doel", participation_count=3)
    assert report(org).status == journey.Status.DONE


def test_the_journey_page_shows_the_step(admin_client):
    response = admin_client.get("/o/demo/")
    assert response.status_code == 200
    assert "/o/demo/inventory/" in response.content.decode()
