import json

from django.core.management.base import BaseCommand, CommandError

from leerkoers.portability.restoring import RestoreRefused, organization_restore


class Command(BaseCommand):
    help = "Restore an organisation from its JSON export, as it was or under another short name (--slug)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the JSON export (export_org --output …json)")
        parser.add_argument("--slug", help="restore as a new organisation with this short name")

    def handle(self, *args, path, slug=None, **options):
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        try:
            result = organization_restore(data=data, slug=slug)
        except RestoreRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Restored {result.organization.slug}: {result.rows} rows, {result.files} files, "
            f"{len(result.users)} users ({result.users_created} new, without a password: they use "
            f"'forgot password'), {result.regenerated} unique values renewed."
        )
