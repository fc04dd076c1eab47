import os

from django.core.management.base import BaseCommand, CommandError

from leerkoers.orgs.models import Organization
from leerkoers.portability.services import FORMATS, organization_export


class Command(BaseCommand):
    help = "Export all of an organisation's data as one JSON document (restorable) or an XLSX workbook."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="the organisation's short name (slug)")
        parser.add_argument("--output", required=True, help="the file to write (.json or .xlsx)")
        parser.add_argument("--format", choices=FORMATS, help="default: from the extension of --output")

    def handle(self, *args, org, output, format=None, **options):
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"No organisation with the short name {org!r}.")
        fmt = format or os.path.splitext(output)[1].lower().lstrip(".")
        if fmt not in FORMATS:
            raise CommandError("Give --format json or xlsx, or an --output ending in .json or .xlsx.")
        summary = organization_export(organization=organization, path=output, fmt=fmt)
        self.stdout.write(
            f"Exported {organization.slug}: {summary.rows} rows of {summary.tables} tables, "
            f"{summary.users} users, {summary.files} files → {output}"
        )
