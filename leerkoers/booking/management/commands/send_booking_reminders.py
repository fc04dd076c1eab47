"""Queue reminders for sessions that start soon, and release unverified bookings.

Run it every few minutes (cron, systemd timer, or a scheduler next to `db_worker`). It is
idempotent: a reminder is claimed by the task itself (see leerkoers.booking.tasks), so
running this twice, or two workers picking up the same reminder, never sends it twice.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from leerkoers.booking.services import bookings_expire_unverified
from leerkoers.booking.tasks import reminders_due, send_booking_reminder


class Command(BaseCommand):
    help = "Queue e-mail reminders for strategy sessions starting soon; release unverified bookings."

    def handle(self, *args, **options):
        now = timezone.now()
        released = bookings_expire_unverified(now=now)
        due = reminders_due(now=now)
        for booking_id in due:
            send_booking_reminder.enqueue(booking_id)
        self.stdout.write(f"{len(due)} reminder(s) queued, {released} unverified booking(s) released.")
