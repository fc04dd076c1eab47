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


def mapped_rows(before: dict, ids: dict, users: dict) -> dict:
    """The rows of export `before` as they must read after the restore: every id and every
    foreign key translated through the restore's maps; file fields left out (files are
    compared by checksum)."""
    plan = build_plan()
    expected = {}
    for label, content in before["tables"].items():
        table = plan.by_label[label]
        pk = table.model._meta.pk
        files = {f.name for f in table.file_fields}
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
        files = {f.name for f in table.file_fields}
        pk = table.model._meta.pk.name
        actual[label] = {
            _str(row[pk]): {k: (_str(v) if k == pk else v) for k, v in row.items() if k not in files}
            for row in content["rows"]
        }
    return actual


def _str(value):
    return None if value is None else value if isinstance(value, int) else str(value)
