"""Reading learning-activity files as organisations have them: CSV of any common dialect and
encoding, XLSX, xAPI statements. Parsing and validation are shared by the web UI, the
management commands and the API; nothing is written here (see inventory.services).
"""

from leerkoers.inventory.importing.reader import ImportRefused, Table, open_table  # noqa: F401
