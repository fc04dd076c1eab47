"""A member's secret calendar address: made and stopped on a page, fetched without an account
by a calendar app, showing what the member may see now; only its hash is stored."""

import datetime
import re

import pytest
from django.db.models import Q
from django.test import Client
from icalendar import Calendar

from leerkoers.audit.models import AuditEvent
from leerkoers.orgs.models import hash_token
from leerkoers.ownership import services
from leerkoers.ownership.models import CalendarFeed, Conversation, ConversationKind

PAGE = "/o/demo/ownership/cycle/address/"


@pytest.fixture
def coming(org, employee_member):
    return services.conversation_plan(
        organization=org,
        member=employee_member,
        kind=ConversationKind.PROGRESS,
        planned_on=datetime.date.today() + datetime.timedelta(days=20),
        actor=None,
    )


def _make_address(client) -> str:
    response = client.post(PAGE, {"action": "renew"})
    assert response.status_code == 200
    found = re.search(
        r'data-testid="calendar-address">(http://testserver/agenda/[^<]+\.ics)<', response.content.decode()
    )
    assert found, "the new address is shown"
    return found[1].removeprefix("http://testserver")


def _theirs(membership) -> set[str]:
    """The uids of the conversations not yet held that `membership` takes part in."""
    return {
        f"{c.public_id}@leerkoers"
        for c in Conversation.objects.filter(held_on__isnull=True).filter(Q(manager=membership) | Q(member=membership))
    }


def _events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_a_manager_subscribes_to_their_coming_conversations_without_signing_in(manager_client, manager_member, coming):
    address = _make_address(manager_client)
    response = Client().get(address)
    events = {str(e["uid"]): e for e in _events(response)}
    assert set(events) == _theirs(manager_member) and len(events) > 1
    mine = events[f"{coming.public_id}@leerkoers"]
    assert mine.decoded("dtstart") == coming.planned_on
    # A calendar app sends no language: the feed speaks that of the page it was made on.
    assert str(mine["summary"]) == "Progress conversation: Sven Bakker"
    assert response["Cache-Control"] == "private, no-store"
    # Only the hash is kept: the token in the address is not in the database.
    token = address.removeprefix("/agenda/").removesuffix(".ics")
    feed = CalendarFeed.objects.get(membership=manager_member)
    assert feed.token_hash == hash_token(token) and token not in feed.token_hash
    assert AuditEvent.objects.filter(action="ownership.calendar_feed.renew").count() == 1


def test_an_address_made_on_a_dutch_page_speaks_dutch(manager_user, coming):
    dutch = Client(headers={"accept-language": "nl"})
    dutch.force_login(manager_user)
    events = {str(e["uid"]): e for e in _events(Client().get(_make_address(dutch)))}
    assert str(events[f"{coming.public_id}@leerkoers"]["summary"]) == "Voortgangsgesprek: Sven Bakker"
    assert CalendarFeed.objects.get().language == "nl"


def test_the_employee_finds_their_own_conversations_in_their_feed(employee_client, employee_member, coming):
    uids = {str(e["uid"]) for e in _events(Client().get(_make_address(employee_client)))}
    assert f"{coming.public_id}@leerkoers" in uids and uids == _theirs(employee_member)


def test_hr_reads_every_conversation_but_subscribes_only_to_its_own(admin_client, org, coming):
    assert admin_client.get(f"/o/demo/ownership/cycle/{coming.public_id}/").status_code == 200
    assert _events(Client().get(_make_address(admin_client))) == []


def test_a_new_address_stops_the_old_one_and_stopping_stops_it(manager_client, coming):
    old = _make_address(manager_client)
    new = _make_address(manager_client)
    assert old != new
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    page = manager_client.get(PAGE).content.decode()
    assert "Your address works" in page and "calendar-address" not in page  # shown once only
    response = manager_client.post(PAGE, {"action": "stop"})
    assert response.status_code == 302
    assert Client().get(new).status_code == 404
    assert "You have no address" in manager_client.get(PAGE).content.decode()


def test_the_feed_stops_with_the_account_or_the_membership(manager_client, manager_member, coming):
    address = _make_address(manager_client)
    assert _events(Client().get(address))
    manager_member.user.is_active = False
    manager_member.user.save(update_fields=["is_active"])
    assert Client().get(address).status_code == 404
    manager_member.user.is_active = True
    manager_member.user.save(update_fields=["is_active"])
    manager_member.delete()
    assert Client().get(address).status_code == 404


def test_a_feed_lists_no_conversation_of_someone_else(org, coming, other_manager):
    """Another team's manager does not find the demo manager's report's conversation."""
    other = Client(headers={"accept-language": "en"})
    other.force_login(other_manager)
    uids = {str(e["uid"]) for e in _events(Client().get(_make_address(other)))}
    assert f"{coming.public_id}@leerkoers" not in uids
    assert uids == _theirs(other_manager.memberships.get())


def test_an_unknown_address_is_not_found_and_a_feed_cannot_be_posted_to(client, manager_client, coming):
    assert client.get("/agenda/not-a-token.ics").status_code == 404
    assert client.get("/agenda/.ics").status_code == 404
    assert client.post(_make_address(manager_client)).status_code == 405


def test_an_advisor_has_no_address_and_another_organisations_member_no_page(advisor_client, outsider_client):
    assert advisor_client.get(PAGE).status_code == 403
    assert advisor_client.post(PAGE, {"action": "renew"}).status_code == 403
    assert outsider_client.get(PAGE).status_code == 404
    assert not CalendarFeed.objects.exists()
