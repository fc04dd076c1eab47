"""Bulk start: every team a draft plan and every employee and manager a starter POP, once."""

from leerkoers.jobs.models import Job
from leerkoers.orgs.models import Membership, Role, Team
from leerkoers.ownership import bulk, cycle
from leerkoers.ownership.models import Pop, PopGoal, TeamPlan

YEAR = 2032


def test_it_starts_what_is_missing_as_a_background_job_with_progress(admin_client, org):
    response = admin_client.post("/o/demo/ownership/bulk-start/", {"year": YEAR})
    assert response.status_code == 302
    job = Job.objects.filter(organization=org, kind=bulk.KIND).latest("created")
    assert job.status == Job.Status.DONE  # the tests run tasks immediately
    teams = Team.objects.filter(organization=org, members__isnull=False).distinct().count()
    members = Membership.objects.filter(organization=org, role__in=[Role.EMPLOYEE, Role.MANAGER]).count()
    assert job.result == {"plans": teams, "pops": members}
    assert (job.done, job.total) == (teams + members, teams + members)
    assert TeamPlan.objects.filter(organization=org, year=YEAR).count() == teams
    assert Pop.objects.filter(organization=org, year=YEAR, status="draft").count() == members
    assert PopGoal.objects.filter(organization=org, pop__year=YEAR).count() == members * len(cycle.STARTER_GOALS)
    assert "Starting plans for everyone" in admin_client.get("/o/demo/ownership/").content.decode()


def test_running_it_again_adds_nothing(admin_client, org):
    admin_client.post("/o/demo/ownership/bulk-start/", {"year": YEAR})
    pops = Pop.objects.filter(organization=org, year=YEAR).count()
    counts = bulk.bulk_start(organization=org, year=YEAR, actor=None)
    assert counts == {"plans": 0, "pops": 0}
    assert Pop.objects.filter(organization=org, year=YEAR).count() == pops


def test_it_refuses_a_year_that_is_not_one(admin_client, org):
    response = admin_client.post("/o/demo/ownership/bulk-start/", {"year": "volgend jaar"}, follow=True)
    assert "Enter the year as a number" in response.content.decode()
    assert not Job.objects.filter(organization=org, kind=bulk.KIND).exists()
