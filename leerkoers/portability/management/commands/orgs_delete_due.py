from django.core.management.base import BaseCommand

from leerkoers.portability.services import deletions_due


class Command(BaseCommand):
    help = "Delete the organisations whose requested deletion is due (grace period over). Run daily."

    def handle(self, *args, **options):
        names = deletions_due()
        for name in names:
            self.stdout.write(f"Deleted {name}")
        self.stdout.write(f"{len(names)} organisation(s) deleted.")
