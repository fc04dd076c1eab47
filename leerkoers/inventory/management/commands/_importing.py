"""What import_activities and import_participations share: options, reporting, exit codes."""

import json

from django.core.management.base import BaseCommand, CommandError

from leerkoers.inventory.importing.pipeline import import_file
from leerkoers.lib.tables import ImportRefused
from leerkoers.orgs.models import Organization


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="slug of the organisation")
        parser.add_argument("--mapping", help='JSON: {"column in the file": "field"} (or field → column)')
        parser.add_argument("--sheet", default="", help="sheet of an XLSX workbook")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--skip-invalid", action="store_true", help="import the valid rows, report the rest")

    def handle(self, *args, **options):
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"No organisation with slug {options['org']!r}.")
        mapping = None
        if options["mapping"]:
            try:
                mapping = json.loads(options["mapping"])
            except json.JSONDecodeError as exc:
                raise CommandError(f"--mapping is not valid JSON: {exc}") from None
            if not isinstance(mapping, dict):
                raise CommandError("--mapping must be a JSON object.")
        try:
            result = import_file(
                kind=self.kind,
                organization=organization,
                path=options["file"],
                filename=options["file"],
                mapping=mapping,
                sheet=options["sheet"],
                skip_invalid=options["skip_invalid"],
                dry_run=options["dry_run"],
            )
        except FileNotFoundError:
            raise CommandError(f"File not found: {options['file']}") from None
        except ImportRefused as exc:
            raise CommandError(str(exc)) from None
        for error in result.errors:
            self.stderr.write(f"row {error.row}, column {error.column}: {error.message}")
        if result.error_count > len(result.errors):
            self.stderr.write(f"… and {result.error_count - len(result.errors)} more problems")
        self.stdout.write(
            f"{result.rows} rows read, {result.valid_rows} valid, {result.invalid_rows} invalid; "
            f"{result.created} created, {result.updated} updated"
            + (f", {new} activities added" if (new := result.details.get("new_activities")) else "")
            + (f"; {result.merged} rows update an earlier row of the same file" if result.merged else "")
            + ("" if result.written else " — nothing written")
        )
        if result.error_count and not options["skip_invalid"]:
            raise CommandError("Nothing was imported because some rows are invalid (see above, or use --skip-invalid).")
