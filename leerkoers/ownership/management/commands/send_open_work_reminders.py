"""E-mail the Responsible people of each learning process about its new open work.

Run it once a day (cron, systemd timer, or a scheduler next to `db_worker`): it enqueues the
background task; each piece of work goes to each person at most once, so running it twice
sends nothing new.
"""

from django.core.management.base import BaseCommand

from leerkoers.ownership.reminders import open_work_reminders_task


class Command(BaseCommand):
    help = "E-mail the Responsible people of each learning process about its new open work (each at most once)."

    def handle(self, *args, **options):
        result = open_work_reminders_task.enqueue()
        self.stdout.write(f"Open work reminders enqueued ({result.id}).")
