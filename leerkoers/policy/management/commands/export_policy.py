from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from leerkoers.orgs.models import Organization
from leerkoers.policy.models import Format, Language
from leerkoers.policy.services import policy_export_create


class Command(BaseCommand):
    help = "Make an organisation's policy document, keep it as a version and write it to a file."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument("--format", required=True, choices=Format.values)
        parser.add_argument("--lang", default="nl", choices=Language.values)
        parser.add_argument("--output", required=True, help="where to write the file")

    def handle(self, *args, org: str, format: str, lang: str, output: str, **options):
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"No organisation with the slug {org!r}.")
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"The folder {str(path.parent)!r} does not exist.")
        try:
            export = policy_export_create(organization=organization, actor=None, format=format, language=lang)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages))
        path.write_bytes(bytes(export.content))
        self.stdout.write(f"Version {export.number} ({export.size} bytes) written to {path}")
