import hmac
import uuid
import zoneinfo
from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from leerkoers import journey
from leerkoers.accounts.models import User
from leerkoers.booking import ics, links, services
from leerkoers.booking import slots as slotlib
from leerkoers.booking.forms import BookingForm, ExceptionForm, ProfileForm, RescheduleForm, WindowForm
from leerkoers.booking.models import DEFAULT_TIME_ZONE, AdvisorProfile, AvailabilityException, Booking, WeeklyWindow
from leerkoers.booking.scans import find_scan, scan_link
from leerkoers.lib.forms import add_service_errors
from leerkoers.lib.params import parse_id
from leerkoers.orgs.access import EVERYONE, LEADERSHIP, org_view
from leerkoers.orgs.models import AdvisorGrant
from leerkoers.ratelimit.limiter import retry_after

DAYS_SHOWN = 7


def _zone(raw: str | None) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(raw or DEFAULT_TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(DEFAULT_TIME_ZONE)


def _first_day(raw: str | None, zone) -> date:
    today = timezone.now().astimezone(zone).date()
    try:
        day = date.fromisoformat(raw) if raw else today
    except ValueError:
        day = today
    return min(max(day, today), today + services.FURTHEST_AHEAD)


def _int(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


class Choice:
    """What the visitor picked above the slots: advisor, length, zone, first day shown."""

    def __init__(self, params, profiles, organization=None):
        self.profiles_all = profiles
        self.advisor = params.get("advisor", "any")
        chosen = [p for p in profiles if str(p.advisor_id) == self.advisor]
        if not chosen:
            self.advisor = "any"
        self.profiles = chosen or profiles
        self.lengths = sorted({v for p in self.profiles for v in p.session_lengths})
        wanted = _int(params.get("length"))
        self.length = wanted if wanted in self.lengths else (self.lengths[0] if self.lengths else None)
        self.zone = _zone(params.get("tz"))
        self.first_day = _first_day(params.get("from"), self.zone)
        # Only a scan result that exists (and may be attached here) travels along.
        self.scan_response = find_scan(_scan_uuid(params.get("scan")), organization=organization)
        self.scan = self.scan_response.public_id if self.scan_response else None

    def slots(self, now):
        if not self.profiles:
            return []
        start, end = services.local_day_range(
            self.first_day, self.first_day + timedelta(days=DAYS_SHOWN - 1), self.zone
        )
        return services.slots_between(self.profiles, length=self.length, start=start, end=end, now=now)

    def query(self, **changes) -> str:
        params = {
            "advisor": self.advisor,
            "length": self.length or "",
            "tz": str(self.zone),
            "from": self.first_day.isoformat(),
        }
        if self.scan:
            params["scan"] = str(self.scan)
        params.update(changes)
        return urlencode(params)


def _scan_uuid(raw):
    try:
        return uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None


def _visitor(form: BookingForm, zone) -> services.Visitor:
    data = form.cleaned_data
    return services.Visitor(
        name=data["name"],
        email=data["email"],
        organisation_name=data["organisation_name"],
        question=data["question"],
        phone=data.get("phone", ""),
        language=translation.get_language() or "nl",
        time_zone=str(zone),
    )


def _booking_page(request, *, template: str, context: dict, organization=None, initial=None):
    """The booking page, public or inside an organisation: pick a slot, give details, book."""
    now = timezone.now()
    profiles = list(services.bookable_profiles())
    choice = Choice(request.POST if request.method == "POST" else request.GET, profiles, organization)
    form = BookingForm(request.POST or None, initial=initial)
    alternatives = None
    status = 200
    if request.method == "POST":
        retry = retry_after(request, "booking", limit="BOOKING_RATE_LIMIT", window="BOOKING_RATE_WINDOW")
        if retry is not None:
            response = render(request, "booking/rate_limited.html", {"retry": retry}, status=429)
            response["Retry-After"] = str(retry)
            return response
        if form.is_valid():
            try:
                booking = services.booking_create(
                    profiles=choice.profiles,
                    start=form.cleaned_data["start"],
                    length=choice.length,
                    visitor=_visitor(form, choice.zone),
                    scan_uuid=choice.scan,
                    organization=organization,
                    booked_by=request.user if request.user.is_authenticated else None,
                    now=now,
                )
            except services.SlotTaken as taken:
                alternatives = taken.alternatives
                status = 409
            except ValidationError as exc:
                add_service_errors(form, exc)
                status = 422
            else:
                return redirect(links.manage_path(booking) + "?booked=1")
        else:
            status = 422
    slots = choice.slots(now)
    return render(
        request,
        template,
        {
            **context,
            "form": form,
            "choice": choice,
            "days": slotlib.group_by_day(slots, choice.zone),
            "alternatives": [s.start.astimezone(choice.zone) for s in alternatives or []],
            "taken": alternatives is not None,
            "selected": request.POST.get("start", ""),
            "previous_week_url": "?"
            + choice.query(**{"from": (choice.first_day - timedelta(days=DAYS_SHOWN)).isoformat()})
            if choice.first_day > now.astimezone(choice.zone).date()
            else None,
            "next_week_url": "?"
            + choice.query(**{"from": (choice.first_day + timedelta(days=DAYS_SHOWN)).isoformat()}),
            "zones": sorted(zoneinfo.available_timezones()),
            "scan_link": scan_link(choice.scan_response),
        },
        status=status,
    )


def book(request):
    return _booking_page(request, template="booking/book.html", context={})


@org_view(EVERYONE)
def org_sessions(request, access):
    user = request.user
    initial = {"name": user.full_name, "email": user.email, "organisation_name": access.organization.name}
    sessions = access.filter(Booking).select_related("advisor").order_by("-start")
    if access.role not in LEADERSHIP:
        sessions = sessions.filter(booked_by=user)
    return _booking_page(
        request,
        template="booking/org_sessions.html",
        context={"access": access, "sessions": sessions[:50]},
        organization=access.organization,
        initial=initial,
    )


def _booking_or_404(token: str, *, verify: bool = False) -> Booking:
    booking = services.booking_by_token(token, verify=verify)
    if booking is None:
        raise Http404
    return booking


@never_cache
def manage(request, token):
    booking = _booking_or_404(token)
    zone = booking.visitor_zone
    return render(
        request,
        "booking/manage.html",
        {
            "booking": booking,
            "token": token,
            "start": booking.start.astimezone(zone),
            "end": booking.end.astimezone(zone),
            "zone": str(zone),
            "just_booked": request.GET.get("booked") == "1",
            "profile": getattr(booking.advisor, "booking_profile", None),
            "scan_link": scan_link(booking.scan_response),
            "notice_hours": settings.BOOKING_CHANGE_NOTICE_HOURS,
            "refusal": services.booking_refusal(booking, timezone.now()),
        },
    )


@never_cache
def cancel(request, token):
    booking = _booking_or_404(token)
    refusal = services.booking_refusal(booking, timezone.now())
    if refusal:
        messages.error(request, refusal)
        return redirect("booking_public:manage", token=token)
    if request.method != "POST":
        zone = booking.visitor_zone
        return render(
            request,
            "booking/cancel.html",
            {"booking": booking, "token": token, "start": booking.start.astimezone(zone), "zone": str(zone)},
        )
    try:
        services.booking_cancel(booking=booking)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your session has been cancelled. The advisor has been told."))
    return redirect("booking_public:manage", token=token)


@never_cache
def reschedule(request, token):
    booking = _booking_or_404(token)
    now = timezone.now()
    refusal = services.booking_refusal(booking, now)
    if refusal:
        messages.error(request, refusal)
        return redirect("booking_public:manage", token=token)
    zone = _zone(request.GET.get("tz") or booking.visitor_time_zone)
    profile = get_object_or_404(
        AdvisorProfile.objects.prefetch_related("windows", "exceptions"), advisor=booking.advisor
    )
    first_day = _first_day(request.GET.get("from"), zone)
    alternatives = None
    status = 200
    if request.method == "POST":
        retry = retry_after(request, "booking", limit="BOOKING_RATE_LIMIT", window="BOOKING_RATE_WINDOW")
        if retry is not None:
            response = render(request, "booking/rate_limited.html", {"retry": retry}, status=429)
            response["Retry-After"] = str(retry)
            return response
        form = RescheduleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose one of the times shown."))
            status = 422
        else:
            try:
                services.booking_reschedule(booking=booking, start=form.cleaned_data["start"], now=now)
            except services.SlotTaken as taken:
                alternatives = [s.start.astimezone(zone) for s in taken.alternatives]
                status = 409
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                status = 422
            else:
                messages.success(request, _("Your session has been moved. A new invitation is on its way."))
                return redirect("booking_public:manage", token=token)
    start, end = services.local_day_range(first_day, first_day + timedelta(days=DAYS_SHOWN - 1), zone)
    free = [
        s
        for s in services.advisor_slots(
            profile, length=booking.length_minutes, start=start, end=end, now=now, exclude=booking
        )
        if s.start != booking.start
    ]
    return render(
        request,
        "booking/reschedule.html",
        {
            "booking": booking,
            "token": token,
            "zone": str(zone),
            "current": booking.start.astimezone(zone),
            "days": slotlib.group_by_day(free, zone),
            "alternatives": alternatives,
            "taken": alternatives is not None,
            "next_url": "?"
            + urlencode({"tz": str(zone), "from": (first_day + timedelta(days=DAYS_SHOWN)).isoformat()}),
            "previous_url": "?"
            + urlencode({"tz": str(zone), "from": (first_day - timedelta(days=DAYS_SHOWN)).isoformat()})
            if first_day > now.astimezone(zone).date()
            else None,
        },
        status=status,
    )


@never_cache
def invite_ics(request, token):
    booking = _booking_or_404(token)
    data = ics.invitation(
        booking, now=timezone.now(), manage_url=request.build_absolute_uri(links.manage_path(booking))
    )
    method = "CANCEL" if booking.status == Booking.Status.CANCELLED else "REQUEST"
    response = HttpResponse(data, content_type=ics.content_type(method))
    response["Content-Disposition"] = 'attachment; filename="strategiesessie.ics"'
    return response


@never_cache
def verify(request, token):
    booking = _booking_or_404(token, verify=True)
    if request.method == "POST":
        booking = services.booking_verify(booking=booking)
        if booking.status != Booking.Status.CONFIRMED:
            return render(request, "booking/verify.html", {"booking": booking}, status=409)
        messages.success(request, _("Thank you: your e-mail address is verified and your session is confirmed."))
        return redirect("booking_public:manage", token=booking.manage_token())
    return render(request, "booking/verify.html", {"booking": booking})


# --- the advisor's own pages -------------------------------------------------------------


def _require_advisor_or_staff(user) -> None:
    if not (user.is_advisor or user.is_staff):
        raise PermissionDenied


@login_required
def advisor_overview(request):
    _require_advisor_or_staff(request.user)
    user = request.user
    now = timezone.now()
    upcoming = list(
        Booking.objects.filter(advisor=user, status__in=services.ACTIVE, end__gte=now)
        .select_related("organization", "scan_response")
        .order_by("start")[:100]
    )
    for booking in upcoming:
        booking.scan = scan_link(booking.scan_response)
    organizations = [
        grant.organization
        for grant in AdvisorGrant.objects.filter(advisor=user)
        .select_related("organization")
        .order_by("organization__name")
    ]
    journeys = journey.journeys_for(organizations)  # queries independent of the number of clients
    clients = [
        {
            "organization": org,
            "progress": round(100 * journey.progress_share(journeys[org.pk])),
            "steps": journeys[org.pk],
        }
        for org in organizations
    ]
    profile = AdvisorProfile.objects.filter(advisor=user).first() if user.is_advisor else None
    feed_url = (
        request.build_absolute_uri(
            reverse("booking_public:feed", kwargs={"advisor_id": user.pk, "token": profile.feed_token()})
        )
        if profile
        else None
    )
    advisors = (
        User.objects.filter(is_advisor=True).order_by("full_name", "email") if user.is_staff else User.objects.none()
    )
    # Platform staff look after every advisor's calendar.
    everyone = (
        Booking.objects.filter(status__in=services.ACTIVE, end__gte=now)
        .select_related("advisor")
        .order_by("start")[:100]
        if user.is_staff
        else []
    )
    return render(
        request,
        "booking/advisor_overview.html",
        {
            "upcoming": upcoming,
            "clients": clients,
            "profile": profile,
            "feed_url": feed_url,
            "advisors": advisors,
            "everyone": everyone,
            "zone": profile.zone if profile else _zone(None),
        },
    )


@login_required
@require_POST
def advisor_cancel(request, booking_id):
    """The advisor (or platform staff) cancels a session; the visitor gets the cancellation."""
    _require_advisor_or_staff(request.user)
    sessions = Booking.objects.select_related("advisor")
    if not request.user.is_staff:
        sessions = sessions.filter(advisor=request.user)
    booking = get_object_or_404(sessions, uuid=booking_id)
    try:
        services.booking_cancel(booking=booking, by_advisor=True)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The session with %(name)s is cancelled; they have been told.") % {"name": booking.name}
        )
    return redirect("booking_public:advisor")


def _managed_profile(request, advisor_id: int | None) -> AdvisorProfile:
    """The advisor's own profile, or (platform staff only) another advisor's."""
    user = request.user
    if advisor_id is None or advisor_id == user.pk:
        if not user.is_advisor:
            raise PermissionDenied
        return services.profile_for(user)
    if not user.is_staff:
        raise PermissionDenied
    advisor = get_object_or_404(User, pk=advisor_id, is_advisor=True)
    return services.profile_for(advisor)


@login_required
def availability(request, advisor_id: int | None = None):
    profile = _managed_profile(request, advisor_id)
    here = request.path
    profile_form = ProfileForm(instance=profile, prefix="profile")
    window_form = WindowForm(prefix="window")
    exception_form = ExceptionForm(prefix="exception")
    action = request.POST.get("action")
    if request.method == "POST":
        if action == "profile":
            profile_form = ProfileForm(request.POST, instance=profile, prefix="profile")
            if profile_form.is_valid():
                services.availability_profile_save(profile=profile_form.save(commit=False), actor=request.user)
                messages.success(request, _("Settings saved."))
                return redirect(here)
        elif action == "window":
            window_form = WindowForm(request.POST, instance=WeeklyWindow(profile=profile), prefix="window")
            if window_form.is_valid():
                services.availability_window_add(window=window_form.save(commit=False), actor=request.user)
                messages.success(request, _("Weekly hours added."))
                return redirect(here)
        elif action == "exception":
            exception_form = ExceptionForm(
                request.POST, instance=AvailabilityException(profile=profile), prefix="exception"
            )
            if exception_form.is_valid():
                services.availability_exception_add(exception=exception_form.save(commit=False), actor=request.user)
                messages.success(request, _("Exception added."))
                return redirect(here)
        elif action == "delete-window":
            services.availability_remove(
                profile=profile, model=WeeklyWindow, pk=parse_id(request.POST.get("id")), actor=request.user
            )
            messages.success(request, _("Weekly hours removed."))
            return redirect(here)
        elif action == "delete-exception":
            services.availability_remove(
                profile=profile, model=AvailabilityException, pk=parse_id(request.POST.get("id")), actor=request.user
            )
            messages.success(request, _("Exception removed."))
            return redirect(here)
        elif action == "rotate-feed":
            services.availability_feed_rotate(profile=profile, actor=request.user)
            messages.success(request, _("A new calendar address was made; the old one no longer works."))
            return redirect(here)
    return render(
        request,
        "booking/availability.html",
        {
            "profile": profile,
            "profile_form": profile_form,
            "window_form": window_form,
            "exception_form": exception_form,
            "windows": profile.windows.all(),
            "exceptions": profile.exceptions.filter(date__gte=timezone.now().date() - timedelta(days=1)),
        },
        status=422 if request.method == "POST" else 200,
    )


@never_cache
def feed(request, advisor_id: int, token: str):
    profile = AdvisorProfile.objects.filter(advisor_id=advisor_id).select_related("advisor").first()
    if profile is None or not _same(token, profile.feed_token()):
        raise Http404
    since = timezone.now() - timedelta(days=30)
    bookings = (
        Booking.objects.filter(advisor_id=advisor_id, start__gte=since)
        .exclude(status=Booking.Status.PENDING)
        .select_related("advisor", "advisor__booking_profile")
    )
    data = ics.feed(profile.advisor, bookings, now=timezone.now())
    return HttpResponse(data, content_type='text/calendar; charset="utf-8"')


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
