"""Writing all of an organisation's data: one JSON document (restorable) or an XLSX workbook.

The JSON document (schema in docs/portability.md) is written row by row to a file, so an
organisation with a million participations is not held in memory; files (uploads) are
embedded base64-encoded with their SHA-256. The workbook has a sheet per table with the
same columns, for reading in a spreadsheet; it cannot be restored.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from leerkoers.accounts.models import User
from leerkoers.inventory.importing.values import neutralise
from leerkoers.portability.registry import Plan, Table, build_plan

FORMAT = "leerkoers-organisation-export"
SCHEMA_VERSION = 1
XLSX_MAX_ROWS = 1_048_575  # Excel's limit, less the header
CHUNK = 2000
USER_FIELDS = ("email", "full_name", "is_advisor")

Progress = Callable[..., None]


def encode(value):
    """A field's Python value as JSON, exactly: full ISO times, decimals and UUIDs as text."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return value


def _m2m_values(table: Table, pks: list) -> dict:
    """{m2m name: {row pk: [target pks]}} for a chunk of rows, one query per field."""
    found = {}
    for m2m in table.m2m_fields:
        through = m2m.remote_field.through
        source = m2m.m2m_field_name()
        target = m2m.m2m_reverse_field_name()
        links: dict = {}
        for source_id, target_id in through.objects.filter(**{f"{source}__in": pks}).values_list(
            f"{source}_id", f"{target}_id"
        ):
            links.setdefault(source_id, []).append(target_id)
        found[m2m.name] = links
    return found


def iter_rows(table: Table, organization):
    """The table's rows of the organisation as export dicts, in id order, a chunk at a time.
    Files kept in the database (binary fields) are not read here: they go to the document's
    files, and the row holds null for them."""
    queryset = table.rows(organization).order_by("pk")
    if table.binary_fields:
        queryset = queryset.defer(*[f.name for f in table.binary_fields])
    chunk: list = []
    for obj in queryset.iterator(chunk_size=CHUNK):
        chunk.append(obj)
        if len(chunk) == CHUNK:
            yield from _chunk_rows(table, chunk)
            chunk = []
    if chunk:
        yield from _chunk_rows(table, chunk)


def _chunk_rows(table: Table, objs: list):
    links = _m2m_values(table, [o.pk for o in objs]) if table.m2m_fields else {}
    binary = set(table.binary_fields)
    for obj in objs:
        row = {
            f.attname if f.is_relation else f.name: None if f in binary else encode(f.value_from_object(obj))
            for f in table.fields
        }
        for name, by_row in links.items():
            row[name] = sorted(by_row.get(obj.pk, []), key=str)
        yield row


def columns(table: Table) -> list[str]:
    return [f.attname if f.is_relation else f.name for f in table.fields] + [m.name for m in table.m2m_fields]


@dataclass
class FileRef:
    table: str
    row: object
    field: str
    path: str | None  # absolute, on this installation; None for a file kept in the database
    model: type | None = None  # the file kept in the database: its table's model and row

    @property
    def relative(self) -> str | None:
        if self.path is None:
            return None
        root = os.path.abspath(settings.MEDIA_ROOT)
        path = os.path.abspath(self.path)
        return os.path.relpath(path, root) if path.startswith(root + os.sep) else os.path.basename(path)

    def read(self) -> bytes:
        if self.path is None:
            return bytes(self.model._base_manager.values_list(self.field, flat=True).get(pk=self.row_pk))
        with open(self.path, "rb") as handle:
            return handle.read()

    def checksum(self) -> tuple[int, str]:
        """(size, SHA-256) — a file on disk is read a block at a time."""
        if self.path is not None:
            return os.path.getsize(self.path), sha256_of(self.path)
        content = self.read()
        return len(content), hashlib.sha256(content).hexdigest()

    @property
    def row_pk(self):
        return self.model._meta.pk.to_python(self.row)


def file_path(table: Table, f, value: str) -> str:
    """Where the file named by a file field's or path field's value lies on disk."""
    if table.is_path_field(f):
        return value
    return f.storage.path(value)


def files_of(table: Table, organization) -> list[FileRef]:
    """The files the table's rows name on disk, then those kept in its binary fields (read
    one at a time by `FileRef.read`: a policy document's versions are not loaded together)."""
    refs = []
    if table.file_fields:
        names = [f.name for f in table.file_fields]
        for values in table.rows(organization).order_by("pk").values("pk", *names):
            for f in table.file_fields:
                value = values[f.name]
                if value:
                    path = file_path(table, f, str(value))
                    if os.path.exists(path):
                        refs.append(FileRef(table=table.label, row=encode(values["pk"]), field=f.name, path=path))
    for f in table.binary_fields:
        for pk in table.rows(organization).order_by("pk").values_list("pk", flat=True):
            refs.append(FileRef(table=table.label, row=encode(pk), field=f.name, path=None, model=table.model))
    return refs


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _header(organization) -> dict:
    migrations = {}
    for app, name in MigrationRecorder.Migration.objects.order_by("app", "name").values_list("app", "name"):
        migrations[app] = name
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "exported_at": timezone.now().isoformat(),
        "migrations": migrations,
        "organization": {
            "id": organization.pk,
            "name": organization.name,
            "slug": organization.slug,
            "sector": organization.sector,
            "size_band": organization.size_band,
            "created": encode(organization.created),
        },
    }


