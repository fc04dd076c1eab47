"""Exporting to a document in memory and comparing two exports row by row after id mapping."""

import contextlib
import io
import json

from django.conf import settings

from leerkoers.portability.exporting import export_json
from leerkoers.portability.registry import build_plan


def export_document(organization) -> dict:
    out = io.StringIO()
    export_json(organization=organization, out=out)
    return json.loads(out.getvalue())


def _new_id(ids: dict, users: dict, target: str):
    """old id → new id through the restore's maps, as text where the old one was text."""
    if target == settings.AUTH_USER_MODEL:
        mapping, to_python = users, int
    else:
        model = build_plan().by_label[target.lower()].model
        mapping, to_python = ids.get(target.lower(), {}), model._meta.pk.to_python

    def new_id(old):
        new = None if old is None else mapping.get(to_python(old))
        return None if new is None else new if isinstance(new, int) and not isinstance(old, str) else str(new)

    return new_id


def _files(table) -> set[str]:
    return {f.name for f in table.file_fields + table.binary_fields}


def mapped_rows(before: dict, ids: dict, users: dict) -> dict:
    """The rows of export `before` as they must read after the restore: every id and every
    foreign key translated through the restore's maps, and the ids declared inside JSON and
    number fields; file fields left out (files are compared by checksum)."""
    plan = build_plan()
    expected = {}
    for label, content in before["tables"].items():
        table = plan.by_label[label]
        pk = table.model._meta.pk
        files = _files(table)
        rows = {}
        for row in content["rows"]:
            new = {}
            for f in table.fields:
                key = f.attname if f.is_relation else f.name
                if key in files:
                    continue
                value = row[key]
                if f.primary_key:
                    value = _str(ids[label][pk.to_python(value)])
                elif f.is_relation and value is not None:
                    target = f.related_model._meta
                    if target.label == settings.AUTH_USER_MODEL:
                        value = users[value]
                    elif target.label_lower in ids:
                        value = _str(ids[target.label_lower].get(f.target_field.to_python(value)))
                new[key] = value
            for m2m in table.m2m_fields:
                target = m2m.related_model._meta.label_lower
                new[m2m.name] = sorted((ids[target][v] for v in row[m2m.name]), key=str)
            for declared in table.declaration.ids:
                if declared.applies(row):
                    value = declared.translate(new[declared.field], _new_id(ids, users, declared.target))
                    field = table.model._meta.get_field(declared.field)
                    new[declared.field] = field.get_default() if value is None and not field.null else value
            if table.declaration.object_reference:
                type_field, id_field = table.declaration.object_reference
                mapping = ids.get(new[type_field].lower())
                if mapping and new[id_field]:
                    key_type = type(next(iter(mapping), ""))
                    with contextlib.suppress(ValueError):
                        new[id_field] = str(mapping.get(key_type(new[id_field]), new[id_field]))
            rows[new[pk.name]] = new
        expected[label] = rows
    return expected


def actual_rows(after: dict) -> dict:
    plan = build_plan()
    actual = {}
    for label, content in after["tables"].items():
        table = plan.by_label[label]
        files = _files(table)
        pk = table.model._meta.pk.name
        actual[label] = {
            _str(row[pk]): {k: (_str(v) if k == pk else v) for k, v in row.items() if k not in files}
            for row in content["rows"]
        }
    return actual


def _str(value):
    return None if value is None else value if isinstance(value, int) else str(value)


def file_checksums(document: dict, ids: dict | None = None) -> dict:
    """{(table, row id, field): SHA-256} of every file in the document, row ids translated
    through the restore's map when given."""
    plan = build_plan()
    found = {}
    for entry in document["files"]:
        table = plan.by_label[entry["table"]]
        row = table.model._meta.pk.to_python(entry["row"])
        if ids is not None:
            row = ids[entry["table"]][row]
        found[(entry["table"], _str(row), entry["field"])] = entry["sha256"]
    return found
