"""Workflows of step 3: every change goes through here, validated, atomic and audited.

Services are keyword-only; they raise django ValidationError with messages for the user
(field-keyed where a field is to blame) and change nothing when they refuse.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkoers.alignment.models import (
    PRESET_THEMES,
    ActivityLink,
    Kpi,
    LearningGoal,
    LearningGoalLink,
    Measurement,
    RejectedSuggestion,
    StrategicGoal,
    Theme,
)
from leerkoers.audit.services import audit_record
from leerkoers.inventory.selectors import bump_revision as inventory_changed
from leerkoers.orgs.models import Organization, Role

# --- themes ------------------------------------------------------------------------------


def theme_choices(organization: Organization) -> list[tuple[str, str]]:
    """The four preset themes, then the organisation's own, as (key, label)."""
    own = Theme.objects.filter(organization=organization).values_list("key", "name")
    return [(key, str(label)) for key, label in PRESET_THEMES.items()] + list(own)


def theme_label(organization: Organization, key: str, own: dict[str, str] | None = None) -> str:
    if key in PRESET_THEMES:
        return str(PRESET_THEMES[key])
    if own is None:
        own = dict(Theme.objects.filter(organization=organization).values_list("key", "name"))
    return own.get(key, key)


def theme_create(*, organization: Organization, key: str, name: str, actor) -> Theme:
    key, name = (key or "").strip().lower(), (name or "").strip()
    if key in PRESET_THEMES:
        raise ValidationError({"key": _("This key belongs to one of the preset themes; choose another.")})
    theme = Theme(organization=organization, key=key, name=name)
    theme.full_clean(validate_constraints=False)
    if Theme.objects.filter(organization=organization, key=key).exists():
        raise ValidationError({"key": _("There is already a theme with this key.")})
    try:
        with transaction.atomic():
            theme.save()
            audit_record(organization=organization, actor=actor, action="theme.create", target=theme, summary=name)
    except IntegrityError:
        raise ValidationError({"key": _("There is already a theme with this key.")}) from None
    return theme


def theme_delete(*, theme: Theme, actor) -> None:
    if StrategicGoal.objects.filter(organization=theme.organization, theme=theme.key).exists():
        raise ValidationError(_("Strategic goals still use this theme; give them another theme first."))
    with transaction.atomic():
        audit_record(
            organization=theme.organization, actor=actor, action="theme.delete", target=theme, summary=theme.name
        )
        theme.delete()


# --- strategic goals ---------------------------------------------------------------------

STRATEGIC_GOAL_FIELDS = ("title", "description", "theme", "owner", "period_start", "period_end", "status", "priority")


def _check_owner(organization: Organization, owner) -> None:
    if owner is not None and owner.organization_id != organization.pk:
        raise ValidationError({"owner": _("The owner must be a member of this organisation.")})