def total_rows(plan: Plan, organization) -> int:
    return sum(t.rows(organization).count() for t in plan.exported)


@dataclass
class ExportSummary:
    tables: int
    rows: int
    files: int
    users: int


def export_json(*, organization, out, plan: Plan | None = None, progress: Progress | None = None) -> ExportSummary:
    """Write the organisation's export document to the text stream `out`."""
    plan = plan or build_plan()
    total = total_rows(plan, organization)
    done = 0
    user_ids: set = set()
    header = _header(organization)
    out.write(json.dumps(header, ensure_ascii=False)[:-1])
    out.write(', "tables": {')
    for number, table in enumerate(plan.exported):
        user_attnames = [f.attname for f in table.user_fields()]
        out.write(("" if number == 0 else ", ") + json.dumps(table.label) + ': {"columns": ')
        out.write(json.dumps(columns(table)) + ', "rows": [')
        for index, row in enumerate(iter_rows(table, organization)):
            out.write(("" if index == 0 else ", ") + json.dumps(row, ensure_ascii=False))
            user_ids.update(row[name] for name in user_attnames if row[name] is not None)
            done += 1
            if progress and done % 500 == 0:
                progress(done, total)
        out.write("]}")
    out.write('}, "users": ')
    users = list(User.objects.filter(pk__in=user_ids).order_by("pk").values("id", *USER_FIELDS))
    out.write(json.dumps(users, ensure_ascii=False))
    out.write(', "files": [')
    count = 0
    for table in plan.exported:
        for ref in files_of(table, organization):
            content = ref.read()
            entry = {
                "table": ref.table, "row": ref.row, "field": ref.field, "path": ref.relative,
                "size": len(content), "sha256": hashlib.sha256(content).hexdigest(),
                "content_base64": base64.b64encode(content).decode(),
            }  # fmt: skip
            out.write(("" if count == 0 else ", ") + json.dumps(entry))
            count += 1
    out.write("]}")
    if progress:
        progress(total, total, force=True)
    return ExportSummary(tables=len(plan.exported), rows=done, files=count, users=len(users))


def _cell(value):
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    if value is None:
        return ""
    return neutralise(value) if isinstance(value, str) else value


def export_xlsx(
    *, organization, path: str, plan: Plan | None = None, progress: Progress | None = None
) -> ExportSummary:
    """Write the organisation's data as a workbook to `path`: an "export" sheet (format,
    version, organisation), a sheet per table (id order, one row per row; a table over
    Excel's row limit goes on in a second sheet), "users" and "files" (name and checksum;
    the contents are in the JSON export only). Text that a spreadsheet would run as a formula
    (= + - @ at the start) is quoted."""
    import openpyxl

    plan = plan or build_plan()
    total = total_rows(plan, organization)
    workbook = openpyxl.Workbook(write_only=True)
    about = workbook.create_sheet("export")
    header = _header(organization)
    for key in ("format", "schema_version", "exported_at"):
        about.append([key, _cell(header[key])])
    for key, value in header["organization"].items():
        about.append([f"organization.{key}", _cell(value)])
    used_titles: set = {"export", "users", "files"}
    done = 0
    user_ids: set = set()
    for table in plan.exported:
        user_attnames = [f.attname for f in table.user_fields()]
        sheet = None
        part = 0
        rows_in_sheet = XLSX_MAX_ROWS
        for row in iter_rows(table, organization):
            if rows_in_sheet >= XLSX_MAX_ROWS:
                part += 1
                sheet = workbook.create_sheet(_title(table.label, part, used_titles))
                sheet.append(columns(table))
                rows_in_sheet = 0
            sheet.append([_cell(row[c]) for c in columns(table)])
            rows_in_sheet += 1
            user_ids.update(row[name] for name in user_attnames if row[name] is not None)
            done += 1
            if progress and done % 500 == 0:
                progress(done, total)
        if sheet is None:
            workbook.create_sheet(_title(table.label, 1, used_titles)).append(columns(table))
    users_sheet = workbook.create_sheet("users")
    users_sheet.append(["id", *USER_FIELDS])
    users = list(User.objects.filter(pk__in=user_ids).order_by("pk").values_list("id", *USER_FIELDS))
    for user in users:
        users_sheet.append([_cell(v) for v in user])
    files_sheet = workbook.create_sheet("files")
    files_sheet.append(["table", "row", "field", "path", "size", "sha256"])
    count = 0
    for table in plan.exported:
        for ref in files_of(table, organization):
            files_sheet.append([_cell(v) for v in (ref.table, ref.row, ref.field, ref.relative, *ref.checksum())])
            count += 1
    workbook.save(path)
    if progress:
        progress(total, total, force=True)
    return ExportSummary(tables=len(plan.exported), rows=done, files=count, users=len(users))


def _title(label: str, part: int, used: set) -> str:
    base = label if part == 1 else f"{label} ({part})"
    title = base[:31]
    number = 2
    while title in used:
        suffix = f"~{number}"
        title = base[: 31 - len(suffix)] + suffix
        number += 1
    used.add(title)
    return title
