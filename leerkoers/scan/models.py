"""The readiness scan: instrument versions, rounds inside an organisation, links and responses.

Responses are anonymous: a response never points at a person, a personal link or an
invitation; a personal link only records *that* it has been used, not when. Nothing a
database backup holds lines the two up: responses carry a random id (no sequence) and only
the day they were given; invitations no time of use (docs/scan.md, "Anonymity").
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Instrument(models.Model):
    """One published version of the questionnaire; its definition never changes afterwards."""

    version = models.PositiveIntegerField(primary_key=True)
    definition = models.JSONField()
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"v{self.version}"


class Layer(models.TextChoices):
    BOARD = "board", _("Board")
    MANAGERS = "managers", _("Managers")
    EMPLOYEES = "employees", _("Employees")
    HR = "hr", _("HR / L&D")


class ScanRound(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="scan_rounds")
    public_id = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    title = models.CharField(_("title"), max_length=200)
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="rounds")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("scan round")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class RoundLink(models.Model):
    """The private link of one layer in a round: anyone holding it answers for that layer."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(ScanRound, on_delete=models.CASCADE, related_name="links")
    layer = models.CharField(max_length=20, choices=Layer.choices)
    token = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "round", "layer"], name="roundlink_unique_layer"),
        ]


class ScanInvitation(models.Model):
    """A personal, single-use link e-mailed to a member; only its hash is kept."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(ScanRound, on_delete=models.CASCADE, related_name="invitations")
    membership = models.ForeignKey("orgs.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    layer = models.CharField(max_length=20, choices=Layer.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)
    # Only whether, never when: a time of use would match the response written with it.
    used = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "round", "membership"], name="scaninvitation_unique"),
        ]


def random_id() -> int:
    """A random positive 63-bit id: the order of ids says nothing about the order of answers."""
    return secrets.randbits(63) or 1


class RandomIdField(models.BigIntegerField):
    """A primary key filled with random_id(). On SQLite the column is declared INTEGER so it
    is the rowid itself: a BIGINT key would leave SQLite's hidden, sequential rowid beside it."""

    def db_type(self, connection):
        return "integer" if connection.vendor == "sqlite" else super().db_type(connection)


class ScanResponse(models.Model):
    """One completed questionnaire: public (no organisation) or in a round, for one layer.

    `dimension_scores`, `overall_score` and `level` are computed once, at submission, from
    the definition of `instrument` — the version answered — so a later version of the
    instrument never changes them.
    """

    id = RandomIdField(primary_key=True, default=random_id, editable=False)
    public_id = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="scan_responses"
    )
    round = models.ForeignKey(ScanRound, on_delete=models.CASCADE, null=True, blank=True, related_name="responses")
    layer = models.CharField(max_length=20, choices=Layer.choices, blank=True)
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="responses")
    answers = models.JSONField()
    dimension_scores = models.JSONField()
    overall_score = models.FloatField(null=True)
    level = models.CharField(max_length=20, blank=True)
    sector = models.CharField(max_length=40, blank=True)
    size_band = models.CharField(max_length=20, blank=True)
    seconds_taken = models.PositiveIntegerField(null=True, blank=True)
    # Answered faster than a person can read the statements (or without a start the server
    # signed): kept, but out of a round's figures and out of benchmarks.
    too_fast = models.BooleanField(default=False)
    # Came through a single-use personal link: one link, one person (which link is not kept).
    verified = models.BooleanField(default=False)
    # The random part of the signed start the answer was given with: a start used twice
    # means a replayed form, counted as too fast.
    start_nonce = models.CharField(max_length=32, blank=True, db_index=True)
    # The day only: an exact time would match the moment a personal link was marked used.
    created = models.DateField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "public_id"]
        indexes = [models.Index(fields=["round", "layer"], name="scanresponse_round_layer")]
