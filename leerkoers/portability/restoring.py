"""Restoring an export: a new organisation with every row and file of the document, in one transaction.

Rows get new ids (the map from old to new is returned); foreign keys, many-to-many links
and the audit trail's references follow the map. Users are matched by e-mail address or
created without a usable password (they set one through "forgot password"). Values that
must be unique across the installation (UUIDs, link tokens, hashes) are kept, unless the
installation already holds them — a copy beside the original — in which case they get new
random values (the copy's private links are new links).
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from leerkoers.accounts.models import User
from leerkoers.audit.services import audit_record
from leerkoers.orgs.models import Organization
from leerkoers.portability.exporting import FORMAT, SCHEMA_VERSION, columns
from leerkoers.portability.registry import Ids, Plan, Table, build_plan

BATCH = 1000


class RestoreRefused(Exception):
    """The document cannot be restored; the message says why, in the user's language."""


@dataclass
class RestoreResult:
    organization: Organization
    ids: dict[str, dict] = field(default_factory=dict)  # table label → {old id: new id}
    users: dict = field(default_factory=dict)  # old user id → new user id
    users_created: int = 0
    rows: int = 0
    files: int = 0
    regenerated: int = 0
    skipped: int = 0  # rows the installation holds already (skip_existing)
    shared: set = field(default_factory=set)  # (table, key) of shared rows found here


