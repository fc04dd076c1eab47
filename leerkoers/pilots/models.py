"""Step 5: pilots — a hypothesis tied to KPIs, pilot and comparison teams, a decision rule
fixed at the start, and the decision to scale up, adjust or stop.

Every table carries its organisation, part of every unique constraint; rows in URLs have a
UUID (`public_id`). Teams, KPIs, learning goals and activities are linked through tables of
their own (with the organisation), not through bare many-to-many tables.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from leerkoers.pilots.decision import Outcome, Rule, fully_loaded_cost
from leerkoers.pilots.evaluation import Audience, Level
from leerkoers.scan.models import RandomIdField, random_id

MONEY = {"max_digits": 12, "decimal_places": 2, "default": Decimal(0), "validators": [MinValueValidator(0)]}


class Pilot(models.Model):
    class Status(models.TextChoices):
        DESIGN = "design", _("Design")
        RUNNING = "running", _("Running")
        EVALUATING = "evaluating", _("Evaluating")
        DECIDED = "decided", _("Decided")

    class Assignment(models.TextChoices):
        MATCHED = "matched", _("Matched on similar teams")
        RANDOM = "random", _("Drawn at random in Leerkoers")
        CONVENIENCE = "convenience", _("Chosen for convenience")

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="pilots")
    public_id = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    title = models.CharField(_("title"), max_length=200)
    hypothesis = models.TextField(
        _("hypothesis"),
        max_length=2000,
        help_text=_("If team X follows training Y, KPI Z improves by …"),
    )
    template = models.CharField(_("template"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DESIGN)
    assignment = models.CharField(
        _("how the comparison teams were chosen"),
        max_length=20,
        choices=Assignment.choices,
        default=Assignment.CONVENIENCE,
    )
    # A random draw records its seed and the candidate teams, so that anyone can redo it.
    draw_seed = models.BigIntegerField(null=True, blank=True)
    draw_candidates = models.JSONField(default=list, blank=True)
    baseline_start = models.DateField(_("baseline from"), null=True, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    follow_up_dates = models.JSONField(_("follow-up dates"), default=list, blank=True)
    evaluation_plan = models.TextField(_("evaluation plan"), max_length=4000, blank=True)
    fees = models.DecimalField(_("fees (euros)"), **MONEY)
    hours = models.DecimalField(_("hours spent"), **{**MONEY, "max_digits": 10})
    hourly_cost = models.DecimalField(_("hourly cost (euros)"), **MONEY)
    materials = models.DecimalField(_("materials (euros)"), **MONEY)
    # The decision rule: fixed at the start; a later change is kept in PilotRuleChange.
    scale_up_min = models.DecimalField(
        _("scale up from an improvement of"), max_digits=14, decimal_places=4, default=Decimal(1)
    )
    max_p = models.DecimalField(
        _("with p below"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.100"),
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(Decimal("0.5"))],
    )
    stop_max = models.DecimalField(_("stop at an improvement of at most"), max_digits=14, decimal_places=4, default=0)
    rule_locked_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Outcome.choices, blank=True)
    decision_reason = models.TextField(_("reason"), max_length=4000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by_label = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    lessons = models.TextField(_("lessons learned"), max_length=4000, blank=True)
    scale_up_start = models.DateField(_("scale-up start"), null=True, blank=True)
    scale_up_end = models.DateField(_("scale-up end"), null=True, blank=True)
    follow_up_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("pilot")
        verbose_name_plural = _("pilots")
        constraints = [
            models.UniqueConstraint(fields=["organization", "title"], name="pilots_pilot_unique_title"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def cost(self) -> Decimal:
        return fully_loaded_cost(
            fees=self.fees, hours=self.hours, hourly_cost=self.hourly_cost, materials=self.materials
        )

    @property
    def rule(self) -> Rule:
        return Rule(self.scale_up_min, self.max_p, self.stop_max)

    @property
    def in_design(self) -> bool:
        return self.status == self.Status.DESIGN


class Arm(models.TextChoices):
    PILOT = "pilot", _("Pilot team")
    COMPARISON = "comparison", _("Comparison team")


class PilotTeam(models.Model):
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="teams")
    team = models.ForeignKey("orgs.Team", on_delete=models.CASCADE, related_name="+")
    arm = models.CharField(max_length=20, choices=Arm.choices)

    class Meta:
        ordering = ["arm", "team__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "pilot", "team"], name="pilots_team_unique"),
        ]


class PilotKpi(models.Model):
    """A KPI the pilot should move, with the money value of one unit of it (for the ROI)."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="kpi_links")
    kpi = models.ForeignKey("alignment.Kpi", on_delete=models.CASCADE, related_name="+")
    value_per_unit = models.DecimalField(
        _("value of one unit for a year (euros)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    attribution = models.DecimalField(
        _("share attributed to the pilot"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.5"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    confidence = models.DecimalField(
        _("confidence in the estimate"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.7"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "pilot", "kpi"], name="pilots_kpi_unique"),
        ]


class PilotLearningGoal(models.Model):
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="learning_goal_links")
    learning_goal = models.ForeignKey("alignment.LearningGoal", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "pilot", "learning_goal"], name="pilots_learning_goal_unique"
            ),
        ]


