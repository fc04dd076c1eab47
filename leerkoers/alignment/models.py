"""Step 3: strategic goals with KPIs, learning goals, and the links between them.

Every table carries its organisation (child tables too) and the organisation is part of
every unique constraint. Themes: the four of the seed are fixed keys (PRESET_THEMES), an
organisation adds its own as `Theme` rows with their own key.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from leerkoers.orgs.models import Membership, Organization, Role, Team

PRESET_THEMES = {
    "customer_satisfaction": _("Customer satisfaction"),
    "efficiency_innovation": _("Efficiency and innovation"),
    "service_quality": _("Quality of service"),
    "employee_satisfaction_retention": _("Employee satisfaction and retention"),
}


class Theme(models.Model):
    """An organisation's own theme next to the four preset ones."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="alignment_themes")
    key = models.SlugField(_("key"), max_length=60, help_text=_("Short name used by the API, e.g. sustainability."))
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="alignment_theme_unique_key"),
        ]

    def __str__(self) -> str:
        return self.name


class StrategicGoal(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="strategic_goals")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    theme = models.CharField(_("theme"), max_length=60)
    owner = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("owner")
    )
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    priority = models.PositiveIntegerField(_("priority"), default=1, help_text=_("1 is the most important."))
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["priority", "title", "pk"]
        verbose_name = _("strategic goal")
        verbose_name_plural = _("strategic goals")

    def __str__(self) -> str:
        return self.title


class Kpi(models.Model):
    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    class Unit(models.TextChoices):
        PERCENT = "percent", _("percent (%)")
        NUMBER = "number", _("number")
        SCORE = "score", _("score")
        EURO = "euro", _("euro (€)")
        DAYS = "days", _("days")
        HOURS = "hours", _("hours")
        MINUTES = "minutes", _("minutes")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="kpis")
    strategic_goal = models.ForeignKey(
        StrategicGoal, on_delete=models.CASCADE, related_name="kpis", verbose_name=_("strategic goal")
    )
    name = models.CharField(_("name"), max_length=200)
    definition = models.TextField(_("definition"), blank=True, help_text=_("What exactly is counted, and how."))
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    source = models.CharField(_("source"), max_length=200, blank=True, help_text=_("Where the figures come from."))
    owner = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("owner")
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    baseline_value = models.DecimalField(_("baseline value"), max_digits=14, decimal_places=4)
    baseline_date = models.DateField(_("baseline date"))
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=4)
    target_date = models.DateField(_("target date"))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["strategic_goal__priority", "name", "pk"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "strategic_goal", "name"], name="alignment_kpi_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Measurement(models.Model):
    """One value of a KPI on a date, for the whole organisation (team empty) or one team."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="measurements")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kpi", "date"],
                condition=models.Q(team__isnull=True),
                name="alignment_measurement_unique_org_scope",
            ),
            models.UniqueConstraint(
                fields=["organization", "kpi", "team", "date"],
                condition=models.Q(team__isnull=False),
                name="alignment_measurement_unique_team_scope",
            ),
        ]


class LearningGoal(models.Model):
    """A SMART learning goal: who, which behaviour or skill, by when, how measured."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="learning_goals")
    title = models.CharField(_("title"), max_length=200)
    who = models.CharField(
        _("who"), max_length=300, blank=True, help_text=_("Who learns, e.g. 'customer service staff'.")
    )
    behaviour = models.TextField(
        _("behaviour or skill"),
        blank=True,
        help_text=_("What people will do differently, e.g. 'summarise the customer's question before answering'."),
    )
    deadline = models.DateField(_("by when"), null=True, blank=True)
    measure = models.TextField(
        _("how measured"),
        blank=True,
        help_text=_("How you will see it worked, with a level, e.g. 'customer rating of at least 8 in the survey'."),
    )
    target_teams = models.ManyToManyField(Team, blank=True, related_name="+", verbose_name=_("teams"))
    target_roles = models.JSONField(_("roles"), default=list, blank=True)
    strategic_goals = models.ManyToManyField(
        StrategicGoal, through="LearningGoalLink", related_name="learning_goals", blank=True
    )
    activities = models.ManyToManyField(
        "inventory.Activity", through="ActivityLink", related_name="learning_goals", blank=True
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("learning goal")
        verbose_name_plural = _("learning goals")

    def __str__(self) -> str:
        return self.title

    def target_role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels.get(role, role)) for role in self.target_roles]


class LearningGoalLink(models.Model):
    """Learning goal serves strategic goal, with the reason why."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    learning_goal = models.ForeignKey(LearningGoal, on_delete=models.CASCADE, related_name="links")
    strategic_goal = models.ForeignKey(StrategicGoal, on_delete=models.CASCADE, related_name="links")
    rationale = models.TextField(_("rationale"), blank=True)

    class Meta:
        ordering = ["strategic_goal__priority", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "learning_goal", "strategic_goal"], name="alignment_link_unique"
            ),
        ]


class ActivityLink(models.Model):
    """A learning activity of the inventory serves a learning goal (set by a person, never silently)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    learning_goal = models.ForeignKey(LearningGoal, on_delete=models.CASCADE, related_name="activity_links")
    activity = models.ForeignKey("inventory.Activity", on_delete=models.CASCADE, related_name="learning_goal_links")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "learning_goal", "activity"], name="alignment_activitylink_unique"
            ),
        ]


class RejectedSuggestion(models.Model):
    """A suggested link the user turned down; it is not suggested again."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    learning_goal = models.ForeignKey(LearningGoal, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey("inventory.Activity", on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "learning_goal", "activity"], name="alignment_rejection_unique"
            ),
        ]
