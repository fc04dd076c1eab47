"""Step 4: who owns which part of learning — the responsibility matrix (RACI) of the
learning processes, team learning plans owned by managers, and personal development plans
(POP) owned by employees, with every agreed version kept.

Every table carries its organisation (child tables too) and the organisation is part of
every unique constraint; rows that appear in a URL have a UUID.
"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from leerkoers.orgs.models import Membership, Organization, Role, Team


class Layer(models.TextChoices):
    """The columns of the matrix: the layers of the organisation."""

    BOARD = "board", _("Board")
    HR = "hr", _("HR / L&D")
    MANAGERS = "managers", _("Managers")
    EMPLOYEES = "employees", _("Employees")


# The layer each member role belongs to; advisors stand outside the matrix.
LAYER_OF_ROLE = {
    Role.DIRECTOR: Layer.BOARD,
    Role.ADMIN: Layer.HR,
    Role.MANAGER: Layer.MANAGERS,
    Role.EMPLOYEE: Layer.EMPLOYEES,
}


class Raci(models.TextChoices):
    RESPONSIBLE = "R", _("Responsible")
    ACCOUNTABLE = "A", _("Accountable")
    CONSULTED = "C", _("Consulted")
    INFORMED = "I", _("Informed")


# The processes of the template (leerkoers.ownership.raci), named in the reader's language;
# an organisation's own processes carry the name it gave them.
TEMPLATE_NAMES = {
    "needs_analysis": _("Learning needs analysis"),
    "budget": _("Learning budget"),
    "activity_choice": _("Choosing learning activities"),
    "planning": _("Planning learning and conversations"),
    "evaluation": _("Evaluating learning"),
    "policy": _("The learning policy itself"),
}


class LearningProcess(models.Model):
    """One row of the responsibility matrix: a learning process and each layer's letter.

    `key` names the processes of the template (needs_analysis, budget, …), which have open
    work Leerkoers can list; an organisation's own processes get a key of their own.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="learning_processes")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.SlugField(_("key"), max_length=60)
    name = models.CharField(_("process"), max_length=120)
    position = models.PositiveSmallIntegerField(default=0)
    board = models.CharField(_("Board"), max_length=1, choices=Raci.choices, blank=True)
    hr = models.CharField(_("HR / L&D"), max_length=1, choices=Raci.choices, blank=True)
    managers = models.CharField(_("Managers"), max_length=1, choices=Raci.choices, blank=True)
    employees = models.CharField(_("Employees"), max_length=1, choices=Raci.choices, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="ownership_process_unique_key"),
            models.UniqueConstraint(fields=["organization", "name"], name="ownership_process_unique_name"),
        ]

    def __str__(self) -> str:
        return str(TEMPLATE_NAMES.get(self.key, self.name))

    @property
    def label(self) -> str:
        return str(self)

    def letters(self) -> dict[str, str]:
        return {layer: getattr(self, layer) for layer in Layer.values}

    def cells(self) -> list[tuple[str, str, str]]:
        """(layer, letter, the letter's meaning) per layer, in the matrix's column order."""
        meaning = dict(Raci.choices)
        return [(layer, getattr(self, layer), meaning.get(getattr(self, layer), "")) for layer in Layer.values]


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class TeamPlan(models.Model):
    """A team's learning plan for a year, owned by the team's manager (the team's, not a copy:
    when the team gets another manager, the plan goes with the team)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="team_plans")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="learning_plans", verbose_name=_("team"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    review_date = models.DateField(_("review date"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget (euros)"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    spend = models.DecimalField(
        _("spent (euros)"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    notes = models.TextField(_("notes"), blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "team__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "team", "year"], name="ownership_teamplan_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.year}"


class TeamPlanGoal(models.Model):
    """A team learning goal, tied to one of the organisation's learning goals (step 3) or not."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(TeamPlan, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("team learning goal"), max_length=200)
    learning_goal = models.ForeignKey(
        "alignment.LearningGoal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="team_plan_goals",
        verbose_name=_("organisation learning goal"),
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "plan", "title"], name="ownership_teamgoal_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class TeamPlanActivity(models.Model):
    """An activity the team chose: one of the inventory's, or a new one named here."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(TeamPlan, on_delete=models.CASCADE, related_name="activities")
    activity = models.ForeignKey(
        "inventory.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="team_plan_entries",
        verbose_name=_("activity of the inventory"),
    )
    title = models.CharField(_("new activity"), max_length=300, blank=True)
    cost = models.DecimalField(
        _("planned cost (euros)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.activity.title if self.activity_id else self.title


class PopStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SHARED = "shared", _("Shared with the manager")
    AGREED = "agreed", _("Agreed")
    SENT_BACK = "sent_back", _("Sent back")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class Pop(models.Model):
    """A personal development plan (POP) of one member for one year, owned by that member.

    Who reads what is decided in leerkoers.ownership.visibility, nowhere else.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="pops")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="pops", verbose_name=_("member"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    status = models.CharField(_("status"), max_length=20, choices=PopStatus.choices, default=PopStatus.DRAFT)
    share_with_hr = models.BooleanField(_("HR may read the content"), default=False)
    support_needed = models.TextField(_("support needed"), blank=True)
    hours_asked = models.DecimalField(
        _("time asked (hours)"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_asked = models.DecimalField(
        _("budget asked (euros)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    manager_comment = models.TextField(_("manager's comment"), blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    agreed_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("agreed by")
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("personal development plan")
        verbose_name_plural = _("personal development plans")
        constraints = [
            models.UniqueConstraint(fields=["organization", "member", "year"], name="ownership_pop_unique_year"),
        ]

    def __str__(self) -> str:
        return f"POP {self.year}"

    @property
    def is_editable(self) -> bool:
        return self.status in (PopStatus.DRAFT, PopStatus.SENT_BACK)


class PopGoal(models.Model):
    """An own goal of a POP, optionally tied to a team or an organisation learning goal."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pop = models.ForeignKey(Pop, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200)
    learning_goal = models.ForeignKey(
        "alignment.LearningGoal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pop_goals",
        verbose_name=_("organisation learning goal"),
    )
    team_goal = models.ForeignKey(
        TeamPlanGoal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pop_goals",
        verbose_name=_("team learning goal"),
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "pop", "title"], name="ownership_popgoal_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class PopActivity(models.Model):
    """An activity the member chose: one of the inventory's, or a new one named here."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pop = models.ForeignKey(Pop, on_delete=models.CASCADE, related_name="activities")
    activity = models.ForeignKey(
        "inventory.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pop_entries",
        verbose_name=_("activity of the inventory"),
    )
    title = models.CharField(_("new activity"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.activity.title if self.activity_id else self.title


class PopVersion(models.Model):
    """The content of a POP as the manager agreed it, kept unchanged (one per agreement)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    pop = models.ForeignKey(Pop, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    agreed_on = models.DateField()
    agreed_by_name = models.CharField(max_length=200)
    content = models.JSONField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "pop", "number"], name="ownership_popversion_unique"),
        ]


class ConversationKind(models.TextChoices):
    PLANNING = "planning", _("Planning conversation")
    PROGRESS = "progress", _("Progress conversation")
    APPRAISAL = "appraisal", _("Appraisal conversation")
    ONBOARDING_WEEK = "onboarding_week", _("Onboarding: after 1 week")
    ONBOARDING_MONTH = "onboarding_month", _("Onboarding: after 1 month")
    ONBOARDING_QUARTER = "onboarding_quarter", _("Onboarding: after 3 months")


class Conversation(models.Model):
    """One conversation of the HR cycle between a member and their manager, with its
    learning agenda (leerkoers.ownership.cycle) and the follow-up agreed in it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="conversations")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=30, choices=ConversationKind.choices)
    member = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="conversations", verbose_name=_("member")
    )
    manager = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("manager")
    )
    planned_on = models.DateField(_("planned on"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    follow_up = models.TextField(_("follow-up agreed"), blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["planned_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "member", "kind", "planned_on"], name="ownership_conversation_unique"
            ),
        ]
        indexes = [
            # The conversations not yet held, in date order (a manager's home, the reminders):
            # read from here instead of every conversation of the organisation (20,000 in the
            # benchmark of docs/ownership.md).
            models.Index(fields=["organization", "held_on", "planned_on"], name="ownership_conversation_open"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.planned_on}"


class OpenWorkReminder(models.Model):
    """That one member was e-mailed about one piece of open work of a process (a team
    without a plan this year, a plan in draft, a POP waiting for agreement…), so that each
    goes to each of them at most once. `item` is the work's stable key from
    `selectors.open_items` (it changes when the work comes back in another form, e.g. a plan
    with a new review date). The unique constraint is the claim: a second run cannot insert it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    process = models.SlugField(max_length=60)
    item = models.CharField(max_length=120)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "member", "process", "item"], name="ownership_openworkreminder_unique"
            ),
        ]


class CalendarFeed(models.Model):
    """A member's secret address of their coming conversations, for a calendar app to
    subscribe to (it cannot sign in). Only the hash of the address's token is stored, so a
    copy of the database opens no one's calendar; a new address replaces the old one."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    # The language of the page it was made on: calendar apps send none, so the feed keeps it.
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)

    def __str__(self) -> str:
        return f"calendar feed of {self.membership_id}"
