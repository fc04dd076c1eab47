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
from leerkoers.booking import ics, links, selectors, services
from leerkoers.booking import slots as slotlib
from leerkoers.booking.forms import BookingForm, ExceptionForm, ProfileForm, RescheduleForm, WindowForm
from leerkoers.booking.models import DEFAULT_TIME_ZONE, AdvisorProfile, AvailabilityException, Booking, WeeklyWindow
from leerkoers.booking.scans import find_scan, scan_link
from leerkoers.lib.forms import add_service_errors, call_service, show_refusal
from leerkoers.lib.params import parse_id
from leerkoers.orgs.access import EVERYONE, org_view
from leerkoers.orgs.models import ADVISOR, AdvisorGrant
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


def _rate_limited(request) -> HttpResponse | None:
    """The 429 page once a client address has made too many booking attempts, else None."""
    retry = retry_after(request, "booking", limit="BOOKING_RATE_LIMIT", window="BOOKING_RATE_WINDOW")
    if retry is None:
        return None
    response = render(request, "booking/rate_limited.html", {"retry": retry}, status=429)
    response["Retry-After"] = str(retry)
    return response


def _week_urls(first_day: date, zone, now, query) -> tuple[str | None, str]:
    """The previous week's link (None before today) and the next week's; `query(day)` gives
    the query string that starts the page on `day`."""
    previous = first_day - timedelta(days=DAYS_SHOWN)
    next_url = "?" + query(first_day + timedelta(days=DAYS_SHOWN))
    return ("?" + query(previous) if first_day > now.astimezone(zone).date() else None), next_url


