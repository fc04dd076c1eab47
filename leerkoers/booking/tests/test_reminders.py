"""Reminders: sent by the task once, never for cancelled sessions; the command is idempotent."""

from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from leerkoers.booking import services
from leerkoers.booking.models import Booking
from leerkoers.booking.tasks import send_booking_reminder
from leerkoers.booking.tests.conftest import book, visitor


def _soon(profile, hours: int, email: str) -> Booking:
    profile.windows.update(start="00:00", end="23:30")  # any hour of the day will do
    now = timezone.now()
    start = (now + timedelta(hours=hours)).replace(minute=0, second=0, microsecond=0)
    booking = book(profile, start.astimezone(profile.zone), visitor=visitor(email=email))
    mail.outbox.clear()
    return booking


def test_it_sends_a_reminder_once_however_often_the_command_runs(profile, settings):
    settings.BOOKING_REMINDER_HOURS = 24
    due = _soon(profile, 5, "due@example.com")
    later = _soon(profile, 48, "later@example.com")
    call_command("send_booking_reminders", verbosity=0)
    call_command("send_booking_reminders", verbosity=0)
    assert [m.to for m in mail.outbox] == [["due@example.com"]]
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.reminder_sent_at is not None and later.reminder_sent_at is None
    assert "Reminder" in mail.outbox[0].subject or "Herinnering" in mail.outbox[0].subject


def test_it_claims_the_reminder_so_a_second_task_sends_nothing(profile):
    booking = _soon(profile, 5, "twice@example.com")
    assert send_booking_reminder.call(booking.pk) is True
    assert send_booking_reminder.call(booking.pk) is False
    assert len(mail.outbox) == 1


def test_it_never_reminds_a_cancelled_session(profile, settings):
    settings.BOOKING_CHANGE_NOTICE_HOURS = 0
    booking = _soon(profile, 5, "gone@example.com")
    services.booking_cancel(booking=booking)
    mail.outbox.clear()
    call_command("send_booking_reminders", verbosity=0)
    assert send_booking_reminder.call(booking.pk) is False
    assert mail.outbox == []


def test_it_reminds_again_after_a_reschedule(profile, settings):
    settings.BOOKING_CHANGE_NOTICE_HOURS = 0
    booking = _soon(profile, 5, "moved@example.com")
    send_booking_reminder.call(booking.pk)
    moved = services.booking_reschedule(booking=booking, start=booking.start + timedelta(hours=2))
    assert moved.reminder_sent_at is None


def test_it_releases_unverified_bookings_after_the_verification_window(profile, settings, next_week_ten):
    settings.BOOKING_REQUIRE_EMAIL_VERIFICATION = True
    booking = book(profile, next_week_ten)
    Booking.objects.filter(pk=booking.pk).update(created=timezone.now() - timedelta(hours=3))
    call_command("send_booking_reminders", verbosity=0)
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert book(profile, next_week_ten, visitor=visitor(email="next@example.com")).status == "pending"
