"""Compile every .po file to .mo with polib, so that no GNU gettext is needed to set up."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po → .mo) without GNU gettext."

    def handle(self, *args, **options):
        # The project's catalogue (leerkoers/locale) and each app's own (leerkoers/<app>/locale).
        count = 0
        for po_path in sorted((Path(settings.BASE_DIR) / "leerkoers").glob("**/locale/*/LC_MESSAGES/*.po")):
            try:
                catalogue = polib.pofile(str(po_path))
            except (OSError, ValueError) as exc:
                raise CommandError(f"{po_path}: {exc}") from exc
            catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
            count += 1
        self.stdout.write(f"Compiled {count} translation catalogue(s).")
