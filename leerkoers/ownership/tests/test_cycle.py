"""Learning in the HR cycle: calendar per team, learning agenda, onboarding, reminders, ICS."""

import datetime

import pytest
from django.core import mail

from leerkoers.ownership import cycle, services
from leerkoers.ownership.models import Conversation, ConversationKind, Pop
from leerkoers.ownership.tests.conftest import client_for

TODAY = datetime.date(2026, 3, 10)


def test_reminders_are_due_from_the_days_before_until_the_day():
    planned = datetime.date(2026, 3, 17)
    assert not cycle.reminder_due(planned, datetime.date(2026, 3, 9), 7)
    assert cycle.reminder_due(planned, datetime.date(2026, 3, 10), 7)
    assert cycle.reminder_due(planned, planned, 7)
    assert not cycle.reminder_due(planned, datetime.date(2026, 3, 18), 7)


def test_onboarding_falls_after_a_week_a_month_and_three_months():
    assert [day for _kind, day in cycle.onboarding_dates(datetime.date(2026, 1, 5))] == [
        datetime.date(2026, 1, 12),
        datetime.date(2026, 2, 4),
        datetime.date(2026, 4, 6),
    ]


def test_the_calendar_file_is_valid_icalendar():
    text = cycle.ics(
        [("a@leerkoers", datetime.date(2026, 3, 17), "Voortgang: Sven, Bakker")],
        name="Gesprekken",
        stamp=datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC),
    )
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert "DTSTART;VALUE=DATE:20260317\r\nDTEND;VALUE=DATE:20260318\r\n" in text
    assert "SUMMARY:Voortgang: Sven\\, Bakker\r\n" in text
    assert text.endswith("END:VCALENDAR\r\n")


@pytest.fixture
def coming(org, employee_member):
    return services.conversation_plan(
        organization=org, member=employee_member, kind=ConversationKind.PROGRESS, planned_on=TODAY, actor=None
    )


def test_a_reminder_goes_to_the_manager_once(coming, manager_user, settings):
    settings.CONVERSATION_REMINDER_DAYS = 5
    mail.outbox.clear()
    assert services.reminders_send(today=TODAY - datetime.timedelta(days=6)) == 0
    sent = services.reminders_send(today=TODAY - datetime.timedelta(days=5))
    assert sent >= 1
    mine = [m for m in mail.outbox if m.to == [manager_user.email]]
    assert len(mine) == 1 and "Sven Bakker" in mine[0].subject
    mail.outbox.clear()
    services.reminders_send(today=TODAY - datetime.timedelta(days=4))
    assert not [m for m in mail.outbox if m.to == [manager_user.email] and "Sven Bakker" in m.subject]


def test_the_manager_sees_the_agenda_with_the_shared_pop_and_records_the_follow_up(manager_client, coming, org):
    url = f"/o/demo/ownership/cycle/{coming.public_id}/"
    page = manager_client.get(url).content.decode()
    assert "What have you learned since the last conversation" in page
    pop = Pop.objects.get(organization=org, member=coming.member)
    assert str(pop.public_id) in page
    response = manager_client.post(url, {"held_on": TODAY.isoformat(), "follow_up": "Cursus gespreksvoering in mei"})
    assert response.status_code == 302
    coming.refresh_from_db()
    assert (coming.held_on, coming.follow_up) == (TODAY, "Cursus gespreksvoering in mei")


def test_a_conversation_cannot_be_held_in_the_future(manager_client, coming):
    url = f"/o/demo/ownership/cycle/{coming.public_id}/"
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = manager_client.post(url, {"held_on": future}, follow=True)
    assert "A conversation cannot be held in the future." in response.content.decode()


def test_the_member_reads_but_does_not_record_their_conversation(employee_client, coming):
    url = f"/o/demo/ownership/cycle/{coming.public_id}/"
    assert employee_client.get(url).status_code == 200
    assert employee_client.post(url, {"held_on": TODAY.isoformat()}).status_code == 403


@pytest.mark.parametrize("who", ["other_manager", "colleague", "director_user", "outsider"])
def test_others_do_not_see_the_conversation(request, coming, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"/o/demo/ownership/cycle/{coming.public_id}/").status_code == 404
    listed = client.get("/api/v1/orgs/demo/ownership/conversations")
    assert listed.status_code == 404 if who == "outsider" else str(coming.public_id) not in listed.content.decode()


def test_onboarding_plans_three_conversations_and_a_starter_pop(manager_client, colleague, org):
    member = colleague.memberships.get()
    response = manager_client.post("/o/demo/ownership/cycle/onboarding/", {"member": member.pk, "start": "2026-01-05"})
    assert response.status_code == 302
    kinds = list(Conversation.objects.filter(member=member).order_by("planned_on").values_list("kind", flat=True))
    assert kinds == ["onboarding_week", "onboarding_month", "onboarding_quarter"]
    pop = Pop.objects.get(member=member, year=2026)
    assert pop.status == "draft" and pop.goals.count() == len(cycle.STARTER_GOALS)
    assert Conversation.objects.filter(member=member).first().manager.user.email == "manager@demo.example"


def test_a_manager_plans_only_with_members_of_their_teams(manager_client, other_manager, org):
    zuid_member = other_manager.memberships.get()
    response = manager_client.post(
        "/o/demo/ownership/cycle/", {"member": zuid_member.pk, "kind": "planning", "planned_on": "2026-05-01"}
    )
    assert response.status_code == 403
    api = manager_client.post(
        "/api/v1/orgs/demo/ownership/conversations",
        {"member_id": zuid_member.pk, "kind": "planning", "planned_on": "2026-05-01"},
        content_type="application/json",
    )
    assert api.status_code == 422
    assert not Conversation.objects.filter(member=zuid_member, planned_on="2026-05-01").exists()


def test_the_calendar_file_lists_the_managers_coming_conversations(manager_client, coming):
    response = manager_client.get("/o/demo/ownership/cycle/conversations.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert f"UID:{coming.public_id}@leerkoers" in response.content.decode()


def test_the_calendar_page_answers_within_a_fixed_number_of_queries(
    admin_client, manager_client, django_assert_max_num_queries
):
    for client in (admin_client, manager_client):
        with django_assert_max_num_queries(16):
            assert client.get("/o/demo/ownership/cycle/").status_code == 200
