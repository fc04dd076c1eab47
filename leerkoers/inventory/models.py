"""Step 1: the inventory of today's learning activities and who took part in them.

Every table carries `organization` (child tables too) and it is part of every unique
constraint, so that no lookup or key can cross from one organisation into another.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    TRAINING = "training", _("Training")
    COURSE = "course", _("Course / education")
    E_LEARNING = "e_learning", _("E-learning")
    WORKSHOP = "workshop", _("Workshop")
    CONFERENCE = "conference", _("Conference / seminar")
    COACHING = "coaching", _("Coaching / mentoring")
    ON_THE_JOB = "on_the_job", _("Learning on the job")
    CERTIFICATION = "certification", _("Certification / compliance")
    OTHER = "other", _("Other")


class Initiator(models.TextChoices):
    HR = "hr", _("HR / L&D")
    MANAGER = "manager", _("Manager")
    EMPLOYEE = "employee", _("Employee")
    BOARD = "board", _("Board / management team")


class EvaluationLevel(models.IntegerChoices):
    # Kirkpatrick's four levels, with 0 for "not evaluated".
    NONE = 0, _("Not evaluated")
    REACTION = 1, _("1 – Reaction (satisfaction)")
    LEARNING = 2, _("2 – Learning (knowledge, skills)")
    BEHAVIOUR = 3, _("3 – Behaviour (applied at work)")
    RESULTS = 4, _("4 – Results (effect on the organisation)")


class Source(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported file")
    XAPI = "xapi", _("xAPI")
    API = "api", _("API")


class Activity(models.Model):
    """One learning activity as the organisation bought or organised it."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TRAINING)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    initiator = models.CharField(_("initiated by"), max_length=20, choices=Initiator.choices, blank=True)
    teams = models.ManyToManyField(
        "orgs.Team", through="ActivityTeam", related_name="activities", blank=True, verbose_name=_("teams")
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    hours_per_participant = models.DecimalField(
        _("hours per participant"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    cost = models.DecimalField(
        _("cost (euros)"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    participants = models.PositiveIntegerField(_("number of participants"), null=True, blank=True)
    goal = models.TextField(_("goal"), blank=True)
    result = models.TextField(_("result"), blank=True)
    result_measure = models.CharField(_("how the result was measured"), max_length=300, blank=True)
    evaluation_level = models.PositiveSmallIntegerField(
        _("evaluation level reached"),
        choices=EvaluationLevel.choices,
        default=EvaluationLevel.NONE,
        validators=[MaxValueValidator(4)],
    )
    mandatory = models.BooleanField(_("mandatory / compliance"), default=False)
    # The id in the source system (LMS, HR system) or the xAPI activity IRI; re-imports
    # match on it, or else on `natural_key` (title + provider + start date).
    external_id = models.CharField(_("external id"), max_length=500, blank=True)
    natural_key = models.CharField(max_length=64, editable=False, db_index=False)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL, editable=False)
    # Kept up to date by the services that write participations, so that lists never
    # count a million-row table per activity.
    participation_count = models.PositiveIntegerField(default=0, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("learning activity")
        verbose_name_plural = _("learning activities")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~Q(external_id=""),
                name="activity_unique_external_id_per_org",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="activity_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "natural_key"], name="activity_org_natural_key"),
            models.Index(fields=["organization", "start_date"], name="activity_org_start"),
            models.Index(fields=["organization", "title"], name="activity_org_title"),
            models.Index(fields=["organization", "cost"], name="activity_org_cost"),
        ]

    def __str__(self) -> str:
        return self.title


class ActivityTeam(models.Model):
    """The teams an activity was meant for (the M2M carries the organisation too)."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="team_links")
    team = models.ForeignKey("orgs.Team", on_delete=models.CASCADE, related_name="activity_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "activity", "team"], name="activityteam_unique"),
        ]


# The occasion of a participation with neither a completion nor an enrolment date: a key
# column needs a value (NULLs never conflict, so a re-import could not find the record).
NO_DATE = dt.date(1, 1, 1)


def occasion_of(completion_date: dt.date | None, enrolled_on: dt.date | None) -> dt.date:
    """The occasion that tells a person's participations in one activity apart."""
    return completion_date or enrolled_on or NO_DATE


class ParticipationStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Not passed")
    CANCELLED = "cancelled", _("Cancelled")


class Participation(models.Model):
    """One person's participation in one activity.

    `person_key` is the employee number or e-mail address of a member of the organisation;
    for anyone who is not a member it is a keyed hash ("~" + 20 hex digits of HMAC-SHA256 with
    settings.INVENTORY_PSEUDONYM_KEY) so that LMS exports do not leave names or addresses
    of non-members behind, yet re-imports still find the same person.
    """

    # Foreign keys without their own index: the composite indexes below lead with them, and
    # every extra index costs a million-row import seconds.
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="participations", db_index=False
    )
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participations", db_index=False)
    person_key = models.CharField(_("person"), max_length=254)
    membership = models.ForeignKey(
        "orgs.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participations",
        db_index=False,
    )
    team = models.ForeignKey(
        "orgs.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="participations", db_index=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ParticipationStatus.choices, default=ParticipationStatus.COMPLETED
    )
    completion_date = models.DateField(_("completion date"), null=True, blank=True)
    enrolled_on = models.DateField(_("enrolment date"), null=True, blank=True)
    # Which time this person took part: the completion date, else the enrolment date, else
    # NO_DATE (see occasion_of). Part of the unique key, so that a retake or a yearly refresher
    # is a participation of its own; the services set it.
    occasion = models.DateField(default=NO_DATE, editable=False)
    hours = models.DecimalField(
        _("hours"), max_digits=7, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL, editable=False)
    # The last xAPI statement applied to this participation (the full log of statement ids
    # is XapiStatement, which makes the endpoint idempotent).
    statement_id = models.UUIDField(null=True, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            # One record per person, activity and occasion: re-imports update it, a retake on
            # another date is another record. Led by the activity, so that counting an
            # activity's participations reads only this index.
            models.UniqueConstraint(
                fields=["activity", "person_key", "occasion", "organization"],
                name="participation_unique_occasion",
                violation_error_message=_("This person already has a participation in this activity on this date."),
            ),
            models.UniqueConstraint(
                fields=["organization", "statement_id"],
                condition=Q(statement_id__isnull=False),
                name="participation_unique_statement_per_org",
            ),
        ]
        indexes = [
            # Participation per team and per person (the analysis) without touching the table.
            # Deliberately no more indexes: each one costs a million-row import seconds.
            models.Index(fields=["organization", "team", "person_key"], name="participation_org_team_person"),
            # Newest first within the organisation (lists, API paging) without sorting the table;
            # cheap on import because ids only grow.
            models.Index(fields=["organization", "-id"], name="participation_org_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.person_key} – {self.activity_id}"


class XapiStatement(models.Model):
    """Every xAPI statement id received, with a hash of its content (idempotency, 409)."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    statement_id = models.UUIDField()
    content_hash = models.CharField(max_length=64)
    participation = models.ForeignKey(Participation, on_delete=models.SET_NULL, null=True, related_name="statements")
    verb = models.CharField(max_length=500)
    stored = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "statement_id"], name="xapistatement_unique_per_org"),
        ]


class ImportKind(models.TextChoices):
    ACTIVITIES = "activities", _("Learning activities")
    PARTICIPATIONS = "participations", _("Participations")


class ImportMapping(models.Model):
    """A saved column mapping (file header → field), reused for the next export of a system."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    name = models.CharField(_("name"), max_length=100)
    mapping = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind", "name"], name="importmapping_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    """One uploaded file on its way through preview → mapping → validation → import."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATED = "validated", _("Checked")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Not imported")

    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    filename = models.CharField(max_length=255)
    # The file itself lives under MEDIA_ROOT/imports/<org id>/; removed when the run is.
    stored_path = models.CharField(max_length=500)
    size = models.PositiveBigIntegerField(default=0)
    sheet = models.CharField(max_length=100, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    skip_invalid = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    job = models.ForeignKey("jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "uuid"], name="importrun_unique_uuid"),
        ]
