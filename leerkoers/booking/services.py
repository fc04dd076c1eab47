"""Booking, rescheduling, cancelling and verifying strategy sessions.

The no-double-booking rule is the database's: `booking_create` and `booking_reschedule`
check the slot and write the booking inside one transaction that holds the advisor's lock
— `SELECT … FOR UPDATE` on the advisor's profile on PostgreSQL (where an exclusion
constraint over the blocked time range backs it up), the database-wide write lock of
`BEGIN IMMEDIATE` on SQLite. So buffers and the per-day maximum hold under concurrency
too: the second of two simultaneous requests sees the first one's booking.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkoers.accounts.models import User
from leerkoers.audit.services import audit_record
from leerkoers.booking import slots as slotlib
from leerkoers.booking.models import (
    AdvisorProfile,
    AvailabilityException,
    Booking,
    WeeklyWindow,
    hash_token,
    validate_time_zone,
)
from leerkoers.booking.scans import find_scan
from leerkoers.booking.tasks import send_booking_email

ACTIVE = (Booking.Status.PENDING, Booking.Status.CONFIRMED)


class SlotTaken(Exception):
    """The wanted time is not (or no longer) free; `alternatives` are the nearest free slots."""

    def __init__(self, alternatives: list[slotlib.Slot]):
        super().__init__("slot taken")
        self.alternatives = alternatives


# --- reading availability ---------------------------------------------------------------


def bookable_profiles():
    return (
        AdvisorProfile.objects.filter(bookable=True, advisor__is_advisor=True, advisor__is_active=True)
        .select_related("advisor")
        .prefetch_related("windows", "exceptions")
        .order_by("advisor__full_name", "advisor__email")
    )


def profile_for(advisor: User) -> AdvisorProfile:
    profile, _created = AdvisorProfile.objects.get_or_create(advisor=advisor)
    return profile


def rules_for(profile: AdvisorProfile) -> slotlib.Rules:
    return slotlib.Rules(
        zone=profile.zone,
        windows=tuple(slotlib.Window(w.weekday, w.start, w.end) for w in profile.windows.all()),
        exceptions=tuple(
            slotlib.Exception_(e.date, e.kind == e.Kind.OFF, e.start, e.end) for e in profile.exceptions.all()
        ),
        interval=profile.slot_interval,
        buffer_before=profile.buffer_before,
        buffer_after=profile.buffer_after,
        min_notice_hours=profile.min_notice_hours,
        horizon_days=profile.horizon_days,
        max_per_day=profile.max_per_day,
    )


def busy_for(advisor_id: int, start: datetime, end: datetime, *, exclude: Booking | None = None) -> list[slotlib.Busy]:
    """Blocked ranges of the advisor's active bookings that touch [start − 1 day, end + 1 day)."""
    rows = Booking.objects.filter(
        advisor_id=advisor_id,
        status__in=ACTIVE,
        blocked_end__gt=start - timedelta(days=1),
        blocked_start__lt=end + timedelta(days=1),
    )
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    return [slotlib.Busy(b[0], b[1], b[2]) for b in rows.values_list("blocked_start", "blocked_end", "local_date")]


def advisor_slots(
    profile: AdvisorProfile,
    *,
    length: int,
    start: datetime,
    end: datetime,
    now: datetime,
    exclude: Booking | None = None,
) -> list[slotlib.Slot]:
    busy = busy_for(profile.advisor_id, start, end, exclude=exclude)
    return slotlib.free_slots(
        rules_for(profile), length=length, busy=busy, start=start, end=end, now=now, advisor_id=profile.advisor_id
    )


def slots_between(
    profiles: list[AdvisorProfile], *, length: int | None, start: datetime, end: datetime, now: datetime
) -> list[slotlib.Slot]:
    """Free slots of one advisor, or of several merged ("any advisor")."""
    lists = []
    for profile in profiles:
        if length is not None and length not in profile.session_lengths:
            continue  # "any advisor" means any advisor who offers this length
        wanted = length or profile.session_lengths[0]
        lists.append(advisor_slots(profile, length=wanted, start=start, end=end, now=now))
    return slotlib.merge_any(lists)


def nearest_free(
    profiles: list[AdvisorProfile], *, length: int | None, wanted: datetime, now: datetime, count: int = 5
) -> list[slotlib.Slot]:
    """The free slots nearest to `wanted`, looking a week either side and then further ahead."""
    wanted = max(wanted, now)  # for a time in the past, the nearest are the first free ones
    for days in (7, 31):
        found = slots_between(
            profiles, length=length, start=wanted - timedelta(days=days), end=wanted + timedelta(days=days), now=now
        )
        if found:
            return slotlib.nearest(found, wanted, count)
    return []


# --- writing ------------------------------------------------------------------------------


@dataclass
class Visitor:
    name: str
    email: str
    organisation_name: str
    question: str
    phone: str = ""
    language: str = "nl"
    time_zone: str = "Europe/Amsterdam"


def _lock_advisor(profile: AdvisorProfile) -> AdvisorProfile:
    # SQLite: the surrounding transaction began with BEGIN IMMEDIATE and holds the write
    # lock already. PostgreSQL: serialise all bookings of this advisor on their profile row.
    if connection.vendor == "postgresql":
        return AdvisorProfile.objects.select_for_update().get(pk=profile.pk)
    return profile


def _is_free(profile: AdvisorProfile, start: datetime, length: int, now: datetime, exclude=None) -> bool:
    free = advisor_slots(
        profile, length=length, start=start, end=start + timedelta(seconds=1), now=now, exclude=exclude
    )
    return any(slot.start == start for slot in free)


def set_times(booking: Booking, profile: AdvisorProfile, start: datetime, length: int) -> None:
    booking.start = start
    booking.end = start + timedelta(minutes=length)
    booking.blocked_start = booking.start - timedelta(minutes=profile.buffer_before)
    booking.blocked_end = booking.end + timedelta(minutes=profile.buffer_after)
    booking.local_date = start.astimezone(profile.zone).date()


# No advisor plans further ahead than this; it also keeps date arithmetic far from year 9999.
FURTHEST_AHEAD = timedelta(days=2 * 366)


def _check_start(start: datetime, now: datetime) -> None:
    if timezone.is_naive(start):
        raise ValidationError({"start": _("Give the start time with its UTC offset.")})
    if start > now + FURTHEST_AHEAD:
        raise ValidationError({"start": _("This time is too far ahead to book.")})


def _check_length(profile: AdvisorProfile, length: int | None) -> int:
    if length is None:
        return profile.session_lengths[0]
    if length not in profile.session_lengths:
        raise ValidationError(
            {
                "length": _("This advisor offers sessions of %(lengths)s minutes.")
                % {"lengths": ", ".join(str(v) for v in profile.session_lengths)}
            }
        )
    return length


def _check_email_limit(email: str, now: datetime) -> None:
    if connection.vendor == "postgresql":
        # The advisor's lock does not cover a second booking of this address with another
        # advisor; a transaction-scoped advisory lock on the address does.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"booking-email:{email}"])
    limit = settings.BOOKING_MAX_FUTURE_PER_EMAIL
    if Booking.objects.filter(email__iexact=email, status__in=ACTIVE, start__gt=now).count() >= limit:
        raise ValidationError(
            {
                "email": _("This e-mail address already has %(count)d upcoming sessions; that is the maximum.")
                % {"count": limit}
            }
        )


def booking_create(
    *,
    profiles: list[AdvisorProfile],
    start: datetime,
    length: int | None,
    visitor: Visitor,
    scan_uuid=None,
    organization=None,
    booked_by=None,
    now: datetime | None = None,
) -> Booking:
    """Book `start` with the first of `profiles` (one advisor, or all for "any") that is free.

    Refuses with ValidationError (bad input, too many sessions for the e-mail address) or
    SlotTaken (the time is not free, lost a race, outside the window, notice or horizon),
    which carries the nearest free slots. Sends the confirmation (or the verification
    e-mail) through the task queue.
    """
    now = now or timezone.now()
    _check_start(start, now)
    validate_time_zone(visitor.time_zone)
    scan = find_scan(scan_uuid, organization=organization)
    if scan_uuid is not None and scan is None:
        raise ValidationError({"scan_uuid": _("There is no readiness scan result with this id.")})
    verify = settings.BOOKING_REQUIRE_EMAIL_VERIFICATION
    booking = None
    for profile in profiles:
        if len(profiles) == 1:
            wanted = _check_length(profile, length)
        elif length is None:
            wanted = profile.session_lengths[0]
        else:
            wanted = length if length in profile.session_lengths else None
        if wanted is None:
            continue
        candidate = Booking(
            advisor=profile.advisor,
            organization=organization,
            booked_by=booked_by,
            status=Booking.Status.PENDING if verify else Booking.Status.CONFIRMED,
            name=visitor.name.strip(),
            email=visitor.email.strip().lower(),
            organisation_name=visitor.organisation_name.strip(),
            phone=visitor.phone.strip(),
            question=visitor.question.strip(),
            language=visitor.language,
            visitor_time_zone=visitor.time_zone,
            scan_uuid=scan_uuid,
            scan_response=scan,
            verified_at=None if verify else now,
        )
        set_times(candidate, profile, start, wanted)
        candidate.set_tokens()
        candidate.full_clean(exclude=["token_hash"])
        try:
            with transaction.atomic():
                locked = _lock_advisor(profile)
                _check_email_limit(candidate.email, now)
                if not _is_free(locked, start, wanted, now):
                    continue
                candidate.save()
                audit_record(
                    organization=organization,
                    actor=booked_by,
                    action="booking.create",
                    target=candidate,
                    summary=f"{candidate.email} {start.isoformat()}",
                )
        except IntegrityError:
            # PostgreSQL's exclusion constraint: another transaction got there first.
            continue
        booking = candidate
        break
    if booking is None:
        raise SlotTaken(nearest_free(profiles, length=length, wanted=start, now=now))
    _notify(booking, "verify" if verify else "confirmed")
    return booking


def booking_reschedule(*, booking: Booking, start: datetime, length: int | None = None, now=None) -> Booking:
    """Move an active booking to another free time of the same advisor; SEQUENCE goes up by one."""
    now = now or timezone.now()
    _check_start(start, now)
    _check_changeable(booking, now)
    profile = AdvisorProfile.objects.prefetch_related("windows", "exceptions").get(advisor=booking.advisor)
    wanted = _check_length(profile, length or booking.length_minutes)
    try:
        with transaction.atomic():
            locked = _lock_advisor(profile)
            current = Booking.objects.select_for_update().get(pk=booking.pk)
            if current.status == Booking.Status.CANCELLED:
                raise ValidationError(_("This session has been cancelled."))
            if not _is_free(locked, start, wanted, now, exclude=current):
                raise SlotTaken([])
            before = current.start
            set_times(current, profile, start, wanted)
            current.sequence += 1
            current.reminder_sent_at = None
            current.save()
            audit_record(
                organization=current.organization,
                actor=None,
                action="booking.reschedule",
                target=current,
                summary=f"{before.isoformat()} → {start.isoformat()}",
            )
    except (SlotTaken, IntegrityError):
        alternatives = [
            s
            for s in nearest_free([profile], length=wanted, wanted=start, now=now, count=6)
            if s.start != booking.start
        ][:5]
        raise SlotTaken(alternatives)
    if current.status == Booking.Status.CONFIRMED:
        _notify(current, "rescheduled")
    return current


def booking_cancel(*, booking: Booking, by_advisor: bool = False, now=None) -> Booking:
    """Cancel; the slot is free again at once. Visitors must respect the notice period."""
    now = now or timezone.now()
    if not by_advisor:
        _check_changeable(booking, now)
    with transaction.atomic():
        updated = Booking.objects.filter(pk=booking.pk, status__in=ACTIVE).update(
            status=Booking.Status.CANCELLED, cancelled_at=now, sequence=F("sequence") + 1
        )
        if not updated:
            raise ValidationError(_("This session has been cancelled already."))
        booking.refresh_from_db()
        audit_record(
            organization=booking.organization,
            actor=None,
            action="booking.cancel",
            target=booking,
            summary=booking.email,
        )
    if booking.verified_at is not None:
        _notify(booking, "cancelled")
    return booking


def booking_verify(*, booking: Booking, now=None) -> Booking:
    """Confirm a pending booking once the visitor opened the link in their e-mail."""
    now = now or timezone.now()
    updated = Booking.objects.filter(pk=booking.pk, status=Booking.Status.PENDING).update(
        status=Booking.Status.CONFIRMED, verified_at=now
    )
    booking.refresh_from_db()
    if updated:
        _notify(booking, "confirmed")
    return booking