def _booking_page(request, *, template: str, context: dict, organization=None, initial=None):
    """The booking page, public or inside an organisation: pick a slot, give details, book."""
    now = timezone.now()
    profiles = list(services.bookable_profiles())
    choice = Choice(request.POST if request.method == "POST" else request.GET, profiles, organization)
    form = BookingForm(request.POST or None, initial=initial)
    alternatives = None
    status = 200
    if request.method == "POST":
        if limited := _rate_limited(request):
            return limited
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
    previous_week_url, next_week_url = _week_urls(
        choice.first_day, choice.zone, now, lambda day: choice.query(**{"from": day.isoformat()})
    )
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
            "previous_week_url": previous_week_url,
            "next_week_url": next_week_url,
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
    return _booking_page(
        request,
        template="booking/org_sessions.html",
        context={"access": access, "sessions": selectors.org_sessions(access)[:50]},
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
    if call_service(request, services.booking_cancel, booking=booking):
        messages.success(request, _("Your session has been cancelled. The advisor has been told."))
    return redirect("booking_public:manage", token=token)


def _reschedule_attempt(request, booking, token, now, zone) -> tuple[HttpResponse | None, list | None, int]:
    """Move the session to the posted time: (the response to send if it is done or refused,
    the alternatives if the time was just taken, the status of the page otherwise)."""
    if limited := _rate_limited(request):
        return limited, None, 429
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the times shown."))
        return None, None, 422
    try:
        services.booking_reschedule(booking=booking, start=form.cleaned_data["start"], now=now)
    except services.SlotTaken as taken:
        return None, [s.start.astimezone(zone) for s in taken.alternatives], 409
    except ValidationError as exc:
        show_refusal(request, exc)
        return None, None, 422
    messages.success(request, _("Your session has been moved. A new invitation is on its way."))
    return redirect("booking_public:manage", token=token), None, 302


def _free_slots(booking, first_day, zone, now) -> list:
    """The advisor's free slots of the week shown, other than the session's own time."""
    profile = get_object_or_404(
        AdvisorProfile.objects.prefetch_related("windows", "exceptions"), advisor=booking.advisor
    )
    start, end = services.local_day_range(first_day, first_day + timedelta(days=DAYS_SHOWN - 1), zone)
    found = services.advisor_slots(
        profile, length=booking.length_minutes, start=start, end=end, now=now, exclude=booking
    )
    return [s for s in found if s.start != booking.start]


@never_cache
def reschedule(request, token):
    booking, now = _booking_or_404(token), timezone.now()
    if refusal := services.booking_refusal(booking, now):
        messages.error(request, refusal)
        return redirect("booking_public:manage", token=token)
    zone = _zone(request.GET.get("tz") or booking.visitor_time_zone)
    first_day = _first_day(request.GET.get("from"), zone)
    alternatives, status = None, 200
    if request.method == "POST":
        done, alternatives, status = _reschedule_attempt(request, booking, token, now, zone)
        if done is not None:
            return done
    previous_url, next_url = _week_urls(
        first_day, zone, now, lambda day: urlencode({"tz": str(zone), "from": day.isoformat()})
    )
    context = {
        "booking": booking,
        "token": token,
        "zone": str(zone),
        "current": booking.start.astimezone(zone),
        "days": slotlib.group_by_day(_free_slots(booking, first_day, zone, now), zone),
        "alternatives": alternatives,
        "taken": alternatives is not None,
        "next_url": next_url,
        "previous_url": previous_url,
    }
    return render(request, "booking/reschedule.html", context, status=status)


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


def _advisor_clients(user) -> list[dict]:
    """The advisor's client organisations with their journeys, computed together (the
    queries do not grow with the number of clients)."""
    organizations = [
        grant.organization
        for grant in AdvisorGrant.objects.filter(advisor=user)
        .select_related("organization")
        .order_by("organization__name")
    ]
    journeys = journey.journeys_for(organizations, ADVISOR)
    return [
        {
            "organization": org,
            "progress": round(100 * journey.progress_share(journeys[org.pk])),
            "steps": journeys[org.pk],
        }
        for org in organizations
    ]


def _upcoming(now, advisor=None, related=("organization", "scan_response")):
    """Active sessions still to come (of one advisor, or everyone's), the first hundred."""
    sessions = Booking.objects.filter(status__in=services.ACTIVE, end__gte=now)
    if advisor is not None:
        sessions = sessions.filter(advisor=advisor)
    return list(sessions.select_related(*related).order_by("start")[:100])


@login_required
def advisor_overview(request):
    _require_advisor_or_staff(request.user)
    user, now = request.user, timezone.now()
    upcoming = _upcoming(now, advisor=user)
    for booking in upcoming:
        booking.scan = scan_link(booking.scan_response)
    profile = AdvisorProfile.objects.filter(advisor=user).first() if user.is_advisor else None
    feed = profile and reverse("booking_public:feed", kwargs={"advisor_id": user.pk, "token": profile.feed_token()})
    staff = user.is_staff  # platform staff look after every advisor's calendar
    context = {
        "upcoming": upcoming,
        "clients": _advisor_clients(user),
        "profile": profile,
        "feed_url": request.build_absolute_uri(feed) if feed else None,
        "advisors": User.objects.filter(is_advisor=True).order_by("full_name", "email")
        if staff
        else User.objects.none(),
        "everyone": _upcoming(now, related=("advisor",)) if staff else [],
        "zone": profile.zone if profile else _zone(None),
    }
    return render(request, "booking/advisor_overview.html", context)


@login_required
@require_POST
def advisor_cancel(request, booking_id):
    """The advisor (or platform staff) cancels a session; the visitor gets the cancellation."""
    _require_advisor_or_staff(request.user)
    sessions = Booking.objects.select_related("advisor")
    if not request.user.is_staff:
        sessions = sessions.filter(advisor=request.user)
    booking = get_object_or_404(sessions, uuid=booking_id)
    if call_service(request, services.booking_cancel, booking=booking, by_advisor=True):
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


def _availability_forms(profile, data, action: str | None) -> dict:
    """The page's three forms, the one named by the posted `action` bound to `data`."""
    forms = {}
    for name, form_class, new in (
        ("profile", ProfileForm, lambda: profile),
        ("window", WindowForm, lambda: WeeklyWindow(profile=profile)),
        ("exception", ExceptionForm, lambda: AvailabilityException(profile=profile)),
    ):
        if name == action:
            forms[name] = form_class(data, instance=new(), prefix=name)
        else:
            forms[name] = form_class(instance=profile if name == "profile" else None, prefix=name)
    return forms


def _availability_change(request, profile, forms, action: str) -> str | None:
    """Carry out the posted action through its service: the message to show, or None when
    the form is invalid or the action unknown."""
    actor = request.user
    if action in forms:
        form = forms[action]
        if not form.is_valid():
            return None
        if action == "profile":
            services.availability_profile_save(profile=form.save(commit=False), actor=actor)
            return _("Settings saved.")
        if action == "window":
            services.availability_window_add(window=form.save(commit=False), actor=actor)
            return _("Weekly hours added.")
        services.availability_exception_add(exception=form.save(commit=False), actor=actor)
        return _("Exception added.")
    if action in ("delete-window", "delete-exception"):
        model = WeeklyWindow if action == "delete-window" else AvailabilityException
        services.availability_remove(profile=profile, model=model, pk=parse_id(request.POST.get("id")), actor=actor)
        return _("Weekly hours removed.") if model is WeeklyWindow else _("Exception removed.")
    if action == "rotate-feed":
        services.availability_feed_rotate(profile=profile, actor=actor)
        return _("A new calendar address was made; the old one no longer works.")
    return None


@login_required
def availability(request, advisor_id: int | None = None):
    profile = _managed_profile(request, advisor_id)
    action = request.POST.get("action") if request.method == "POST" else None
    forms = _availability_forms(profile, request.POST, action)
    if action and (done := _availability_change(request, profile, forms, action)):
        messages.success(request, done)
        return redirect(request.path)
    return render(
        request,
        "booking/availability.html",
        {
            "profile": profile,
            "profile_form": forms["profile"],
            "window_form": forms["window"],
            "exception_form": forms["exception"],
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