def _clean_strategic_goal(goal: StrategicGoal) -> None:
    errors = {}
    if goal.theme not in dict(theme_choices(goal.organization)):
        errors["theme"] = _("Choose one of the themes: %(keys)s.") % {
            "keys": ", ".join(key for key, _label in theme_choices(goal.organization))
        }
    if goal.period_start and goal.period_end and goal.period_end < goal.period_start:
        errors["period_end"] = _("The end of the period must not be before its start.")
    try:
        goal.full_clean(exclude=["organization"])
    except ValidationError as exc:
        errors = {**exc.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    _check_owner(goal.organization, goal.owner)


def strategic_goal_save(*, goal: StrategicGoal, actor, changes: dict | None = None) -> StrategicGoal:
    """Create (no pk yet) or update a strategic goal; `changes` are applied first."""
    creating = goal.pk is None
    for name, value in (changes or {}).items():
        if name not in STRATEGIC_GOAL_FIELDS:
            raise ValueError(name)
        setattr(goal, name, value)
    if isinstance(goal.title, str):
        goal.title = goal.title.strip()
    _clean_strategic_goal(goal)
    with transaction.atomic():
        goal.save()
        audit_record(
            organization=goal.organization,
            actor=actor,
            action="strategic_goal.create" if creating else "strategic_goal.update",
            target=goal,
            summary=goal.title,
        )
    return goal


def strategic_goal_delete(*, goal: StrategicGoal, actor) -> None:
    """Delete a strategic goal with its KPIs and measurements (learning goals stay)."""
    with transaction.atomic():
        audit_record(
            organization=goal.organization, actor=actor, action="strategic_goal.delete", target=goal, summary=goal.title
        )
        goal.delete()


# --- KPIs --------------------------------------------------------------------------------

KPI_FIELDS = (
    "strategic_goal",
    "name",
    "definition",
    "unit",
    "source",
    "owner",
    "direction",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
)


def _clean_kpi(kpi: Kpi) -> None:
    errors = {}
    try:
        kpi.full_clean(exclude=["organization"], validate_constraints=False)
    except ValidationError as exc:
        errors = dict(exc.message_dict)
    if kpi.strategic_goal_id and kpi.strategic_goal.organization_id != kpi.organization_id:
        errors["strategic_goal"] = [_("Unknown strategic goal.")]
    if not errors:
        if kpi.target_date <= kpi.baseline_date:
            errors["target_date"] = [_("The target date must be after the baseline date.")]
        if kpi.target_value == kpi.baseline_value:
            errors["target_value"] = [_("The target must differ from the baseline.")]
        elif kpi.direction == Kpi.Direction.HIGHER and kpi.target_value < kpi.baseline_value:
            errors["target_value"] = [_("Higher is better, so the target must be above the baseline.")]
        elif kpi.direction == Kpi.Direction.LOWER and kpi.target_value > kpi.baseline_value:
            errors["target_value"] = [_("Lower is better, so the target must be below the baseline.")]
        if kpi.unit == Kpi.Unit.PERCENT and not all(0 <= v <= 100 for v in (kpi.baseline_value, kpi.target_value)):
            errors["target_value"] = [_("A percentage lies between 0 and 100.")]
        duplicate = Kpi.objects.filter(
            organization_id=kpi.organization_id, strategic_goal_id=kpi.strategic_goal_id, name=kpi.name
        ).exclude(pk=kpi.pk)
        if duplicate.exists():
            errors["name"] = [_("This strategic goal already has a KPI with this name.")]
    if errors:
        raise ValidationError(errors)
    _check_owner(kpi.organization, kpi.owner)


def kpi_save(*, kpi: Kpi, actor, changes: dict | None = None) -> Kpi:
    """Create (no pk yet) or update a KPI; `changes` are applied first.

    Refuses a target date not after the baseline date, a target equal to the baseline or on
    the wrong side of it for the direction, a percentage outside 0–100, a duplicate name.
    Changing the unit is refused once measurements exist (they were taken in the old unit).
    """
    creating = kpi.pk is None
    old_unit = None if creating else Kpi.objects.filter(pk=kpi.pk).values_list("unit", flat=True).first()
    for name, value in (changes or {}).items():
        if name not in KPI_FIELDS:
            raise ValueError(name)
        setattr(kpi, name, value)
    if isinstance(kpi.name, str):
        kpi.name = kpi.name.strip()
    _clean_kpi(kpi)
    if old_unit and old_unit != kpi.unit and kpi.measurements.exists():
        raise ValidationError({"unit": _("The KPI has measurements in its unit; the unit cannot change any more.")})
    try:
        with transaction.atomic():
            kpi.save()
            audit_record(
                organization=kpi.organization,
                actor=actor,
                action="kpi.create" if creating else "kpi.update",
                target=kpi,
                summary=kpi.name,
            )
    except IntegrityError:  # a KPI of the same name was stored in the meantime
        raise ValidationError({"name": _("This strategic goal already has a KPI with this name.")}) from None
    return kpi


def kpi_delete(*, kpi: Kpi, actor) -> None:
    with transaction.atomic():
        audit_record(organization=kpi.organization, actor=actor, action="kpi.delete", target=kpi, summary=kpi.name)
        kpi.delete()


# --- measurements ------------------------------------------------------------------------

UNIT_WORDS = {
    Kpi.Unit.PERCENT: {"percent", "%", "procent", "pct", "percentage"},
    Kpi.Unit.NUMBER: {"number", "aantal", "count", "#", "getal"},
    Kpi.Unit.SCORE: {"score", "cijfer", "punten", "points"},
    Kpi.Unit.EURO: {"euro", "eur", "€", "euros"},
    Kpi.Unit.DAYS: {"days", "dagen", "dag", "day"},
    Kpi.Unit.HOURS: {"hours", "uren", "uur", "hour"},
    Kpi.Unit.MINUTES: {"minutes", "minuten", "min", "minuut"},
}


def unit_matches(kpi_unit: str, given: str) -> bool:
    given = (given or "").strip().lower()
    return given == "" or given == kpi_unit or given in UNIT_WORDS.get(kpi_unit, set())


@dataclass(frozen=True)
class MeasurementInput:
    """One measurement to add, after parsing; `where` names it in error messages (row 4, item 2)."""

    where: str
    kpi: Kpi
    date: date
    value: Decimal
    team: object | None = None  # orgs.Team
    unit: str = ""


def measurement_problems(item: MeasurementInput, *, today: date) -> list[tuple[str, str]]:
    """(field, message) for everything wrong with one measurement on its own."""
    kpi = item.kpi
    problems = []
    if not unit_matches(kpi.unit, item.unit):
        problems.append(
            (
                "unit",
                _("The unit “%(given)s” does not match the KPI’s unit (%(unit)s).")
                % {"given": item.unit, "unit": kpi.get_unit_display()},
            )
        )
    # A team may bring its history from before the start: its own baseline (kpi_status.team_plan).
    if item.date < kpi.baseline_date and item.team is None:
        problems.append(
            (
                "date",
                _("%(date)s is before the KPI’s baseline date (%(baseline)s); measurements follow the baseline.")
                % {"date": item.date.isoformat(), "baseline": kpi.baseline_date.isoformat()},
            )
        )
    if item.date > today:
        problems.append(("date", _("%(date)s lies in the future.") % {"date": item.date.isoformat()}))
    if kpi.unit == Kpi.Unit.PERCENT and not (0 <= item.value <= 100):
        problems.append(("value", _("A percentage lies between 0 and 100.")))
    if abs(item.value) >= Decimal(10) ** 10:
        problems.append(("value", _("The value is too large.")))
    if item.team is not None and item.team.organization_id != kpi.organization_id:
        problems.append(("team", _("Unknown team.")))
    return problems


class MeasurementErrors(ValidationError):
    """All problems of a batch; `rows` is a list of {"where", "field", "message"}."""

    def __init__(self, rows: list[dict]):
        self.rows = rows
        super().__init__([f"{row['where']}: {row['message']}" for row in rows])

    def by_field(self) -> ValidationError:
        """The problems keyed by item and field ("2.value"; "date" for a batch of one without
        a name), as a form or the API shows them per field."""
        errors: dict[str, list[str]] = {}
        for row in self.rows:
            errors.setdefault(".".join(filter(None, [row["where"], row["field"]])), []).append(row["message"])
        return ValidationError(errors)


def measurement_batch_errors(*, organization: Organization, items: list[MeasurementInput]) -> list[dict]:
    """Every problem of a batch as {"where", "field", "message"}; empty when it can be stored.

    Checks each item on its own (measurement_problems), repeats of KPI, scope and date within
    the batch, and against what is stored already.
    """
    today = timezone.localdate()
    errors = []
    seen: dict[tuple, str] = {}
    for item in items:
        if item.kpi.organization_id != organization.pk:
            errors.append({"where": item.where, "field": "kpi", "message": _("Unknown KPI.")})
            continue
        for field, message in measurement_problems(item, today=today):
            errors.append({"where": item.where, "field": field, "message": message})
        key = (item.kpi.pk, item.team.pk if item.team else None, item.date)
        if key in seen:
            errors.append(
                {
                    "where": item.where,
                    "field": "date",
                    "message": _("Same KPI, scope and date as %(other)s.") % {"other": seen[key] or _("another item")},
                }
            )
        seen.setdefault(key, item.where)
    kpi_ids = {kpi for kpi, _team, _date in seen}
    existing = set(
        Measurement.objects.filter(organization=organization, kpi_id__in=kpi_ids).values_list(
            "kpi_id", "team_id", "date"
        )
    )
    for item in items:
        key = (item.kpi.pk, item.team.pk if item.team else None, item.date)
        if key in existing:
            errors.append(
                {
                    "where": item.where,
                    "field": "date",
                    "message": _("There is already a measurement of this KPI for this scope on %(date)s.")
                    % {"date": item.date.isoformat()},
                }
            )
    return errors


def measurements_create(*, organization: Organization, items: list[MeasurementInput], actor) -> list[Measurement]:
    """Add measurements, all or nothing.

    Refuses (MeasurementErrors, nothing stored) an empty batch, and any batch where an item
    has a wrong unit, a date before its KPI's baseline or in the future, a percentage outside
    0–100, or repeats a KPI, scope and date — within the batch or already stored (to correct
    a value, delete the measurement first).
    """
    if not items:
        raise MeasurementErrors([{"where": "", "field": "", "message": _("There are no measurements to add.")}])
    errors = measurement_batch_errors(organization=organization, items=items)
    if errors:
        raise MeasurementErrors(errors)
    rows = [
        Measurement(organization=organization, kpi=item.kpi, team=item.team, date=item.date, value=item.value)
        for item in items
    ]
    try:
        with transaction.atomic():
            created = _store_measurements(organization, rows, items, actor)
    except IntegrityError:
        # Someone stored the same KPI, scope and date in the meantime (the unique constraint).
        raise MeasurementErrors(
            [
                {
                    "where": "",
                    "field": "date",
                    "message": _("A measurement for the same KPI, scope and date was just stored; reload and check."),
                }
            ]
        ) from None
    return created


def _store_measurements(organization, rows, items, actor) -> list[Measurement]:
    created = Measurement.objects.bulk_create(rows)
    counts: dict[int, int] = {}
    kpis = {item.kpi.pk: item.kpi for item in items}
    for item in items:
        counts[item.kpi.pk] = counts.get(item.kpi.pk, 0) + 1
    for kpi_id, count in counts.items():
        audit_record(
            organization=organization,
            actor=actor,
            action="measurement.create",
            target=kpis[kpi_id],
            summary=_("%(count)d measurement(s)") % {"count": count},
        )
    return created


def measurement_delete(*, measurement: Measurement, actor) -> None:
    with transaction.atomic():
        audit_record(
            organization=measurement.organization,
            actor=actor,
            action="measurement.delete",
            target=measurement.kpi,
            summary=f"{measurement.date.isoformat()}: {measurement.value}",
        )
        measurement.delete()


# --- learning goals ----------------------------------------------------------------------

LEARNING_GOAL_FIELDS = ("title", "who", "behaviour", "deadline", "measure", "target_roles")


def learning_goal_save(
    *,
    goal: LearningGoal,
    actor,
    changes: dict | None = None,
    target_teams: list | None = None,
    links: list[tuple[StrategicGoal, str]] | None = None,
) -> LearningGoal:
    """Create or update a learning goal; `target_teams` and `links` (strategic goal,
    rationale) replace the current ones when given. Refuses teams, strategic goals or roles
    that are not the organisation's, and a goal without a title."""
    creating = goal.pk is None
    organization = goal.organization
    for name, value in (changes or {}).items():
        if name not in LEARNING_GOAL_FIELDS:
            raise ValueError(name)
        setattr(goal, name, value)
    goal.title = (goal.title or "").strip()
    errors = {}
    try:
        goal.full_clean(exclude=["organization", "target_roles"])
    except ValidationError as exc:
        errors = dict(exc.message_dict)
    if not isinstance(goal.target_roles, list) or any(role not in Role.values for role in goal.target_roles):
        errors["target_roles"] = [_("Roles must be chosen from: %(roles)s.") % {"roles": ", ".join(Role.values)}]
    if target_teams is not None and any(team.organization_id != organization.pk for team in target_teams):
        errors["target_teams"] = [_("Unknown team.")]
    if links is not None:
        if any(sg.organization_id != organization.pk for sg, _r in links):
            errors["strategic_goals"] = [_("Unknown strategic goal.")]
        elif len({sg.pk for sg, _r in links}) != len(links):
            errors["strategic_goals"] = [_("Each strategic goal can be linked once.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        goal.target_roles = sorted(set(goal.target_roles))
        goal.save()
        if target_teams is not None:
            goal.target_teams.set(target_teams)
        if links is not None:
            keep = {sg.pk for sg, _r in links}
            LearningGoalLink.objects.filter(organization=organization, learning_goal=goal).exclude(
                strategic_goal_id__in=keep
            ).delete()
            for sg, rationale in links:
                LearningGoalLink.objects.update_or_create(
                    organization=organization,
                    learning_goal=goal,
                    strategic_goal=sg,
                    defaults={"rationale": (rationale or "").strip()},
                )
        audit_record(
            organization=organization,
            actor=actor,
            action="learning_goal.create" if creating else "learning_goal.update",
            target=goal,
            summary=goal.title,
        )
    return goal


def learning_goal_delete(*, goal: LearningGoal, actor) -> None:
    """Delete a learning goal with its links (the strategic goals and activities stay)."""
    had_activities = goal.activity_links.exists()
    with transaction.atomic():
        audit_record(
            organization=goal.organization, actor=actor, action="learning_goal.delete", target=goal, summary=goal.title
        )
        goal.delete()
    if had_activities:
        inventory_changed(goal.organization)


def _goal_activity_pair(model, goal: LearningGoal, activity, actor, action: str, sign: str):
    """(row, created) of `model` pairing the goal with an activity of its organisation; a new
    pair is recorded in the audit trail as "goal <sign> activity", an existing one is left."""
    if activity.organization_id != goal.organization_id:
        raise ValidationError({"activity": _("Unknown activity.")})
    with transaction.atomic():
        row, created = model.objects.get_or_create(
            organization=goal.organization, learning_goal=goal, activity=activity
        )
        if created:
            audit_record(
                organization=goal.organization,
                actor=actor,
                action=f"learning_goal.{action}",
                target=goal,
                summary=f"{goal.title} {sign} {activity.title}"[:300],
            )
    return row, created


def activity_link_add(*, goal: LearningGoal, activity, actor) -> tuple[ActivityLink, bool]:
    """Link an activity to a learning goal; (link, created). Linking twice changes nothing."""
    link, created = _goal_activity_pair(ActivityLink, goal, activity, actor, "link_activity", "←")
    if created:
        # The inventory's cached coherence analysis counts the activities linked to a goal.
        inventory_changed(goal.organization)
    return link, created


def activity_link_remove(*, goal: LearningGoal, activity, actor) -> bool:
    """Remove the link; False when there was none."""
    with transaction.atomic():
        deleted, _rows = ActivityLink.objects.filter(
            organization=goal.organization, learning_goal=goal, activity=activity
        ).delete()
        if deleted:
            audit_record(
                organization=goal.organization,
                actor=actor,
                action="learning_goal.unlink_activity",
                target=goal,
                summary=f"{goal.title} ← {activity.title}"[:300],
            )
    if deleted:
        inventory_changed(goal.organization)
    return bool(deleted)


def suggestion_reject(*, goal: LearningGoal, activity, actor) -> None:
    """Remember that this activity does not serve this goal, so it is not suggested again."""
    _goal_activity_pair(RejectedSuggestion, goal, activity, actor, "reject_suggestion", "≠")
