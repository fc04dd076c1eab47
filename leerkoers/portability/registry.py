"""Which tables hold an organisation's data, in which order, and what each one needs.

The tables are found, not listed: every model with a foreign key to `orgs.Organization`
(read from the app registry) is an organisation's table. Export, restore and deletion all
walk the same `Plan`, so a new app's models are covered the moment they exist. What cannot
be derived from a model is declared in `DECLARATIONS`, one line per model that needs it
(docs/portability.md, "How a new app declares what it needs"); `Plan.gaps()` names every
model the walk cannot handle on its own, and tests/test_portability_coverage.py fails on
any gap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.apps import apps
from django.conf import settings
from django.db import models

ORGANIZATION = "orgs.Organization"


@dataclass(frozen=True)
class Ids:
    """Ids of another table's rows kept in a field that is not a foreign key — inside a JSON
    document, or a plain number — which a restore translates to the new ids.

    field: the field that holds them.
    path: where in its value, segments separated by ".": a name (that key of an object), a
        number (that element of a list), "[]" (every element of a list), "{}" (every key of
        an object: the keys are the ids; must come last); "" is the value itself.
    target: the table the ids belong to ("orgs.Team"; the user model for accounts).
    when: (field, value): only in rows where that field has that value (an audit event's
        `action`: each action keeps its own `changes`).

    An id the export does not hold (its row was removed since) becomes null, a key of an
    object with it is dropped; a plain number field that cannot be empty gets its default.
    """

    field: str
    path: str
    target: str
    when: tuple[str, str] | None = None

    @property
    def segments(self) -> list[str]:
        return self.path.split(".") if self.path else []

    def applies(self, row: dict) -> bool:
        return self.when is None or row.get(self.when[0]) == self.when[1]

    def translate(self, value, new_id: Callable):
        """`value` with every id at the path replaced by `new_id(old id)` (a new value; the
        old one is not changed)."""
        return _translate(value, self.segments, new_id)


def _translate(value, segments: list[str], new_id: Callable):
    if not segments:
        return new_id(value)
    head, rest = segments[0], segments[1:]
    if head == "[]" and isinstance(value, list):
        return [_translate(item, rest, new_id) for item in value]
    if head == "{}" and isinstance(value, dict):
        translated = ((new_id(key), item) for key, item in value.items())
        return {key: item for key, item in translated if key is not None}
    if head.isdigit() and isinstance(value, list) and int(head) < len(value):
        index = int(head)
        return [*value[:index], _translate(value[index], rest, new_id), *value[index + 1 :]]
    if isinstance(value, dict) and head in value:
        return {**value, head: _translate(value[head], rest, new_id)}
    return value


@dataclass(frozen=True)
class Declaration:
    """What a table needs beyond what its fields say.

    exported: False keeps the table out of the export (and so out of a restore); `reason`
        says why. Deletion removes its rows all the same.
    path_fields: text fields that hold the path of a file on disk (FileFields are found by
        themselves): the file travels with the export and is removed with the organisation.
    pseudonymise: fields that name a member (e-mail address, employee number); when the
        member is removed their value becomes the keyed pseudonym that non-members get.
    member_data: what a member's own download shows of the rows that point at them:
        "rows" (the rows, without secrets) or "counts" (how many, how many used — for
        invitations to anonymous rounds, whose rows must never be lined up with answers).
    object_reference: (type field, id field) of a generic reference to another row, which a
        restore translates to the new id (the audit trail's `object_type`/`object_id`).
    member_via: the foreign key through which a row belongs to a member without pointing at
        them itself (a development plan's goals, through the plan): a member's download
        includes it when the row it points at is theirs.
    skip_existing: a row whose unique value the installation already holds is that same row,
        not a copy to make (an advisor's booked session, when an organisation is restored
        beside its original: the advisor cannot be booked twice for it).
    ids: ids of other rows inside fields that are not foreign keys (JSON documents, a plain
        number), translated by a restore (`Ids`).
    no_ids: JSON fields that hold no ids of rows (counts, texts, dates, keys of a fixed
        list). Every JSON field of an exported table is named in `ids` or here.
    """

    exported: bool = True
    reason: str = ""
    path_fields: tuple[str, ...] = ()
    pseudonymise: tuple[str, ...] = ()
    member_data: str = "rows"
    object_reference: tuple[str, str] | None = None
    skip_existing: bool = False
    member_via: str = ""
    ids: tuple[Ids, ...] = ()
    no_ids: tuple[str, ...] = ()


def _team_update(path: str, target: str) -> Ids:
    return Ids("changes", path, target, when=("action", "team.update"))


DECLARATIONS: dict[str, Declaration] = {
    "alignment.LearningGoal": Declaration(no_ids=("target_roles",)),
    "audit.AuditEvent": Declaration(
        object_reference=("object_type", "object_id"),
        ids=(
            _team_update("parent.[]", "orgs.Team"),  # [old, new] of the team's parent and manager
            _team_update("manager.[]", "orgs.Membership"),
            Ids("changes", "candidates.[]", "orgs.Team", when=("action", "pilots.draw")),
            Ids("changes", "pilot_teams.[]", "orgs.Team", when=("action", "pilots.draw")),
            Ids("changes", "scale_up_teams.[]", "orgs.Team", when=("action", "pilots.decide")),
        ),
    ),
    "booking.Booking": Declaration(skip_existing=True),
    "inventory.ImportMapping": Declaration(no_ids=("mapping",)),
    "inventory.ImportRun": Declaration(path_fields=("stored_path",), no_ids=("mapping", "summary", "errors")),
    "inventory.Participation": Declaration(pseudonymise=("person_key",)),
    # The result of a policy document's job names the version by its public_id, which is kept.
    "jobs.Job": Declaration(no_ids=("result",)),
    # Its item keys name teams, plans and POPs by ids a restore changes: restored, they could
    # match other rows. Without it, each piece of open work is reminded once more.
    "ownership.OpenWorkReminder": Declaration(
        exported=False, reason="which reminders were sent, keyed by ids a restore changes"
    ),
    # A secret address works on the installation that made it: a restore does not revive it.
    "ownership.CalendarFeed": Declaration(
        exported=False, reason="a member's secret calendar address belongs to this installation"
    ),
    "ownership.PopActivity": Declaration(member_via="pop"),
    "ownership.PopGoal": Declaration(member_via="pop"),
    "ownership.PopVersion": Declaration(member_via="pop", no_ids=("content",)),
    "pilots.EvaluationInvitation": Declaration(member_data="counts"),
    "pilots.EvaluationResponse": Declaration(no_ids=("answers",)),
    "pilots.Pilot": Declaration(ids=(Ids("draw_candidates", "[]", "orgs.Team"),), no_ids=("follow_up_dates",)),
    "pilots.PilotRuleChange": Declaration(no_ids=("before", "after")),
    # The document's file is in the database (a BinaryField): it travels with the export as a file.
    "policy.PolicyExport": Declaration(no_ids=("sections", "figures")),
    "portability.DeletionRequest": Declaration(
        exported=False, reason="the pending deletion belongs to this installation, not to the data"
    ),
    "scan.ScanInvitation": Declaration(member_data="counts"),
    "scan.ScanResponse": Declaration(no_ids=("answers", "dimension_scores")),
    "vision.VisionInvitation": Declaration(member_data="counts"),
    # A round's computed figures: tallies keyed by statement id, opinion groups naming their
    # typical statements, and the highest rating counted (so a restored snapshot is as fresh
    # as the original's).
    "vision.VisionResults": Declaration(
        ids=(
            Ids("data", "tallies.{}", "vision.VisionStatement"),
            Ids("data", "groups.groups.[].typical.[].0", "vision.VisionStatement"),
            Ids("ratings_seen", "", "vision.VisionRating"),
        )
    ),
}

# Tables outside every organisation that an organisation's rows refer to by key (a published
# version of the scan's questionnaire): the key is exported as it is and must exist where the
# export is restored.
SHARED_TABLES = {"scan.Instrument"}

# Field types whose values the export writes and the restore reads back unchanged.
SUPPORTED_TYPES = {
    "AutoField", "BigAutoField", "SmallAutoField", "BigIntegerField", "IntegerField", "SmallIntegerField",
    "PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField", "BooleanField",
    "CharField", "TextField", "SlugField", "EmailField", "URLField", "UUIDField", "DateField", "DateTimeField",
    "TimeField", "DurationField", "DecimalField", "FloatField", "JSONField", "FileField", "ImageField",
    "ForeignKey", "OneToOneField", "GenericIPAddressField", "BinaryField",
}  # fmt: skip


@dataclass(frozen=True)
class Table:
    """One organisation's table: its model, the foreign key to the organisation, its declaration."""

    model: type[models.Model]
    org_field: models.ForeignKey
    declaration: Declaration

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def exported(self) -> bool:
        return self.declaration.exported

    def rows(self, organization) -> models.QuerySet:
        return self.model._base_manager.filter(**{self.org_field.name: organization})

    @cached_property
    def fields(self) -> list[models.Field]:
        """The columns written to the export: every concrete field but the organisation."""
        return [f for f in self.model._meta.concrete_fields if f is not self.org_field]

    @cached_property
    def m2m_fields(self) -> list[models.ManyToManyField]:
        """Many-to-many fields with Django's own link table (explicit ones are tables themselves)."""
        return [f for f in self.model._meta.local_many_to_many if f.remote_field.through._meta.auto_created]

    @cached_property
    def file_fields(self) -> list[models.Field]:
        declared = set(self.declaration.path_fields)
        return [f for f in self.fields if isinstance(f, models.FileField) or f.name in declared]

    @cached_property
    def binary_fields(self) -> list[models.BinaryField]:
        """Files kept in the database (a policy document's DOCX or PDF): in the export's files."""
        return [f for f in self.fields if isinstance(f, models.BinaryField)]

    def ids_of(self, f: models.Field) -> list[Ids]:
        return [i for i in self.declaration.ids if i.field == f.name]

    def is_path_field(self, f: models.Field) -> bool:
        return f.name in self.declaration.path_fields

    def user_fields(self) -> list[models.ForeignKey]:
        return [f for f in self.fields if f.is_relation and _label(f.related_model) == settings.AUTH_USER_MODEL]


def _label(model) -> str:
    return model._meta.label


def _org_fields(model) -> list[models.ForeignKey]:
    return [f for f in model._meta.concrete_fields if f.is_relation and _label(f.related_model) == ORGANIZATION]


@dataclass
class Plan:
    """The organisation's tables in dependency order (a row's targets come before it)."""

    tables: list[Table]
    others: list[type[models.Model]] = field(default_factory=list)

    @cached_property
    def by_label(self) -> dict[str, Table]:
        return {t.label: t for t in self.tables}

    @property
    def exported(self) -> list[Table]:
        return [t for t in self.tables if t.exported]

    def table_for(self, model) -> Table | None:
        return self.by_label.get(model._meta.label_lower)

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {t.label: number for number, t in enumerate(self.tables)}

    def position(self, model) -> int:
        return self._positions[model._meta.label_lower]

    def is_deferred(self, table: Table, f: models.ForeignKey) -> bool:
        """A foreign key to a row of a table that is restored later (or to the same table):
        the restore writes it empty first and fills it in once every row exists."""
        target = self.table_for(f.related_model)
        return target is not None and self.position(target.model) >= self.position(table.model)

    def ids_deferred(self, table: Table, ids: Ids) -> bool:
        """Ids of rows of a table that is restored later (or of the same table): translated
        once every row exists."""
        if ids.target == settings.AUTH_USER_MODEL:
            return False
        return self._positions[ids.target.lower()] >= self._positions[table.label]

    def gaps(self) -> list[str]:
        """Every model the export, the restore or the deletion would miss or get wrong."""
        problems = []
        for table in self.tables:
            problems += [f"{table.model._meta.label}: {p}" for p in self._table_gaps(table)]
        tenant = {t.model for t in self.tables}
        for model in self.others:
            for f in model._meta.concrete_fields:
                if f.is_relation and f.related_model in tenant:
                    problems.append(
                        f"{model._meta.label}.{f.name} points at {f.related_model._meta.label} but the table has no "
                        f"foreign key to the organisation: export, restore and deletion cannot find its rows"
                    )
        return problems

    def _table_gaps(self, table: Table) -> list[str]:
        model, declaration = table.model, table.declaration
        problems = []
        if len(_org_fields(model)) > 1:
            problems.append("more than one foreign key to the organisation")
        if model._meta.parents:
            problems.append("multi-table inheritance is not supported")
        if not declaration.exported and not declaration.reason:
            problems.append("not exported, but the declaration gives no reason")
        via = (declaration.member_via,) if declaration.member_via else ()
        for name in declaration.path_fields + declaration.pseudonymise + via:
            if name not in {f.name for f in table.fields}:
                problems.append(f"declares field {name!r}, which does not exist")
        problems += self._ids_gaps(table)
        pk = model._meta.pk
        if not isinstance(pk, models.AutoField) and not pk.has_default():
            problems.append("its primary key is neither automatic nor has a default: a restore cannot give new ids")
        for f in table.fields:
            kind = f.get_internal_type()
            if declaration.exported and kind not in SUPPORTED_TYPES and not f.is_relation:
                problems.append(f"field {f.name!r} of type {kind} is not supported by the export")
            if kind in ("CharField", "TextField") and f.name.endswith("path") and not table.is_path_field(f):
                problems.append(
                    f"field {f.name!r} looks like the path of a file: declare it in path_fields "
                    "(or rename it) so that the file is exported and deleted"
                )
            if (
                f.unique
                and not f.primary_key
                and not f.is_relation
                and kind not in ("UUIDField", "CharField", "SlugField")
            ):
                problems.append(f"unique field {f.name!r} of type {kind} cannot be given a new value in a copy")
            if f.is_relation and f is not table.org_field:
                problems += self._relation_gaps(table, f)
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            if not through._meta.auto_created and self.table_for(through) is None:
                problems.append(f"many-to-many {m2m.name!r} goes through {_label(through)}, which has no organisation")
            if through._meta.auto_created and self.table_for(m2m.related_model) is None:
                problems.append(
                    f"many-to-many {m2m.name!r} links to {_label(m2m.related_model)}, not an organisation's"
                )
        return problems

    def _ids_gaps(self, table: Table) -> list[str]:
        declaration = table.declaration
        names = {f.name for f in table.fields}
        problems = [f"declares field {n!r}, which does not exist" for n in declaration.no_ids if n not in names]
        for ids in declaration.ids:
            where = f"ids in {ids.field!r} at {ids.path!r}"
            if ids.field not in names:
                problems.append(f"declares {where}, but the field does not exist")
            if ids.when and ids.when[0] not in names:
                problems.append(f"declares {where} when {ids.when[0]!r}, which does not exist")
            if "{}" in ids.segments[:-1]:
                problems.append(f"declares {where}: '{{}}' (the keys of an object) must come last")
            if ids.target != settings.AUTH_USER_MODEL and not self._is_exported_label(ids.target):
                problems.append(f"declares {where} of {ids.target}, which is not an exported organisation's table")
        if declaration.exported:
            declared = {i.field for i in declaration.ids} | set(declaration.no_ids)
            for f in table.fields:
                if isinstance(f, models.JSONField) and f.name not in declared:
                    problems.append(
                        f"JSON field {f.name!r} is not declared: name the ids of rows in it (ids=…), which a "
                        "restore translates, or declare that it holds none (no_ids=…)"
                    )
        return problems

    def _is_exported_label(self, label: str) -> bool:
        table = self.by_label.get(label.lower())
        return table is not None and table.exported

    def _relation_gaps(self, table: Table, f) -> list[str]:
        target = _label(f.related_model)
        if target in (settings.AUTH_USER_MODEL, ORGANIZATION) or target in SHARED_TABLES:
            return []
        target_table = self.table_for(f.related_model)
        if target_table is None:
            return [
                f"field {f.name!r} refers to {target}, which is neither an organisation's table nor in SHARED_TABLES"
            ]
        if table.exported and not target_table.exported and not f.null:
            return [f"field {f.name!r} refers to {target}, which is not exported, and cannot be empty"]
        if self.is_deferred(table, f) and not f.null:
            return [f"field {f.name!r} is part of a cycle of required references: no restore order exists"]
        return []


def build_plan(model_list=None) -> Plan:
    """The plan over `model_list` (default: every installed model), tables in dependency order.

    Order: a table comes after the tables its foreign keys point at; a cycle (teams point at
    their manager's membership, memberships at their team) is broken at a nullable key,
    which the restore fills in afterwards (`Plan.is_deferred`).
    """
    model_list = list(apps.get_models() if model_list is None else model_list)
    tenant = [m for m in model_list if _org_fields(m)]
    others = [m for m in model_list if not _org_fields(m) and not m._meta.auto_created]
    tenant.sort(key=lambda m: m._meta.label_lower)
    needs = {
        m: {
            f.related_model
            for f in m._meta.concrete_fields
            if f.is_relation and f.related_model in tenant and f.related_model is not m
        }
        for m in tenant
    }
    required = {
        m: {
            f.related_model
            for f in m._meta.concrete_fields
            if f.is_relation and f.related_model in tenant and f.related_model is not m and not f.null
        }
        for m in tenant
    }
    ordered: list = []
    remaining = list(tenant)
    while remaining:
        ready = [m for m in remaining if needs[m] <= set(ordered)]
        if not ready:
            # A cycle: take a model on it whose required references are all placed; its
            # nullable ones to later tables are filled in once the rows exist.
            on_cycle = [m for m in remaining if m in _reachable(m, needs, set(ordered))]
            ready = [m for m in on_cycle if required[m] <= set(ordered)][:1] or on_cycle[:1] or remaining[:1]
        for m in ready[:1]:
            ordered.append(m)
            remaining.remove(m)
    tables = [
        Table(model=m, org_field=_org_fields(m)[0], declaration=DECLARATIONS.get(m._meta.label, Declaration()))
        for m in ordered
    ]
    return Plan(tables=tables, others=others)


def _reachable(start, needs: dict, placed: set) -> set:
    """The models `start` depends on, directly or through others, that are not placed yet."""
    seen: set = set()
    stack = [start]
    while stack:
        for target in needs[stack.pop()] - placed:
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen
