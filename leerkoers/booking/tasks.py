"""E-mails about strategy sessions, sent by the task worker.

Each e-mail is rendered in the visitor's language (the one they booked in) with times in
their zone; the advisor's copy is in the site's language and the advisor's zone. A
reminder is claimed by setting `reminder_sent_at` in one UPDATE that only matches an
unreminded, confirmed, future session, so two workers (or a repeated schedule) can never
send it twice.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from leerkoers.booking import ics
from leerkoers.booking.links import ics_path, manage_path, verify_path
from leerkoers.booking.models import Booking
from leerkoers.booking.scans import scan_link

logger = logging.getLogger(__name__)

VISITOR_KINDS = {"confirmed", "rescheduled", "cancelled", "verify", "reminder"}
ADVISOR_KINDS = {"confirmed", "rescheduled", "cancelled"}


def _context(booking: Booking, zone) -> dict:
    profile = getattr(booking.advisor, "booking_profile", None)
    return {
        "booking": booking,
        "profile": profile,
        "start": booking.start.astimezone(zone),
        "end": booking.end.astimezone(zone),
        "zone": str(zone),
        "manage_url": ics.site_url(manage_path(booking)),
        "ics_url": ics.site_url(ics_path(booking)),
        "verify_url": ics.site_url(verify_path(booking)),
        "site_url": settings.SITE_URL,
        "verify_hours": settings.BOOKING_VERIFY_HOURS,
        "scan_url": ics.site_url(link.url) if (link := scan_link(booking.scan_response)) else "",
    }


def _send(booking: Booking, kind: str, *, to: str, language: str, zone, attach_ics: bool) -> None:
    with translation.override(language), timezone.override(zone):
        context = _context(booking, zone)
        subject = render_to_string(f"booking/email/{kind}_subject.txt", context).strip()
        body = render_to_string(f"booking/email/{kind}.txt", context)
        message = EmailMultiAlternatives(subject=subject, body=body, to=[to])
        if attach_ics:
            method = "CANCEL" if booking.status == Booking.Status.CANCELLED else "REQUEST"
            data = ics.invitation(booking, now=timezone.now(), manage_url=context["manage_url"])
            message.attach("invite.ics", data, ics.content_type(method))
        message.send()


def _load(booking_id: int) -> Booking | None:
    return (
        Booking.objects.select_related("advisor", "advisor__booking_profile", "scan_response")
        .filter(pk=booking_id)
        .first()
    )


@task()
def send_booking_email(booking_id: int, kind: str) -> None:
    """Tell the visitor (and for confirmations, changes and cancellations the advisor)."""
    booking = _load(booking_id)
    if booking is None:
        return
    if kind in VISITOR_KINDS:
        _send(
            booking,
            kind,
            to=booking.email,
            language=booking.language,
            zone=booking.visitor_zone,
            attach_ics=kind in {"confirmed", "rescheduled", "cancelled"},
        )
    if kind in ADVISOR_KINDS:
        profile = getattr(booking.advisor, "booking_profile", None)
        zone = profile.zone if profile else booking.visitor_zone
        _send(
            booking,
            f"advisor_{kind}",
            to=booking.advisor.email,
            language=settings.LANGUAGE_CODE,
            zone=zone,
            attach_ics=False,
        )


@task()
def send_booking_reminder(booking_id: int) -> bool:
    """Send the reminder once; returns whether this call sent it."""
    now = timezone.now()
    claimed = Booking.objects.filter(
        pk=booking_id, status=Booking.Status.CONFIRMED, reminder_sent_at__isnull=True, start__gt=now
    ).update(reminder_sent_at=now)
    if not claimed:
        return False
    booking = _load(booking_id)
    try:
        _send(
            booking,
            "reminder",
            to=booking.email,
            language=booking.language,
            zone=booking.visitor_zone,
            attach_ics=False,
        )
    except Exception:
        # Give the next run a chance: unclaim, then let the worker record the failure.
        Booking.objects.filter(pk=booking_id, reminder_sent_at=now).update(reminder_sent_at=None)
        raise
    return True


def reminders_due(*, now) -> list[int]:
    """Ids of confirmed sessions that start within the reminder period and have no reminder yet."""
    until = now + timedelta(hours=settings.BOOKING_REMINDER_HOURS)
    return list(
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED, reminder_sent_at__isnull=True, start__gt=now, start__lte=until
        ).values_list("pk", flat=True)
    )