def bookings_expire_unverified(*, now=None) -> int:
    """Release pending bookings whose verification window has passed; returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.BOOKING_VERIFY_HOURS)
    return Booking.objects.filter(status=Booking.Status.PENDING, created__lt=cutoff).update(
        status=Booking.Status.CANCELLED, cancelled_at=now
    )


def booking_refusal(booking: Booking, now: datetime) -> str | None:
    """Why the visitor can no longer change or cancel this booking, or None if they can."""
    try:
        _check_changeable(booking, now)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None


def _check_changeable(booking: Booking, now: datetime) -> None:
    if booking.status == Booking.Status.CANCELLED:
        raise ValidationError(_("This session has been cancelled."))
    notice = timedelta(hours=settings.BOOKING_CHANGE_NOTICE_HOURS)
    if booking.start - now < notice:
        raise ValidationError(
            _(
                "Sessions can be changed or cancelled up to %(hours)d hours before the start. Please contact your advisor."
            )
            % {"hours": settings.BOOKING_CHANGE_NOTICE_HOURS}
        )


def booking_by_token(raw: str, *, verify: bool = False) -> Booking | None:
    if not raw or len(raw) > 100:
        return None
    field = "verify_token_hash" if verify else "token_hash"
    return (
        Booking.objects.filter(**{field: hash_token(raw)})
        .select_related("advisor", "advisor__booking_profile", "organization", "scan_response")
        .first()
    )


def _notify(booking: Booking, kind: str) -> None:
    send_booking_email.enqueue(booking.pk, kind)


def local_day_range(first: date, last: date, zone) -> tuple[datetime, datetime]:
    """[start of `first`, end of `last`) in `zone`, as instants: both dates inclusive."""
    return slotlib.day_bounds(first, zone)[0], slotlib.day_bounds(last, zone)[1]


# --- an advisor's availability ------------------------------------------------------------
# Not an organisation's data (an advisor serves several), so the audit events carry no
# organisation; they say who changed whose hours.


def _availability_audit(profile: AdvisorProfile, actor, action: str, target, summary: str = "") -> None:
    audit_record(
        organization=None,
        actor=actor,
        action=action,
        target=target,
        summary=f"{profile.advisor.email}: {summary}" if summary else profile.advisor.email,
    )


def availability_profile_save(*, profile: AdvisorProfile, actor) -> AdvisorProfile:
    """Save the advisor's booking settings (already set on `profile`); refuses invalid values."""
    with transaction.atomic():
        profile.full_clean()
        profile.save()
        _availability_audit(profile, actor, "availability.settings", profile)
    return profile


def availability_window_add(*, window: WeeklyWindow, actor) -> WeeklyWindow:
    """Add weekly hours to `window.profile`; refuses an end before its start (the model's clean)."""
    with transaction.atomic():
        window.full_clean()
        window.save()
        _availability_audit(window.profile, actor, "availability.window_add", window, str(window))
    return window


def availability_exception_add(*, exception: AvailabilityException, actor) -> AvailabilityException:
    """Add a day off or extra hours to `exception.profile`."""
    with transaction.atomic():
        exception.full_clean()
        exception.save()
        _availability_audit(exception.profile, actor, "availability.exception_add", exception, str(exception.date))
    return exception


def availability_remove(*, profile: AdvisorProfile, model: type, pk: int | None, actor) -> bool:
    """Remove one weekly window or exception of `profile`; False when there is no such row."""
    with transaction.atomic():
        row = model.objects.filter(profile=profile, pk=pk).first() if pk else None
        if row is None:
            return False
        _availability_audit(profile, actor, f"availability.{model._meta.model_name}_remove", row, str(row))
        row.delete()
    return True


def availability_feed_rotate(*, profile: AdvisorProfile, actor) -> AdvisorProfile:
    """A new secret calendar address; the old one stops working."""
    with transaction.atomic():
        profile.feed_version += 1
        profile.save(update_fields=["feed_version"])
        _availability_audit(profile, actor, "availability.feed_rotate", profile)
    return profile
