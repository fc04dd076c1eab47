"""Remove uploads that were never imported (run daily, e.g. from cron)."""

import datetime as dt

from django.core.management.base import BaseCommand

from leerkoers.inventory.importing.runs import import_runs_expire


class Command(BaseCommand):
    help = "Remove uploaded import files older than --hours (default 24) that were never imported."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args, **options):
        removed = import_runs_expire(older_than=dt.timedelta(hours=options["hours"]))
        self.stdout.write(f"{removed} upload(s) removed")
