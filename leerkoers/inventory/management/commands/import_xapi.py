import json

from django.core.management.base import BaseCommand, CommandError

from leerkoers.inventory.xapi import XapiConflict, XapiInvalid, statements_store
from leerkoers.orgs.models import Organization


class Command(BaseCommand):
    help = "Store xAPI 1.0.3 statements from a JSON file (one statement or an array) as participations."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", required=True)
        parser.add_argument("--dry-run", action="store_true", help="validate only")

    def handle(self, *args, **options):
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"No organisation with slug {options['org']!r}.")
        try:
            with open(options["file"], encoding="utf-8-sig") as handle:
                payload = json.load(handle)
        except FileNotFoundError:
            raise CommandError(f"File not found: {options['file']}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CommandError(f"The file is not valid JSON: {exc}") from None
        try:
            result = statements_store(organization=organization, payload=payload, dry_run=options["dry_run"])
        except XapiInvalid as exc:
            for error in exc.errors:
                self.stderr.write(f"statement {error['statement']}: {error['field']}: {error['message']}")
            raise CommandError("No statement was stored because some are invalid.") from None
        except XapiConflict as exc:
            raise CommandError(f"Statement ids already stored with other content: {', '.join(exc.ids)}") from None
        self.stdout.write(
            f"{len(result.ids)} statements valid; {result.stored} stored, {result.repeated} already known"
        )
