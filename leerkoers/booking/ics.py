"""iCalendar (RFC 5545 / iTIP RFC 5546) for strategy sessions, built with `icalendar`.

Times are written in UTC ("…Z"), which every calendar accepts and which cannot go wrong
around daylight-saving changes; the visitor's calendar shows them in its own zone. The UID
is stable per booking, SEQUENCE grows with every change, and a cancellation is the same
UID with METHOD:CANCEL and STATUS:CANCELLED, so calendars update the event in place.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Leerkoers//Strategy sessions//EN"


def _calendar(method: str | None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    return cal


def uid_for(booking) -> str:
    return f"{booking.uuid}@leerkoers"


def _address(email: str, name: str, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    for key, value in params.items():
        address.params[key.replace("_", "-")] = vText(value)
    return address


def _event(booking, *, now: datetime, cancelled: bool, manage_url: str | None) -> Event:
    advisor = booking.advisor
    profile = getattr(advisor, "booking_profile", None)
    event = Event()
    event.add("uid", uid_for(booking))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", booking.start.astimezone(UTC))
    event.add("dtend", booking.end.astimezone(UTC))
    event.add("sequence", booking.sequence)
    event.add("summary", _("Strategy session with %(advisor)s") % {"advisor": advisor.display_name})
    lines = [booking.question]
    if profile and profile.video_url:
        lines.append(_("Video meeting: %(url)s") % {"url": profile.video_url})
    if manage_url:
        lines.append(_("Change or cancel: %(url)s") % {"url": manage_url})
    event.add("description", "\n\n".join(lines))
    location = (profile.video_url or profile.location) if profile else ""
    if location:
        event.add("location", location)
    event.add("organizer", _address(advisor.email, advisor.display_name))
    event.add(
        "attendee",
        _address(
            booking.email,
            booking.name,
            role="REQ-PARTICIPANT",
            partstat="ACCEPTED",
            cutype="INDIVIDUAL",
        ),
    )
    if cancelled:
        event.add("status", "CANCELLED")
    else:  # a booking waiting for e-mail verification is held, not yet confirmed
        event.add("status", "TENTATIVE" if booking.status == booking.Status.PENDING else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def invitation(booking, *, now: datetime, manage_url: str | None = None) -> bytes:
    """The invitation (METHOD:REQUEST), or the cancellation (METHOD:CANCEL) if cancelled."""
    cancelled = booking.status == booking.Status.CANCELLED
    cal = _calendar("CANCEL" if cancelled else "REQUEST")
    cal.add_component(_event(booking, now=now, cancelled=cancelled, manage_url=manage_url))
    return cal.to_ical()


def feed(advisor, bookings, *, now: datetime) -> bytes:
    """An advisor's sessions as a subscribable calendar (no METHOD: it is a feed, not a message)."""
    cal = _calendar(None)
    cal.add("x-wr-calname", _("Strategy sessions — %(advisor)s") % {"advisor": advisor.display_name})
    for booking in bookings:
        cal.add_component(
            _event(booking, now=now, cancelled=booking.status == booking.Status.CANCELLED, manage_url=None)
        )
    return cal.to_ical()


def content_type(method: str) -> str:
    return f'text/calendar; method={method}; charset="utf-8"'


def site_url(path: str) -> str:
    return settings.SITE_URL + path