class PilotActivity(models.Model):
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="activity_links")
    activity = models.ForeignKey("inventory.Activity", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "pilot", "activity"], name="pilots_activity_unique"),
        ]


class PilotRuleChange(models.Model):
    """A change of the decision rule after it was locked: the old and new rule and when."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="rule_changes")
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by_label = models.CharField(max_length=200, blank=True)
    before = models.JSONField()
    after = models.JSONField()
    reason = models.TextField(_("reason"), max_length=2000)

    class Meta:
        ordering = ["changed_at", "pk"]


class EvaluationForm(models.Model):
    """A short form of one Kirkpatrick level for one audience, answered without an account:
    through single-use personal links (EvaluationInvitation) or through the form's shared
    link, its `token`. `invited` is how many people were given the shared link (for the
    response rate, beside the personal invitations)."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="forms")
    public_id = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    audience = models.CharField(_("who answers"), max_length=20, choices=Audience.choices)
    token = models.CharField(max_length=64, unique=True)
    invited = models.PositiveIntegerField(
        _("people asked"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    closed = models.BooleanField(default=False)

    class Meta:
        ordering = ["level", "audience", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "pilot", "level", "audience"], name="pilots_form_unique_level"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pilot} · {self.get_level_display()} · {self.get_audience_display()}"

    @property
    def is_open(self) -> bool:
        """Answers (and invitations) are taken while the form is open and its pilot runs or
        is being evaluated."""
        return not self.closed and self.pilot.status in (Pilot.Status.RUNNING, Pilot.Status.EVALUATING)


class EvaluationInvitation(models.Model):
    """A personal, single-use link to one form, e-mailed to a member or a typed address;
    only its hash is kept. Nothing ties it to the response it became: `used` says whether,
    never when, and responses carry no time, no order and no reference back."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    form = models.ForeignKey(EvaluationForm, on_delete=models.CASCADE, related_name="invitations")
    membership = models.ForeignKey("orgs.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    # Only for an address that is not a member's (a member is named by `membership`).
    email = models.EmailField(blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)
    # Only whether, never when: a time of use would match the response written with it.
    used = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "form", "membership"], name="pilots_invitation_unique"),
            models.UniqueConstraint(
                fields=["organization", "form", "email"],
                condition=~models.Q(email=""),
                name="pilots_invitation_unique_email",
            ),
        ]


class EvaluationResponse(models.Model):
    """One anonymous response: the answers, and whether it came through a personal link
    (which one is not kept). A random integer key (on SQLite the rowid itself) and no
    timestamp, so that neither the order nor the time of the rows points to a person."""

    id = RandomIdField(primary_key=True, default=random_id, editable=False)
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    form = models.ForeignKey(EvaluationForm, on_delete=models.CASCADE, related_name="responses")
    answers = models.JSONField()
    # Came through a single-use personal link: one link, one person. Shared-link responses
    # count towards the anonymity threshold only as distinct answers (evaluation.py).
    verified = models.BooleanField(default=False)
