"""The booking service and the database rule behind it."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from leerkoers.booking import services
from leerkoers.booking.models import Booking
from leerkoers.booking.tests.conftest import AMS, book, visitor

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def test_it_stores_the_session_with_its_buffers_and_the_advisors_day(make_advisor):
    profile = make_advisor(buffer_before=10, buffer_after=20)
    start = datetime(2027, 3, 29, 0, 30, tzinfo=AMS)  # just after midnight: the local day counts
    profile.windows.update(start="00:00")
    booking = book(profile, start, now=NOW, length=60)
    assert booking.blocked_start == start - timedelta(minutes=10)
    assert booking.blocked_end == start + timedelta(minutes=80)
    assert booking.local_date.isoformat() == "2027-03-29"  # 28 March in UTC
    assert booking.start.astimezone(UTC).day == 28


def test_it_refuses_a_session_outside_the_advisors_hours(profile):
    with pytest.raises(services.SlotTaken) as taken:
        book(profile, datetime(2027, 3, 29, 7, 0, tzinfo=AMS), now=NOW)
    assert taken.value.alternatives[0].start == datetime(2027, 3, 29, 8, 0, tzinfo=AMS)


def test_it_refuses_a_start_without_offset(profile):
    with pytest.raises(ValidationError):
        book(profile, datetime(2027, 3, 29, 10, 0), now=NOW)


def test_it_keeps_the_buffer_between_sessions(make_advisor):
    profile = make_advisor(buffer_after=30)
    book(profile, datetime(2027, 3, 29, 10, 0, tzinfo=AMS), now=NOW)
    with pytest.raises(services.SlotTaken):
        book(profile, datetime(2027, 3, 29, 11, 0, tzinfo=AMS), now=NOW, visitor=visitor(email="b@example.com"))
    book(profile, datetime(2027, 3, 29, 11, 30, tzinfo=AMS), now=NOW, visitor=visitor(email="c@example.com"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the exclusion constraint exists on PostgreSQL only")
def test_the_database_itself_refuses_overlapping_active_bookings(profile):
    booking = book(profile, datetime(2027, 3, 29, 10, 0, tzinfo=AMS), now=NOW)
    clone = Booking.objects.get(pk=booking.pk)
    clone.pk = None
    clone.uuid = uuid.uuid4()
    clone.token_salt = "other"
    clone.set_tokens()
    clone.start += timedelta(minutes=15)
    clone.end += timedelta(minutes=15)
    clone.blocked_start += timedelta(minutes=15)
    clone.blocked_end += timedelta(minutes=15)
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()
    clone.status = Booking.Status.CANCELLED
    clone.save()  # a cancelled booking blocks nothing
