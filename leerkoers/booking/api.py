"""The public booking API (docs/booking.md has the contract).

All operations are public (auth=None): visitors have no account. Booking is rate limited
per client address; the private token in the manage link is the only key to a booking.
"""

import zoneinfo
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from leerkoers.booking import ics, links, selectors, services
from leerkoers.booking.models import Booking
from leerkoers.lib.api_schemas import ErrorOut
from leerkoers.lib.pagination import Page, paginate
from leerkoers.lib.params import PathId
from leerkoers.orgs.access import EVERYONE, api_access
from leerkoers.ratelimit.limiter import retry_after

# Full paths on every operation: /booking/… (public, auth=None per operation).
router = Router(tags=["booking"])

MAX_RANGE_DAYS = 92
# Model field → API field, so 422 messages name what the caller sent.
API_FIELDS = {"organisation_name": "organisation", "visitor_time_zone": "time_zone", "scan_uuid": "scan_response"}


class AdvisorOut(Schema):
    id: int
    name: str
    session_lengths: list[int]
    time_zone: str


class SlotOut(Schema):
    start: str
    end: str


class AlternativeOut(SlotOut):
    advisor: int


class BookingIn(Schema):
    advisor: int | Literal["any"]
    start: datetime
    name: str
    email: str
    organisation: str
    question: str
    phone: str = ""
    scan_response: UUID | None = None
    length: int | None = None
    time_zone: str = "Europe/Amsterdam"
    language: Literal["nl", "en"] | None = None


class RescheduleIn(Schema):
    start: datetime


class BookingOut(Schema):
    id: UUID
    advisor: int
    advisor_name: str
    status: str
    start: str
    end: str
    time_zone: str
    name: str
    email: str
    organisation: str
    question: str
    phone: str
    scan_response: UUID | None
    sequence: int
    manage_url: str
    ics_url: str


class ConflictOut(Schema):
    detail: str
    alternatives: list[AlternativeOut]


def _zone(name: str, field: str = "tz") -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError({field: _("%(zone)s is not a known time zone (use Area/City).") % {"zone": name}})


def _iso(moment: datetime, zone) -> str:
    return moment.astimezone(zone).isoformat()


def _booking_out(booking: Booking) -> dict:
    zone = booking.visitor_zone
    return {
        "id": booking.uuid,
        "advisor": booking.advisor_id,
        "advisor_name": booking.advisor.display_name,
        "status": booking.status,
        "start": _iso(booking.start, zone),
        "end": _iso(booking.end, zone),
        "time_zone": booking.visitor_time_zone,
        "name": booking.name,
        "email": booking.email,
        "organisation": booking.organisation_name,
        "question": booking.question,
        "phone": booking.phone,
        "scan_response": booking.scan_uuid,
        "sequence": booking.sequence,
        "manage_url": ics.site_url(links.manage_path(booking)),
        "ics_url": ics.site_url(links.ics_path(booking)),
    }


def _conflict(exc: services.SlotTaken, zone) -> Status:
    return Status(
        409,
        {
            "detail": _("This time is not available (any more). These are the nearest free times."),
            "alternatives": [
                {"start": _iso(s.start, zone), "end": _iso(s.end, zone), "advisor": s.advisor_id}
                for s in exc.alternatives
            ],
        },
    )


def _api_errors(exc: ValidationError) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError({API_FIELDS.get(k, k): v for k, v in exc.error_dict.items()})
    return exc


def _rate_limited(request, response: HttpResponse) -> Status | None:
    retry = retry_after(request, "booking", limit="BOOKING_RATE_LIMIT", window="BOOKING_RATE_WINDOW")
    if retry is None:
        return None
    response["Retry-After"] = str(retry)
    return Status(
        429, {"detail": _("Too many booking attempts. Try again in %(seconds)d seconds.") % {"seconds": retry}}
    )


def _booking(token: str) -> Booking:
    booking = services.booking_by_token(token)
    if booking is None:
        raise Http404
    return booking


@router.get("/booking/advisors", response=list[AdvisorOut], auth=None, summary="Advisors open for bookings")
def advisor_list(request):
    return [
        {
            "id": p.advisor_id,
            "name": p.advisor.display_name,
            "session_lengths": p.session_lengths,
            "time_zone": p.time_zone,
        }
        for p in services.bookable_profiles()
    ]