def check_document(data, *, plan: Plan) -> None:
    """Refuse a document this version cannot restore losslessly, before anything is written."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RestoreRefused(_("This file is not an export of a Leerkoers organisation."))
    if data.get("schema_version") != SCHEMA_VERSION:
        raise RestoreRefused(
            _("The export has schema version %(found)s; this installation restores version %(known)s only.")
            % {"found": data.get("schema_version"), "known": SCHEMA_VERSION}
        )
    tables = data.get("tables") or {}
    for label, content in tables.items():
        table = plan.by_label.get(label)
        if table is None or not table.exported:
            raise RestoreRefused(
                _("The export holds table %(table)s, which this installation does not have.") % {"table": label}
            )
        unknown = set(content.get("columns", [])) - set(columns(table))
        if unknown:
            raise RestoreRefused(
                _("The export holds columns this installation does not have: %(columns)s.")
                % {"columns": ", ".join(f"{label}.{c}" for c in sorted(unknown))}
            )


def _new_unique(f: models.Field):
    if isinstance(f, models.UUIDField):
        return uuid.uuid4()
    return secrets.token_hex(max(8, min(32, (f.max_length or 64) // 2)))


def _decode(f: models.Field, value):
    if value is None:
        return None
    if isinstance(f, models.JSONField):
        return value
    if f.is_relation:
        return f.target_field.to_python(value)
    return f.to_python(value)


def _restored_path(relative: str, *, old_org: int, new_org: int) -> str:
    """Where a restored file goes: its old place under MEDIA_ROOT with the organisation's id
    in the path replaced by the new one (uploads live under imports/<organisation id>/)."""
    parts = [str(new_org) if part == str(old_org) else part for part in relative.split("/")]
    path = os.path.abspath(os.path.join(settings.MEDIA_ROOT, *parts))
    if not path.startswith(os.path.abspath(settings.MEDIA_ROOT) + os.sep):
        raise RestoreRefused(_("A file in the export has a path outside the media folder."))
    stem, ext = os.path.splitext(path)
    while os.path.exists(path):
        path = f"{stem}-{secrets.token_hex(4)}{ext}"
    return path


def organization_restore(
    *, data: dict, slug: str | None = None, actor=None, plan: Plan | None = None, progress: Callable | None = None
) -> RestoreResult:
    """Restore the export document `data` as a new organisation (slug `slug`, or the export's).

    Refuses (RestoreRefused, nothing written) an unknown format or schema version, a table or
    column this installation does not have, a slug already in use, a reference to a shared
    row (a questionnaire version) that does not exist here, and a file whose checksum does
    not match. Written in one transaction; files written before a failure are removed again.
    """
    plan = plan or build_plan()
    check_document(data, plan=plan)
    source = data["organization"]
    slug = slug or source["slug"]
    if Organization.objects.filter(slug=slug).exists():
        raise RestoreRefused(
            _("An organisation with the short name %(slug)s exists already; choose another with --slug.")
            % {"slug": slug}
        )
    written: list[str] = []
    try:
        with transaction.atomic():
            result = _restore(data, slug=slug, plan=plan, actor=actor, written=written, progress=progress)
    except BaseException:
        for path in written:
            if os.path.exists(path):
                os.remove(path)
        raise
    return result


def _restore(data, *, slug, plan, actor, written, progress) -> RestoreResult:
    source = data["organization"]
    organization = Organization(
        name=source["name"], slug=slug, sector=source.get("sector", ""), size_band=source.get("size_band", "")
    )
    try:
        organization.full_clean()
    except ValidationError as exc:
        raise RestoreRefused(" ".join(exc.messages)) from None
    organization.save()
    Organization.objects.filter(pk=organization.pk).update(
        created=Organization._meta.get_field("created").to_python(source["created"])
    )
    result = RestoreResult(organization=organization)
    _restore_users(data.get("users", []), result)
    tables = data.get("tables") or {}
    total = sum(len(t.get("rows", [])) for t in tables.values())
    deferred: list[tuple[Table, list]] = []
    for table in plan.exported:
        rows = tables.get(table.label, {}).get("rows", [])
        pairs = _insert(table, rows, plan=plan, result=result, organization=organization)
        if any(plan.is_deferred(table, f) for f in _relations(table)) or _deferred_ids(table, plan):
            deferred.append((table, pairs))
        result.rows += len(pairs)
        if progress:
            progress(result.rows, total)
    for table, pairs in deferred:
        _fill_deferred(table, pairs, plan=plan, result=result)
    for table in plan.exported:
        _restore_m2m(table, tables.get(table.label, {}).get("rows", []), result=result)
        if table.declaration.object_reference:
            _remap_references(table, organization, result=result)
    _restore_files(data.get("files", []), plan=plan, result=result, written=written, old_org=source["id"])
    audit_record(
        organization=organization, actor=actor, action="organization.restore",
        summary=_("Restored from an export of %(name)s (%(slug)s)") % {"name": source["name"], "slug": source["slug"]},
    )  # fmt: skip
    return result


def _relations(table: Table) -> list:
    return [f for f in table.fields if f.is_relation]


def _restore_users(users: list, result: RestoreResult) -> None:
    existing = {u.email.lower(): u for u in User.objects.filter(email__in=[u["email"].lower() for u in users])}
    for entry in users:
        user = existing.get(entry["email"].lower())
        if user is None:
            user = User.objects.create_user(
                email=entry["email"], password=None, full_name=entry.get("full_name", ""),
                is_advisor=bool(entry.get("is_advisor")),
            )  # fmt: skip
            result.users_created += 1
        result.users[entry["id"]] = user.pk


def _target(f, value, *, plan: Plan, result: RestoreResult):
    """The new value of foreign key `f` whose exported value is `value`."""
    if value is None:
        return None
    target = f.related_model._meta.label
    if target == settings.AUTH_USER_MODEL:
        return result.users.get(value)
    table = plan.table_for(f.related_model)
    if table is None:  # a shared table (SHARED_TABLES): the same key must exist here
        if (target, value) not in result.shared and not f.related_model._base_manager.filter(pk=value).exists():
            raise RestoreRefused(
                _("The export refers to %(model)s %(key)s, which this installation does not have.")
                % {"model": target, "key": value}
            )
        result.shared.add((target, value))
        return _decode(f, value)
    mapped = result.ids.get(table.label, {}).get(_decode(f, value))
    return mapped  # None: the row was not exported (a public scan answer a booking mentions)


def _new_id(ids: Ids, *, plan: Plan, result: RestoreResult) -> Callable:
    """old id → new id for the ids of `ids.target` (None for a row the export does not hold),
    as text where the old one was text (the keys of a JSON object)."""
    if ids.target == settings.AUTH_USER_MODEL:
        mapping, to_python = result.users, User._meta.pk.to_python
    else:
        table = plan.by_label[ids.target.lower()]
        mapping, to_python = result.ids.get(table.label, {}), table.model._meta.pk.to_python

    def new_id(old):
        if old is None or isinstance(old, bool | dict | list | float):
            return None
        try:
            new = mapping.get(to_python(old))
        except ValidationError:
            return None
        if new is None:
            return None
        return new if isinstance(new, int) and not isinstance(old, str) else str(new)

    return new_id


def _translated(f, value, row: dict, ids_list: list, *, plan: Plan, result: RestoreResult):
    """The value of field `f` with the ids of `ids_list` (those that apply to the row) translated."""
    for ids in ids_list:
        if ids.applies(row):
            value = ids.translate(value, _new_id(ids, plan=plan, result=result))
    if value is None and not f.null:
        value = f.get_default()
    return value


def _deferred_ids(table: Table, plan: Plan) -> list[Ids]:
    return [i for i in table.declaration.ids if plan.ids_deferred(table, i)]


def _converter(table: Table, f, *, plan: Plan, result: RestoreResult) -> Callable[[dict], object]:
    """exported row → the value of field `f` in the new row (None for what is filled in
    later), decided once per table."""
    key = f.attname if f.is_relation else f.name
    if f.primary_key:
        return lambda row: f.get_default()  # a key made here (a UUID or random id)
    if f.is_relation:
        if plan.is_deferred(table, f):
            return lambda row: None
        return lambda row: _target(f, row.get(key), plan=plan, result=result)
    if isinstance(f, models.BinaryField):
        return lambda row: b""  # the file itself comes with the document's files
    ready = [i for i in table.ids_of(f) if not plan.ids_deferred(table, i)]

    def convert(row):
        value = _decode(f, row[key]) if key in row else f.get_default()
        return _translated(f, value, row, ready, plan=plan, result=result) if ready else value

    return convert


def _insert(table: Table, rows: list, *, plan: Plan, result: RestoreResult, organization) -> list[tuple]:
    """Write the rows of one table; returns (exported row, new object) pairs."""
    model = table.model
    pk = model._meta.pk
    converters = [
        (f.attname, _converter(table, f, plan=plan, result=result))
        for f in table.fields
        if not (f.primary_key and isinstance(pk, models.AutoField))
    ]
    objs = []
    for row in rows:
        obj = model(**{table.org_field.attname: organization.pk})
        for attname, convert in converters:
            setattr(obj, attname, convert(row))
        objs.append(obj)
    if table.declaration.skip_existing:
        kept = _not_held(table, objs)
        rows = [row for row, obj in zip(rows, objs, strict=True) if obj in kept]
        result.skipped += len(objs) - len(kept)
        objs = kept
    result.regenerated += _regenerate_unique(table, objs)
    _insert_raw(model, objs)
    mapping = result.ids.setdefault(table.label, {})
    for obj, row in zip(objs, rows, strict=True):
        mapping[pk.to_python(row[pk.name])] = obj.pk
    return list(zip(rows, objs, strict=True))


def _insert_raw(model, objs: list) -> None:
    """bulk_create as loaddata writes: raw, so that auto_now(_add) fields keep the exported
    times instead of the present. New ids come back through RETURNING (PostgreSQL, SQLite ≥ 3.35).

    This is the one private API of the restore (`QuerySet._insert`, the call under both
    bulk_create and Model.save), kept because it is measurably necessary: the public route —
    bulk_create, which stamps every auto_now(_add) field with the present, then bulk_update of
    those fields back to the exported times — took 3 to 3.5 times as long and twice the memory
    (bench/portability.py, docs/portability.md "Limits"); Model.save(force_insert=True) stamps
    them the same way, one query per row. Django's tests cover `_insert` as loaddata's path;
    test_round_trip.py fails here first if its signature changes."""
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]
    returning = opts.db_returning_fields
    manager = model._base_manager
    size = max(1, min(BATCH, connection.ops.bulk_batch_size(fields, objs) if objs else BATCH))
    for start in range(0, len(objs), size):
        batch = objs[start : start + size]
        returned = manager._insert(batch, fields=fields, returning_fields=returning, raw=True, using=manager.db)
        # Nothing comes back when the key is made here (a UUID or random id, no RETURNING needed).
        for obj, values in zip(batch, returned or [()] * len(batch), strict=True):
            for f, value in zip(returning, values, strict=True):
                setattr(obj, f.attname, value)
            obj._state.adding = False
            obj._state.db = manager.db


def _held(table: Table, f, objs: list) -> set:
    """The values of unique field `f` among `objs` that the installation already holds."""
    values = [getattr(o, f.attname) for o in objs if getattr(o, f.attname) not in (None, "")]
    taken = set()
    for start in range(0, len(values), BATCH):
        batch = values[start : start + BATCH]
        taken.update(table.model._base_manager.filter(**{f"{f.attname}__in": batch}).values_list(f.attname, flat=True))
    return taken


def _unique_fields(table: Table) -> list:
    return [f for f in table.fields if f.unique and not f.primary_key and not f.is_relation]


def _not_held(table: Table, objs: list) -> list:
    held = {id(o) for f in _unique_fields(table) for o in objs if getattr(o, f.attname) in _held(table, f, objs)}
    return [o for o in objs if id(o) not in held]


def _regenerate_unique(table: Table, objs: list) -> int:
    """Give new values to unique fields whose exported value this installation already holds."""
    changed = 0
    for f in _unique_fields(table):
        taken = _held(table, f, objs)
        for obj in objs:
            if getattr(obj, f.attname) in taken:
                setattr(obj, f.attname, _new_unique(f))
                changed += 1
    return changed


def _fill_deferred(table: Table, pairs: list, *, plan: Plan, result: RestoreResult) -> None:
    """Fill in what refers to rows restored after the table's own: foreign keys, and ids in
    fields declared `ids` (translated on top of those translated at insert)."""
    fields = [f for f in _relations(table) if plan.is_deferred(table, f)]
    later = _deferred_ids(table, plan)
    with_ids = [f for f in table.fields if any(i.field == f.name for i in later)]
    changed = []
    for row, obj in pairs:
        for f in fields:
            setattr(obj, f.attname, _target(f, row.get(f.attname), plan=plan, result=result))
        for f in with_ids:
            ids_list = [i for i in later if i.field == f.name]
            setattr(obj, f.attname, _translated(f, getattr(obj, f.attname), row, ids_list, plan=plan, result=result))
        changed.append(obj)
    table.model._base_manager.bulk_update(changed, [f.name for f in fields + with_ids], batch_size=BATCH)


def _restore_m2m(table: Table, rows: list, *, result: RestoreResult) -> None:
    pk = table.model._meta.pk
    for m2m in table.m2m_fields:
        through = m2m.remote_field.through
        source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        target_label = m2m.related_model._meta.label_lower
        links = []
        for row in rows:
            new_source = result.ids[table.label].get(pk.to_python(row[pk.name]))
            if new_source is None:
                continue
            for old_target in row.get(m2m.name, []):
                new_target = result.ids.get(target_label, {}).get(old_target)
                if new_target is not None:
                    links.append(through(**{f"{source}_id": new_source, f"{target}_id": new_target}))
        through.objects.bulk_create(links, batch_size=BATCH)


def _remap_references(table: Table, organization, *, result: RestoreResult) -> None:
    type_field, id_field = table.declaration.object_reference
    by_model = {}
    for label, mapping in result.ids.items():
        by_model[label] = {str(old): str(new) for old, new in mapping.items()}
    changed = []
    for obj in table.rows(organization).exclude(**{id_field: ""}):
        mapping = by_model.get(getattr(obj, type_field).lower())
        if mapping and getattr(obj, id_field) in mapping:
            setattr(obj, id_field, mapping[getattr(obj, id_field)])
            changed.append(obj)
    table.model._base_manager.bulk_update(changed, [id_field], batch_size=BATCH)


def _restore_files(files: list, *, plan: Plan, result: RestoreResult, written: list, old_org: int) -> None:
    for entry in files:
        table = plan.by_label[entry["table"]]
        content = base64.b64decode(entry["content_base64"])
        if hashlib.sha256(content).hexdigest() != entry["sha256"]:
            raise RestoreRefused(
                _("The file %(path)s in the export is damaged (its checksum does not match).") % {"path": entry["path"]}
            )
        f = table.model._meta.get_field(entry["field"])
        new_pk = result.ids.get(table.label, {}).get(table.model._meta.pk.to_python(entry["row"]))
        if new_pk is None:
            raise RestoreRefused(_("A file in the export belongs to no row of it."))
        result.files += 1
        if isinstance(f, models.BinaryField):  # kept in the database (a policy document's version)
            table.model._base_manager.filter(pk=new_pk).update(**{f.attname: content})
            continue
        path = _restored_path(entry["path"], old_org=old_org, new_org=result.organization.pk)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        written.append(path)
        with open(path, "wb") as handle:
            handle.write(content)
        if table.is_path_field(f):
            value = path
        else:
            value = os.path.relpath(path, os.path.abspath(settings.MEDIA_ROOT))
        table.model._base_manager.filter(pk=new_pk).update(**{f.attname: value})
