"""Record as closed the vision rounds whose closing date has passed.

Rounds are closed from the day after their closing date without this (VisionRound.is_open
reads the date); run it once a day (cron, systemd timer, or a scheduler next to `db_worker`)
so that the status and the audit trail say so too. Safe to run twice.
"""

from django.core.management.base import BaseCommand

from leerkoers.vision.services import rounds_close_due


class Command(BaseCommand):
    help = "Record as closed the vision rounds whose closing date has passed."

    def handle(self, *args, **options):
        closed = rounds_close_due()
        self.stdout.write(f"{closed} vision round(s) closed.")
