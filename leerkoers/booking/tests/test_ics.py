"""ICS invitations: times right across DST, stable UID, SEQUENCE, CANCEL; two parsers agree."""

from datetime import UTC, datetime

import icalendar
import pytest
import vobject

from leerkoers.booking import ics, services
from leerkoers.booking.tests.conftest import AMS, book, visitor

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def parse_both(data: bytes):
    cal = icalendar.Calendar.from_ical(data)
    event = next(iter(cal.walk("VEVENT")))
    v = vobject.readOne(data.decode())
    return cal, event, v


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        (datetime(2027, 3, 26, 10, 0, tzinfo=AMS), datetime(2027, 3, 26, 9, 0, tzinfo=UTC)),  # CET, +01
        (datetime(2027, 3, 29, 10, 0, tzinfo=AMS), datetime(2027, 3, 29, 8, 0, tzinfo=UTC)),  # CEST, +02
        (datetime(2027, 10, 29, 10, 0, tzinfo=AMS), datetime(2027, 10, 29, 8, 0, tzinfo=UTC)),  # CEST
        (datetime(2027, 11, 1, 10, 0, tzinfo=AMS), datetime(2027, 11, 1, 9, 0, tzinfo=UTC)),  # CET
    ],
)
def test_it_writes_the_right_instant_on_both_sides_of_a_dst_change(profile, local, utc):
    booking = book(profile, local, now=NOW, length=60)
    cal, event, v = parse_both(ics.invitation(booking, now=NOW))
    assert event.decoded("dtstart") == utc
    assert event.decoded("dtend") == utc.replace(hour=utc.hour + 1)
    assert v.vevent.dtstart.value == utc
    assert v.vevent.dtstart.value.astimezone(AMS).hour == 10


def test_it_sends_a_request_with_organizer_attendee_and_stable_uid(profile):
    booking = book(profile, datetime(2027, 3, 29, 10, 0, tzinfo=AMS), now=NOW, visitor=visitor(name="Piet Klant"))
    cal, event, v = parse_both(ics.invitation(booking, now=NOW, manage_url="https://x.example/m/"))
    assert cal["method"] == "REQUEST"
    assert str(event["uid"]) == f"{booking.uuid}@leerkoers"
    assert event["sequence"] == 0
    assert str(event["organizer"]) == f"mailto:{profile.advisor.email}"
    assert str(event["attendee"]) == "mailto:vera@example.com"
    assert event["attendee"].params["CN"] == "Piet Klant"
    assert v.method.value == "REQUEST"
    assert v.vevent.uid.value == str(event["uid"])
    assert v.vevent.organizer.value == f"mailto:{profile.advisor.email}"
    assert "https://x.example/m/" in v.vevent.description.value


def test_it_raises_the_sequence_on_reschedule_and_cancels_with_the_same_uid(profile):
    booking = book(profile, datetime(2027, 3, 29, 10, 0, tzinfo=AMS), now=NOW)
    moved = services.booking_reschedule(booking=booking, start=datetime(2027, 3, 30, 11, 0, tzinfo=AMS), now=NOW)
    _cal, event, v = parse_both(ics.invitation(moved, now=NOW))
    assert event["sequence"] == 1
    assert event.decoded("dtstart") == datetime(2027, 3, 30, 9, 0, tzinfo=UTC)
    cancelled = services.booking_cancel(booking=moved, now=NOW)
    cal, event2, v2 = parse_both(ics.invitation(cancelled, now=NOW))
    assert cal["method"] == "CANCEL" and v2.method.value == "CANCEL"
    assert str(event2["status"]) == "CANCELLED"
    assert event2["sequence"] == 2
    assert str(event2["uid"]) == str(event["uid"]) == v2.vevent.uid.value


def test_it_serves_the_advisors_feed_without_method_and_both_parsers_read_it(profile, client):
    book(profile, datetime(2027, 3, 29, 10, 0, tzinfo=AMS), now=NOW)
    book(profile, datetime(2027, 3, 30, 10, 0, tzinfo=AMS), now=NOW, visitor=visitor(email="b@example.com"))
    data = ics.feed(profile.advisor, profile.advisor.advisor_bookings.all(), now=NOW)
    cal = icalendar.Calendar.from_ical(data)
    assert "METHOD" not in cal
    assert len(cal.walk("VEVENT")) == 2
    assert len(list(vobject.readOne(data.decode()).vevent_list)) == 2


def test_it_marks_a_held_booking_as_tentative(profile, settings):
    settings.BOOKING_REQUIRE_EMAIL_VERIFICATION = True
    booking = book(profile, datetime(2027, 3, 29, 10, 0, tzinfo=AMS), now=NOW)
    _cal, event, v = parse_both(ics.invitation(booking, now=NOW))
    assert str(event["status"]) == "TENTATIVE" and v.vevent.status.value == "TENTATIVE"