@router.get(
    "/booking/advisors/{advisor_id}/slots", response=list[SlotOut], auth=None, summary="Free slots of an advisor"
)
def advisor_slots(
    request, advisor_id: PathId, start: date, end: date, tz: str = "Europe/Amsterdam", length: int | None = None
):
    """Free slots whose start lies between `start` and `end` (both inclusive, as days in `tz`),
    in ISO 8601 with the offset of `tz`."""
    zone = _zone(tz)
    if end < start:
        raise ValidationError({"end": _("The end date must not be before the start date.")})
    if end > date.today() + services.FURTHEST_AHEAD:
        raise ValidationError({"end": _("This date is too far ahead to book.")})
    if (end - start).days >= MAX_RANGE_DAYS:
        raise ValidationError({"end": _("Ask for at most %(days)d days at a time.") % {"days": MAX_RANGE_DAYS}})
    profile = get_object_or_404(services.bookable_profiles(), advisor_id=advisor_id)
    if length is not None and length not in profile.session_lengths:
        raise ValidationError(
            {
                "length": _("This advisor offers sessions of %(lengths)s minutes.")
                % {"lengths": ", ".join(str(v) for v in profile.session_lengths)}
            }
        )
    first, last = services.local_day_range(start, end, zone)
    found = services.advisor_slots(
        profile, length=length or profile.session_lengths[0], start=first, end=last, now=timezone.now()
    )
    return [{"start": _iso(s.start, zone), "end": _iso(s.end, zone)} for s in found]


def _profiles_of(advisor: int | str) -> list:
    """The bookable profiles a booking may go to: every advisor's for "any", else the one's."""
    profiles = list(services.bookable_profiles())
    if advisor == "any":
        return profiles
    profiles = [p for p in profiles if p.advisor_id == advisor]
    if not profiles:
        raise ValidationError({"advisor": _("There is no advisor with this id who takes bookings.")})
    return profiles


@router.post(
    "/booking/bookings",
    response={201: BookingOut, 409: ConflictOut, 429: ErrorOut},
    auth=None,
    summary="Book a session",
)
def booking_create(request, response: HttpResponse, payload: BookingIn):
    if limited := _rate_limited(request, response):
        return limited
    zone = _zone(payload.time_zone, "time_zone")
    profiles = _profiles_of(payload.advisor)
    if payload.start.tzinfo is None:
        raise ValidationError({"start": _("Give the start time with its UTC offset, e.g. 2027-03-29T10:00:00+02:00.")})
    visitor = services.Visitor(
        name=payload.name,
        email=payload.email,
        organisation_name=payload.organisation,
        question=payload.question,
        phone=payload.phone,
        language=payload.language or translation.get_language() or "nl",
        time_zone=str(zone),
    )
    try:
        booking = services.booking_create(
            profiles=profiles,
            start=payload.start,
            length=payload.length,
            visitor=visitor,
            scan_uuid=payload.scan_response,
        )
    except services.SlotTaken as exc:
        return _conflict(exc, zone)
    except ValidationError as exc:
        raise _api_errors(exc)
    return Status(201, _booking_out(booking))


@router.get("/booking/bookings/{token}", response=BookingOut, auth=None, summary="A booking, by its private token")
def booking_detail(request, token: str):
    return _booking_out(_booking(token))


@router.post(
    "/booking/bookings/{token}/reschedule",
    response={200: BookingOut, 409: ConflictOut, 429: ErrorOut},
    auth=None,
    summary="Move a booking to another free time",
)
def booking_reschedule(request, response: HttpResponse, token: str, payload: RescheduleIn):
    if limited := _rate_limited(request, response):
        return limited
    booking = _booking(token)
    if payload.start.tzinfo is None:
        raise ValidationError({"start": _("Give the start time with its UTC offset, e.g. 2027-03-29T10:00:00+02:00.")})
    try:
        booking = services.booking_reschedule(booking=booking, start=payload.start)
    except services.SlotTaken as exc:
        return _conflict(exc, booking.visitor_zone)
    except ValidationError as exc:
        raise _api_errors(exc)
    return Status(200, _booking_out(booking))


@router.post("/booking/bookings/{token}/cancel", response=BookingOut, auth=None, summary="Cancel a booking")
def booking_cancel(request, token: str):
    booking = services.booking_cancel(booking=_booking(token))
    return _booking_out(booking)


class OrgSessionOut(Schema):
    id: UUID
    advisor: int
    advisor_name: str
    status: str
    start: str
    end: str
    name: str
    email: str
    question: str
    scan_response: UUID | None


@router.get("/orgs/{org_slug}/sessions", response=Page[OrgSessionOut], summary="The organisation's strategy sessions")
def org_session_list(request, org_slug: str, limit: int = 100, offset: int = 0):
    """Sessions booked from inside the organisation; members other than HR, directors and
    advisors see the ones they booked themselves. Times carry the offset of TIME_ZONE."""
    access = api_access(request, org_slug, EVERYONE)
    page = paginate(selectors.org_sessions(access), limit=limit, offset=offset)
    zone = timezone.get_default_timezone()
    page["items"] = [
        {
            "id": b.uuid,
            "advisor": b.advisor_id,
            "advisor_name": b.advisor.display_name,
            "status": b.status,
            "start": _iso(b.start, zone),
            "end": _iso(b.end, zone),
            "name": b.name,
            "email": b.email,
            "question": b.question,
            "scan_response": b.scan_uuid,
        }
        for b in page["items"]
    ]
    return page
