from leerkoers.inventory.management.commands._importing import ImportCommand
from leerkoers.inventory.models import ImportKind


class Command(ImportCommand):
    help = "Import participation records from a CSV or XLSX file (all or nothing unless --skip-invalid)."
    kind = ImportKind.PARTICIPATIONS
