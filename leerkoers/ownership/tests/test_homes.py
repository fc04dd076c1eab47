"""The homes of a manager and an employee at /o/<slug>/: what each sees, and does not see,
through the page itself; the queries do not grow with the organisation."""

import datetime
import itertools

import pytest
from django.utils import timezone

from leerkoers.accounts.models import User
from leerkoers.inventory.models import Activity, Participation, ParticipationStatus
from leerkoers.orgs.models import Membership, Role, Team
from leerkoers.ownership import services
from leerkoers.ownership.models import Conversation, ConversationKind, Pop, TeamPlan
from leerkoers.ownership.tests.conftest import client_for
from leerkoers.pilots import services as pilot_services
from leerkoers.pilots.evaluation import Audience, Level
from leerkoers.pilots.models import Arm, Pilot, PilotTeam
from leerkoers.scan.models import ScanInvitation, ScanRound
from leerkoers.vision.models import VisionInvitation, VisionRound

HOME = "/o/demo/"
_numbers = itertools.count(1)


def _page(client) -> str:
    response = client.get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<main") :]


def _member(org, team, role=Role.EMPLOYEE, name="") -> Membership:
    n = next(_numbers)
    user = User.objects.create(email=f"home{n}@demo.example", full_name=name or f"Home Person {n}")
    return Membership.objects.create(organization=org, user=user, role=role, team=team)


def _shared_pop(member, title="Leren plannen") -> Pop:
    pop = services.pop_create(member=member, year=timezone.localdate().year, actor=None)
    services.pop_goal_add(pop=pop, by=member, title=title, actor=None)
    return services.pop_transition(pop=pop, action="share", by=member, actor=None)


def _completed(org, team, activity, person: str, days_ago=30) -> Participation:
    return Participation.objects.create(
        organization=org,
        activity=activity,
        person_key=person,
        team=team,
        status=ParticipationStatus.COMPLETED,
        completion_date=timezone.localdate() - datetime.timedelta(days=days_ago),
        hours=4,
    )


# --- manager ---------------------------------------------------------------------------


def test_the_manager_lands_on_their_teams_plans_requests_and_conversations(manager_client, org, noord):
    page = _page(manager_client)
    plan = TeamPlan.objects.get(organization=org, team=noord, year=timezone.localdate().year)
    assert "Team learning plans" in page and "Wijkteam Noord" in page
    assert f"/o/demo/ownership/plans/{plan.public_id}/" in page
    assert plan.get_status_display() in page
    assert "Sven Bakker" in page  # the demo employee's shared POP waits for agreement
    assert "Progress conversation" in page
    assert "Your teams' learning" in page
    # Not the HR lead's journey.
    assert "Your route to a strategic learning policy" not in page


def test_the_manager_sees_only_their_own_teams_plans(manager_client, org):
    zuid = Team.objects.get(organization=org, name="Wijkteam Zuid")
    plan = TeamPlan.objects.filter(organization=org, team=zuid).first() or services.team_plan_create(
        organization=org, team=zuid, year=timezone.localdate().year, actor=None
    )
    page = _page(manager_client)
    assert "Wijkteam Zuid" not in page
    assert str(plan.public_id) not in page


def test_the_manager_sees_the_teams_below_theirs_with_or_without_a_plan(manager_client, org, noord):
    below = Team.objects.create(organization=org, name="Wijkteam Noord-Oost", parent=noord)
    page = _page(manager_client)
    assert "Wijkteam Noord-Oost" in page and "No plan yet: start one" in page
    services.team_plan_create(organization=org, team=below, year=timezone.localdate().year, actor=None)
    assert "No plan yet: start one" not in _page(manager_client)


def test_the_manager_sees_only_pops_shared_with_them(manager_client, org, noord, employee_member):
    drafted = _member(org, noord, name="Dora Draft")
    services.pop_create(member=drafted, year=timezone.localdate().year, actor=None)  # a private draft
    zuid = Team.objects.get(organization=org, name="Wijkteam Zuid")
    elsewhere = _shared_pop(_member(org, zuid, name="Zeno Zuid"))
    asking = _shared_pop(_member(org, noord, name="Anna Asks"))
    page = _page(manager_client)
    assert "Anna Asks" in page and f"/o/demo/ownership/pops/{asking.public_id}/" in page
    assert "Dora Draft" not in page
    assert "Zeno Zuid" not in page and str(elsewhere.public_id) not in page


