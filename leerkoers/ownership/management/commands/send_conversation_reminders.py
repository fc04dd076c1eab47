"""E-mail managers about their coming conversations of the HR cycle.

Run it once a day (cron, systemd timer, or a scheduler next to `db_worker`); each
conversation's reminder is sent at most once, so running it twice sends nothing new.
"""

from django.core.management.base import BaseCommand

from leerkoers.ownership.services import reminders_send


class Command(BaseCommand):
    help = "E-mail managers about their coming conversations of the HR cycle (each at most once)."

    def handle(self, *args, **options):
        self.stdout.write(f"{reminders_send()} reminder(s) sent.")
