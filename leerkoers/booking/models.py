"""Strategy sessions: advisors' availability and the bookings made against it.

A booking blocks the advisor from `blocked_start` to `blocked_end`: the session plus the
advisor's buffers before and after it. No two active bookings of one advisor may have
overlapping blocked ranges; on PostgreSQL an exclusion constraint (migration 0002) holds
that, on SQLite `booking_create` checks and inserts inside one IMMEDIATE transaction.
"""

import hashlib
import hmac
import secrets
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from leerkoers.orgs.models import hash_token

DEFAULT_TIME_ZONE = "Europe/Amsterdam"


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("%(zone)s is not a known time zone."), params={"zone": value}) from None


def validate_lengths(value) -> None:
    if not isinstance(value, list) or not value or not all(isinstance(v, int) and 15 <= v <= 240 for v in value):
        raise ValidationError(_("Give one or more session lengths between 15 and 240 minutes."))


def _default_lengths() -> list[int]:
    return [60]


class AdvisorProfile(models.Model):
    """How, when and where an advisor takes strategy sessions."""

    advisor = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booking_profile")
    bookable = models.BooleanField(_("open for bookings"), default=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=DEFAULT_TIME_ZONE, validators=[validate_time_zone]
    )
    session_lengths = models.JSONField(
        _("session lengths (minutes)"), default=_default_lengths, validators=[validate_lengths]
    )
    slot_interval = models.PositiveSmallIntegerField(
        _("a session can start every … minutes"), default=30, help_text=_("For example 15, 30 or 60.")
    )
    buffer_before = models.PositiveSmallIntegerField(_("free minutes before a session"), default=0)
    buffer_after = models.PositiveSmallIntegerField(_("free minutes after a session"), default=15)
    min_notice_hours = models.PositiveSmallIntegerField(_("minimum notice (hours)"), default=24)
    horizon_days = models.PositiveSmallIntegerField(_("bookable up to … days ahead"), default=183)
    max_per_day = models.PositiveSmallIntegerField(_("at most … sessions a day"), default=4)
    location = models.CharField(_("location"), max_length=300, blank=True)
    video_url = models.URLField(_("video-meeting link"), blank=True)
    # Rotating the feed URL bumps this; the URL carries an HMAC of (advisor, version).
    feed_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("advisor profile")

    def __str__(self) -> str:
        return self.advisor.display_name

    def clean(self) -> None:
        if not 5 <= self.slot_interval <= 240:
            raise ValidationError({"slot_interval": _("Choose between 5 and 240 minutes.")})
        if not 1 <= self.horizon_days <= 730:
            raise ValidationError({"horizon_days": _("Choose between 1 and 730 days.")})
        if self.max_per_day < 1:
            raise ValidationError({"max_per_day": _("Allow at least one session a day.")})
        if self.buffer_before > 240 or self.buffer_after > 240:
            raise ValidationError(_("A buffer can be at most 240 minutes."))

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def feed_token(self) -> str:
        message = f"booking-feed:{self.advisor_id}:{self.feed_version}".encode()
        return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:40]


class WeeklyWindow(models.Model):
    """A recurring window of availability, in the advisor's wall-clock time."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    profile = models.ForeignKey(AdvisorProfile, on_delete=models.CASCADE, related_name="windows")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        ordering = ["weekday", "start"]

    def clean(self) -> None:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValidationError({"end": _("The end must be after the start.")})


class AvailabilityException(models.Model):
    """A day (or part of one) off, or extra hours on one date."""

    class Kind(models.TextChoices):
        OFF = "off", _("Not available")
        EXTRA = "extra", _("Extra hours")

    profile = models.ForeignKey(AdvisorProfile, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OFF)
    start = models.TimeField(_("from"), null=True, blank=True, help_text=_("Leave empty for the whole day."))
    end = models.TimeField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date", "start"]

    def clean(self) -> None:
        if (self.start is None) != (self.end is None):
            raise ValidationError(_("Give both a start and an end time, or neither."))
        if self.start is not None and self.end <= self.start:
            raise ValidationError({"end": _("The end must be after the start.")})
        if self.kind == self.Kind.EXTRA and self.start is None:
            raise ValidationError({"start": _("Extra hours need a start and an end time.")})


def _new_salt() -> str:
    return secrets.token_hex(16)


def _derive(purpose: str, salt: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"booking-{purpose}:{salt}".encode(), hashlib.sha256)
    return digest.hexdigest()[:43]


class Booking(models.Model):
    class Status(models.TextChoices):
        # Pending: waiting for the visitor to verify their e-mail address (operator setting).
        PENDING = "pending", _("Waiting for e-mail verification")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="advisor_bookings", verbose_name=_("advisor")
    )
    # Set when booked from inside a client organisation (/o/<slug>/sessions/).
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.SET_NULL, null=True, blank=True, related_name="bookings"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    # The session plus the advisor's buffers: what the no-overlap rule compares.
    blocked_start = models.DateTimeField()
    blocked_end = models.DateTimeField()
    # The day in the advisor's time zone, for the maximum number of sessions a day.
    local_date = models.DateField()

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    organisation_name = models.CharField(_("organisation"), max_length=200)
    phone = models.CharField(_("phone (optional)"), max_length=40, blank=True)
    question = models.TextField(_("your question"), max_length=4000)
    language = models.CharField(max_length=10, default="nl")
    visitor_time_zone = models.CharField(max_length=64, default=DEFAULT_TIME_ZONE, validators=[validate_time_zone])
    scan_uuid = models.UUIDField(_("readiness scan"), null=True, blank=True)
    scan_response = models.ForeignKey(
        "scan.ScanResponse", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # The private links carry HMAC(SECRET_KEY, salt); only their hashes are stored, so
    # neither a copy of the database nor a queued task reveals a working link.
    token_salt = models.CharField(max_length=32, default=_new_salt, editable=False)
    token_hash = models.CharField(max_length=64, unique=True)
    verify_token_hash = models.CharField(max_length=64, blank=True)
    sequence = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start"]
        indexes = [
            models.Index(fields=["advisor", "blocked_start"]),
            models.Index(fields=["advisor", "local_date"]),
            models.Index(fields=["email", "start"]),
            models.Index(fields=["status", "start"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="booking_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.start:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED

    @property
    def length_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    def manage_token(self) -> str:
        return _derive("manage", self.token_salt)

    def verify_token(self) -> str:
        return _derive("verify", self.token_salt)

    def set_tokens(self) -> None:
        self.token_hash = hash_token(self.manage_token())
        self.verify_token_hash = hash_token(self.verify_token())

    @property
    def visitor_zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.visitor_time_zone)