def test_an_agreed_pop_leaves_the_managers_requests(manager_client, org, noord, manager_member):
    asking = _shared_pop(_member(org, noord, name="Anna Asks"))
    assert "Anna Asks" in _page(manager_client)
    services.pop_transition(pop=asking, action="agree", by=manager_member, actor=None)
    assert "Anna Asks" not in _page(manager_client)


def test_the_manager_sees_the_coming_conversations_of_their_teams_only(manager_client, org, noord):
    today = timezone.localdate()
    mine = _member(org, noord, name="Nina Noord")
    services.conversation_plan(
        organization=org,
        member=mine,
        kind=ConversationKind.APPRAISAL,
        planned_on=today + datetime.timedelta(days=2),
        actor=None,
    )
    zuid = Team.objects.get(organization=org, name="Wijkteam Zuid")
    other = _member(org, zuid, name="Zeno Zuid")
    services.conversation_plan(
        organization=org,
        member=other,
        kind=ConversationKind.APPRAISAL,
        planned_on=today + datetime.timedelta(days=2),
        actor=None,
    )
    page = _page(manager_client)
    assert "Appraisal conversation" in page and "Nina Noord" in page
    assert "Zeno Zuid" not in page


def test_the_manager_is_told_of_conversations_not_recorded_as_held(manager_client, org, noord):
    member = _member(org, noord)
    Conversation.objects.create(
        organization=org,
        member=member,
        manager=noord.manager,
        kind=ConversationKind.PROGRESS,
        planned_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    assert "planned conversation not recorded as held" in _page(manager_client) or (
        "planned conversations not recorded as held" in _page(manager_client)
    )


@pytest.fixture
def nothing_learned(org):
    """The demo's own participations out of the way: these tests count every one."""
    Participation.objects.filter(organization=org).delete()


@pytest.mark.usefixtures("nothing_learned")
def test_what_the_team_learned_is_hidden_below_five_people(manager_client, org, noord):
    activity = Activity.objects.create(organization=org, title="Gespreksvaardigheden")
    for n in range(4):
        _completed(org, noord, activity, f"p{n}@demo.example")
    page = _page(manager_client)
    assert "Gespreksvaardigheden" not in page
    assert "Shown once at least five people in your teams completed an activity" in page


@pytest.mark.usefixtures("nothing_learned")
def test_what_the_team_learned_shows_activities_of_five_or_more_and_hides_the_rest(manager_client, org, noord):
    popular = Activity.objects.create(organization=org, title="Gespreksvaardigheden")
    rare = Activity.objects.create(organization=org, title="Zeldzame cursus")
    also = Activity.objects.create(organization=org, title="Tweede cursus")
    for n in range(7):
        _completed(org, noord, popular, f"p{n}@demo.example")
    for n in range(6):
        _completed(org, noord, also, f"q{n}@demo.example")
    _completed(org, noord, rare, "p0@demo.example")
    old = Activity.objects.create(organization=org, title="Oude cursus")
    for n in range(6):
        _completed(org, noord, old, f"r{n}@demo.example", days_ago=400)  # older than a year
    zuid = Team.objects.get(organization=org, name="Wijkteam Zuid")
    theirs = Activity.objects.create(organization=org, title="Cursus van Zuid")
    for n in range(6):
        _completed(org, zuid, theirs, f"z{n}@demo.example")
    page = _page(manager_client)
    learned = page[page.index('id="home-learned"') : page.index('id="home-own"')]
    assert "Gespreksvaardigheden" in learned and "7 people" in learned
    # One person in the rare course: not named; the complementary rule then hides the
    # smallest other activity too, so that the rare one cannot be worked out from the total.
    assert "Zeldzame cursus" not in learned
    assert "Tweede cursus" not in learned
    assert "2 more activities, not listed so that nobody is singled out." in learned
    assert "Oude cursus" not in learned and "Cursus van Zuid" not in learned
    assert ">13<" in learned  # distinct people: 7 + 6 (p0 counted once)
    assert ">14<" in learned  # completions: 7 + 6 + 1


def test_the_managers_home_shows_no_organisation_figures_or_hr_actions(manager_client):
    page = _page(manager_client)
    for hidden in (
        "Overall score",
        "Add goals and results to the activities",
        "Import the LMS or HR export",
        "/o/demo/inventory/",
        "/o/demo/policy/",
    ):
        assert hidden not in page


def test_the_managers_home_does_not_grow_in_queries_with_the_organisation(
    manager_client, org, noord, django_assert_num_queries, django_assert_max_num_queries
):
    # Pinned: 23 on this home, whatever the number of teams, members, POPs, conversations
    # and participations (the lists are capped at 25 rows).
    with django_assert_max_num_queries(23):
        manager_client.get(HOME)
    activity = Activity.objects.create(organization=org, title="Gespreksvaardigheden")
    today = timezone.localdate()
    for n in range(30):
        team = Team.objects.create(organization=org, name=f"Subteam {n}", parent=noord)
        member = _member(org, team)
        _shared_pop(member)
        services.conversation_plan(
            organization=org,
            member=member,
            kind=ConversationKind.PROGRESS,
            planned_on=today + datetime.timedelta(days=n + 1),
            actor=None,
        )
        _completed(org, team, activity, member.user.email)
        if n % 2:
            services.team_plan_create(organization=org, team=team, year=today.year, actor=None)
    with django_assert_max_num_queries(23):
        page = _page(manager_client)
    assert "All 31 teams" in page and "All 31 plans" in page or "All 32 plans" in page


# --- employee --------------------------------------------------------------------------


def test_the_employee_lands_on_their_pop_and_its_next_step(employee_client, shared_pop):
    page = _page(employee_client)
    assert "Your learning" in page
    assert f"/o/demo/ownership/pops/{shared_pop.public_id}/" in page
    assert "Shared with the manager" in page
    assert "Wait for your manager to agree the plan" in page
    assert "Your route to a strategic learning policy" not in page


def test_the_employee_sees_the_agreed_activities_and_what_to_do_next(employee_client, shared_pop, manager_member):
    titles = [str(entry) for entry in shared_pop.activities.all()]
    assert titles  # seeded with an activity of the inventory
    page = _page(employee_client)
    assert "No activities agreed with your manager yet." in page
    services.pop_transition(pop=shared_pop, action="agree", by=manager_member, actor=None)
    page = _page(employee_client)
    agreed = page[page.index("Agreed activities") :]
    assert all(title in agreed for title in titles)
    assert "Start the plan" in page


def test_the_employee_sees_the_managers_comment_when_sent_back(employee_client, shared_pop, manager_member):
    services.pop_transition(
        pop=shared_pop, action="send_back", by=manager_member, comment="Maak het concreter.", actor=None
    )
    page = _page(employee_client)
    assert "Maak het concreter." in page
    assert "Change the plan as your manager asked and share it again" in page


def test_the_employee_without_a_pop_is_invited_to_start_one(org, noord):
    client = client_for(_member(org, noord).user)
    page = _page(client)
    assert "You have no personal development plan yet." in page
    assert "/o/demo/ownership/pops/" in page


def test_the_employee_sees_their_own_pop_only(employee_client, org, noord, shared_pop):
    colleague = _shared_pop(_member(org, noord, name="Cor Collega"))
    page = _page(employee_client)
    assert "Cor Collega" not in page and str(colleague.public_id) not in page


def test_the_employees_home_shows_no_organisation_figures_or_actions_they_cannot_take(employee_client):
    page = _page(employee_client)
    for hidden in (
        "Overall score",
        "Add goals and results to the activities",
        "Import the LMS or HR export",
        "Teams with a current plan",
        "Members with an agreed POP",
        "/o/demo/inventory/",
        "/o/demo/policy/",
    ):
        assert hidden not in page


def test_the_employee_sees_their_open_scan_and_vision_invitations(employee_client, org, employee_member):
    instrument = ScanRound.objects.filter(organization=org).first().instrument
    scan_round = ScanRound.objects.create(organization=org, title="Scan voorjaar", instrument=instrument)
    invitation = ScanInvitation.objects.create(
        organization=org, round=scan_round, membership=employee_member, layer="employees", token_hash="h-scan"
    )
    vision_round = VisionRound.objects.create(
        organization=org, title="Visie herijken", closes_on=timezone.localdate() + datetime.timedelta(days=7)
    )
    VisionInvitation.objects.create(
        organization=org, round=vision_round, membership=employee_member, layer="employees", token_hash="h-vision"
    )
    page = _page(employee_client)
    assert "Readiness scan: Scan voorjaar" in page and "Vision round: Visie herijken" in page
    assert "use the personal link in your e-mail" in page
    invitation.used = True
    invitation.save(update_fields=["used"])
    VisionRound.objects.filter(pk=vision_round.pk).update(status=VisionRound.Status.CLOSED)
    page = _page(employee_client)
    assert "Scan voorjaar" not in page and "Visie herijken" not in page


def test_the_employee_is_not_shown_a_colleagues_invitation(employee_client, org, noord):
    instrument = ScanRound.objects.filter(organization=org).first().instrument
    scan_round = ScanRound.objects.create(organization=org, title="Scan voorjaar", instrument=instrument)
    ScanInvitation.objects.create(
        organization=org, round=scan_round, membership=_member(org, noord), layer="employees", token_hash="h-other"
    )
    assert "Scan voorjaar" not in _page(employee_client)


def test_the_employee_of_a_pilot_team_gets_its_open_evaluation_form(employee_client, manager_client, org, noord):
    pilot = Pilot.objects.get(organization=org, status=Pilot.Status.RUNNING)
    assert "Evaluation of the pilot" not in _page(employee_client)
    PilotTeam.objects.create(organization=org, pilot=pilot, team=noord, arm=Arm.PILOT)
    form = pilot_services.evaluation_form_create(
        pilot=pilot, level=Level.REACTION, audience=Audience.PARTICIPANT, invited=10, actor=None
    )
    page = _page(employee_client)
    assert f"Evaluation of the pilot {pilot.title}" in page
    assert f"/pilot/f/{form.token}/" in page
    assert form.token not in _page(manager_client)  # a participants' form, not the managers'


def test_the_employee_of_a_comparison_team_gets_no_evaluation_form(employee_client, org, noord):
    pilot = Pilot.objects.get(organization=org, status=Pilot.Status.RUNNING)
    PilotTeam.objects.create(organization=org, pilot=pilot, team=noord, arm=Arm.COMPARISON)
    form = pilot_services.evaluation_form_create(
        pilot=pilot, level=Level.REACTION, audience=Audience.PARTICIPANT, invited=10, actor=None
    )
    assert form.token not in _page(employee_client)


def test_the_employees_home_does_not_grow_in_queries_with_the_organisation(
    employee_client, org, noord, django_assert_max_num_queries
):
    # Pinned: 15 on this home, whatever the size of the organisation and of the team.
    with django_assert_max_num_queries(15):
        employee_client.get(HOME)
    for _n in range(20):
        _shared_pop(_member(org, noord))
    with django_assert_max_num_queries(15):
        employee_client.get(HOME)


# --- the other roles keep the journey ----------------------------------------------------


@pytest.mark.parametrize("cast", ["admin_client", "director_client", "advisor_client"])
def test_hr_the_board_and_advisors_keep_the_journey(request, db, cast):
    page = _page(request.getfixturevalue(cast))
    assert "Your route to a strategic learning policy" in page
    assert "Plans waiting for your agreement" not in page


def test_the_demo_manager_and_employee_land_on_their_homes_when_they_sign_in(client, db):
    for email, heading in (
        ("manager@demo.example", "Your teams' learning"),
        ("employee@demo.example", "Your learning"),
    ):
        client.logout()
        response = client.post("/accounts/login/", {"email": email, "password": "leerkoers-demo"}, follow=True)
        assert response.request["PATH_INFO"] == HOME
        assert heading in response.content.decode()


def test_the_homes_come_in_dutch(manager_client, employee_client):
    assert (
        "Wacht tot je leidinggevende het plan akkoord geeft"
        in employee_client.get(HOME, headers={"accept-language": "nl"}).content.decode()
    )
    assert (
        "Plannen die op je akkoord wachten"
        in manager_client.get(HOME, headers={"accept-language": "nl"}).content.decode()
    )
