"""The booking pages, public and inside an organisation, through their URLs."""

import re
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leerkoers.accounts.models import User
from leerkoers.booking.models import AdvisorProfile, AvailabilityException, Booking, WeeklyWindow
from leerkoers.booking.services import profile_for
from leerkoers.booking.tests.conftest import book, visitor


def form_data(when, **changes):
    data = {
        "start": when.isoformat(),
        "name": "Vera Bezoeker",
        "organisation_name": "Vera BV",
        "email": "vera@example.com",
        "question": "Waar beginnen we?",
        "tz": "Europe/Amsterdam",
    }
    data.update(changes)
    return data


def manage_link(message) -> str:
    return re.search(r"https?://[^/]+(/sessie/beheer/[^/]+/)", message.body).group(1)


def test_it_shows_free_slots_by_day_in_the_chosen_zone(client, profile, next_week_ten):
    response = client.get(
        "/sessie/",
        {"advisor": profile.advisor_id, "tz": "Asia/Tokyo", "from": next_week_ten.date().isoformat(), "length": 60},
    )
    assert response.status_code == 200
    html = response.content.decode()
    # 10:00 Amsterdam is 18:00 in Tokyo in winter, 17:00 in summer.
    tokyo = next_week_ten.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f'value="{tokyo.isoformat()}"' in html
    assert "Asia/Tokyo" in html


def test_it_books_from_the_public_page_and_shows_the_confirmation(client, profile, next_week_ten, public_scan):
    scan = public_scan.public_id
    page = client.get(f"/sessie/?scan={scan}")
    assert f"/scan/resultaat/{scan}/" in page.content.decode()
    response = client.post(
        f"/sessie/?scan={scan}", form_data(next_week_ten, advisor=profile.advisor_id, scan=str(scan)), follow=True
    )
    assert response.status_code == 200
    booking = Booking.objects.get(advisor=profile.advisor)
    assert booking.scan_response == public_scan and booking.organization is None
    assert "Your session is booked" in response.content.decode()
    assert manage_link(mail.outbox[0]) in response.redirect_chain[0][0]


def test_it_ignores_a_scan_id_that_does_not_exist_or_belongs_to_an_organisations_round(
    client, profile, next_week_ten, public_scan, org
):
    public_scan.organization = org
    public_scan.save()
    for scan in (uuid.uuid4(), public_scan.public_id):
        response = client.get(f"/sessie/?scan={scan}")
        html = response.content.decode()
        assert f"/scan/resultaat/{scan}/" not in html and f'name="scan" value="{scan}"' not in html
        client.post("/sessie/", form_data(next_week_ten, advisor=profile.advisor_id, scan=str(scan)))
    assert Booking.objects.get(advisor=profile.advisor).scan_response is None


def test_it_shows_the_advisor_the_scan_result_of_an_upcoming_session(advisor_client, advisor_user, public_scan):
    profile = profile_for(advisor_user)
    booking = Booking.objects.filter(advisor=advisor_user).first()
    booking.scan_response, booking.scan_uuid = public_scan, public_scan.public_id
    booking.save()
    html = advisor_client.get("/sessie/adviseur/").content.decode()
    assert f"/scan/resultaat/{public_scan.public_id}/" in html and "57/100" in html
    assert profile.pk


def test_it_tells_the_second_visitor_the_time_was_just_taken(client, profile, next_week_ten):
    book(profile, next_week_ten)
    response = client.post("/sessie/", form_data(next_week_ten, advisor=profile.advisor_id, email="two@example.com"))
    assert response.status_code == 409
    html = response.content.decode()
    assert 'role="alert"' in html
    assert (next_week_ten + timedelta(minutes=30)).isoformat() in html
    assert Booking.objects.filter(advisor=profile.advisor).count() == 1


def test_it_shows_a_message_per_field_on_bad_input(client, profile, next_week_ten):
    response = client.post("/sessie/", form_data(next_week_ten, advisor=profile.advisor_id, email="nope", name=""))
    assert response.status_code == 422
    form = response.context["form"]
    assert set(form.errors) == {"email", "name"}
    response = client.post("/sessie/", form_data(next_week_ten, advisor=profile.advisor_id, start="gisteren"))
    assert response.status_code == 422 and "start" in response.context["form"].errors
    assert not Booking.objects.filter(advisor=profile.advisor).exists()


def test_it_prefills_the_members_details_and_links_the_booking_to_the_organisation(
    employee_client, employee_user, org, profile, next_week_ten
):
    response = employee_client.get("/o/demo/sessions/")
    assert response.status_code == 200
    assert response.context["form"].initial["organisation_name"] == org.name
    assert response.context["form"].initial["email"] == employee_user.email
    response = employee_client.post(
        "/o/demo/sessions/", form_data(next_week_ten, advisor=profile.advisor_id, email=employee_user.email)
    )
    assert response.status_code == 302
    booking = Booking.objects.get(advisor=profile.advisor)
    assert booking.organization == org and booking.booked_by == employee_user
    assert booking in employee_client.get("/o/demo/sessions/").context["sessions"]


def test_it_shows_members_only_their_own_sessions_and_admins_all(
    admin_client, employee_client, admin_user, org, profile, next_week_ten
):
    mine = book(profile, next_week_ten, organization=org, booked_by=admin_user)
    assert mine in admin_client.get("/o/demo/sessions/").context["sessions"]
    assert mine not in employee_client.get("/o/demo/sessions/").context["sessions"]


def test_it_lists_the_organisations_sessions_in_few_queries(
    admin_client, org, admin_user, profile, next_week_ten, django_assert_max_num_queries
):
    for i in range(5):
        book(
            profile,
            next_week_ten + timedelta(days=i),
            organization=org,
            booked_by=admin_user,
            visitor=visitor(email=f"v{i}@example.com"),
        )
    with django_assert_max_num_queries(25):
        assert admin_client.get("/o/demo/sessions/").status_code == 200


def test_it_lets_the_visitor_reschedule_and_cancel_through_the_private_link(client, profile, next_week_ten):
    booking = book(profile, next_week_ten)
    link = manage_link(mail.outbox[0])
    assert client.get(link).status_code == 200
    later = next_week_ten + timedelta(hours=3)
    response = client.post(link + "verzetten/", {"start": later.isoformat()})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.start == later and booking.sequence == 1
    assert client.get(link + "annuleren/").status_code == 200  # asks first
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"
    response = client.post(link + "annuleren/")
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert client.get(link).status_code == 200


def test_it_answers_404_for_a_wrong_private_link(client):
    assert client.get("/sessie/beheer/nope/").status_code == 404
    assert client.post("/sessie/beheer/nope/annuleren/").status_code == 404
    assert client.get("/sessie/beheer/nope/uitnodiging.ics").status_code == 404


def test_it_holds_the_session_until_the_e_mail_address_is_verified(client, profile, next_week_ten, settings):
    settings.BOOKING_REQUIRE_EMAIL_VERIFICATION = True
    booking = book(profile, next_week_ten)
    assert booking.status == "pending"
    assert [m.to for m in mail.outbox] == [["vera@example.com"]]  # the advisor is not told yet
    link = re.search(r"https?://[^/]+(/sessie/bevestig/[^/]+/)", mail.outbox[0].body).group(1)
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    assert profile.advisor.email in [m.to[0] for m in mail.outbox]


def test_it_rate_limits_the_booking_form(client, profile, next_week_ten, settings):
    settings.BOOKING_RATE_LIMIT = 1
    client.post("/sessie/", form_data(next_week_ten, advisor=profile.advisor_id))
    response = client.post("/sessie/", form_data(next_week_ten, advisor=profile.advisor_id, email="b@example.com"))
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_it_shows_the_advisor_their_sessions_clients_and_private_feed(
    client, advisor_client, advisor_user, org, django_assert_max_num_queries
):
    response = advisor_client.get("/sessie/adviseur/")
    assert response.status_code == 200
    assert org in [c["organization"] for c in response.context["clients"]]
    assert response.context["upcoming"]  # the demo has sessions booked
    feed_url = response.context["feed_url"]
    assert feed_url
    feed = client.get("/" + feed_url.split("://", 1)[1].split("/", 1)[1])
    assert feed.status_code == 200 and b"BEGIN:VEVENT" in feed.content
    # The clients' journeys are computed together (see the test below); the sessions must
    # not add a query per session either.
    with django_assert_max_num_queries(8 + 30):
        advisor_client.get("/sessie/adviseur/")
    with CaptureQueriesContext(connection) as before:
        advisor_client.get("/sessie/adviseur/")
    profile = advisor_user.booking_profile
    profile.windows.all().delete()
    profile.exceptions.all().delete()
    WeeklyWindow.objects.bulk_create(
        WeeklyWindow(profile=profile, weekday=d, start="00:00", end="23:30") for d in range(7)
    )
    for i in range(6):
        book(
            profile,
            timezone.now().replace(microsecond=0, second=0, minute=0) + timedelta(days=3 + i),
            visitor=visitor(email=f"q{i}@example.com"),
        )
    with CaptureQueriesContext(connection) as after:
        assert len(advisor_client.get("/sessie/adviseur/").context["upcoming"]) >= 6
    assert len(after.captured_queries) == len(before.captured_queries)


def test_it_refuses_a_feed_with_a_wrong_token(client, advisor_user):
    assert client.get(f"/sessie/adviseur/agenda/{advisor_user.pk}/{'0' * 40}.ics").status_code == 404


def test_it_keeps_advisor_pages_from_other_users(employee_client, outsider_client, advisor_user):
    assert employee_client.get("/sessie/adviseur/").status_code == 403
    assert employee_client.get("/sessie/adviseur/beschikbaarheid/").status_code == 403
    assert outsider_client.get(f"/sessie/adviseur/{advisor_user.pk}/beschikbaarheid/").status_code == 403


def test_it_lets_an_advisor_manage_their_own_availability(advisor_client, advisor_user):
    url = "/sessie/adviseur/beschikbaarheid/"
    profile = advisor_user.booking_profile
    before = profile.windows.count()
    response = advisor_client.post(
        url, {"action": "window", "window-weekday": 4, "window-start": "09:00", "window-end": "11:00"}
    )
    assert response.status_code == 302
    assert profile.windows.count() == before + 1
    response = advisor_client.post(
        url, {"action": "window", "window-weekday": 4, "window-start": "11:00", "window-end": "09:00"}
    )
    assert response.status_code == 422 and profile.windows.count() == before + 1
    response = advisor_client.post(
        url, {"action": "exception", "exception-date": "2027-05-05", "exception-kind": "off"}
    )
    assert response.status_code == 302
    assert AvailabilityException.objects.filter(profile=profile, date="2027-05-05").exists()
    data = {
        "action": "profile",
        "profile-bookable": "on",
        "profile-time_zone": "Europe/London",
        "profile-session_lengths": "45, 90",
        "profile-slot_interval": 15,
        "profile-buffer_before": 5,
        "profile-buffer_after": 10,
        "profile-min_notice_hours": 12,
        "profile-horizon_days": 90,
        "profile-max_per_day": 3,
        "profile-video_url": "https://meet.example/x",
        "profile-location": "",
    }
    assert advisor_client.post(url, data).status_code == 302
    profile.refresh_from_db()
    assert profile.session_lengths == [45, 90] and profile.time_zone == "Europe/London"
    bad = advisor_client.post(url, {**data, "profile-time_zone": "Atlantis/Capital", "profile-session_lengths": "x"})
    assert bad.status_code == 422
    assert set(bad.context["profile_form"].errors) == {"time_zone", "session_lengths"}
    assert 'value="Europe/London" selected' in advisor_client.get(url).content.decode()


def test_it_lets_staff_manage_any_advisor_but_not_an_advisor_someone_else(
    admin_user, advisor_client, advisor_user, client
):
    staff = User.objects.create_user("staff@platform.example", is_staff=True)
    client.force_login(staff)
    url = f"/sessie/adviseur/{advisor_user.pk}/beschikbaarheid/"
    assert client.get(url).status_code == 200
    other = User.objects.create_user("other-adv@platform.example", is_advisor=True)
    assert advisor_client.get(f"/sessie/adviseur/{other.pk}/beschikbaarheid/").status_code == 403
    window = WeeklyWindow.objects.filter(profile__advisor=advisor_user).first()
    assert client.post(url, {"action": "delete-window", "id": window.pk}).status_code == 302
    assert not WeeklyWindow.objects.filter(pk=window.pk).exists()


def test_it_shows_each_time_once_for_any_advisor_offering_the_chosen_length(client, make_advisor, next_week_ten):
    AdvisorProfile.objects.update(bookable=False)
    make_advisor("short@advisors.example", session_lengths=[30])
    make_advisor("long@advisors.example", session_lengths=[60])
    params = {"advisor": "any", "tz": "Europe/Amsterdam", "from": next_week_ten.date().isoformat()}
    for length in (30, 60):
        response = client.get("/sessie/", {**params, "length": length})
        starts = [s for _day, day_starts in response.context["days"] for s in day_starts]
        assert len(starts) == len(set(starts)) == 7 * (20 if length == 30 else 19)


def test_it_lets_the_advisor_cancel_their_own_session_and_tells_the_visitor(advisor_client, profile, next_week_ten):
    advisor = User.objects.get(email="advisor@demo.example")
    own = Booking.objects.filter(advisor=advisor, status="confirmed").first()
    mail.outbox.clear()
    response = advisor_client.post(f"/sessie/adviseur/sessies/{own.uuid}/annuleren/")
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == "cancelled"
    assert own.email in [m.to[0] for m in mail.outbox]
    someone_elses = book(profile, next_week_ten)
    assert advisor_client.post(f"/sessie/adviseur/sessies/{someone_elses.uuid}/annuleren/").status_code == 404
    assert Booking.objects.get(pk=someone_elses.pk).status == "confirmed"


def test_it_refuses_advisor_cancellation_to_other_users(employee_client, profile, next_week_ten):
    booking = book(profile, next_week_ten)
    assert employee_client.post(f"/sessie/adviseur/sessies/{booking.uuid}/annuleren/").status_code == 403
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"


def test_it_sends_the_visitor_to_the_advisor_within_the_notice_period(client, profile, next_week_ten, settings):
    booking = book(profile, next_week_ten)
    link = manage_link(mail.outbox[0])
    settings.BOOKING_CHANGE_NOTICE_HOURS = 24 * 30
    page = client.get(link)
    assert page.context["refusal"] and b"verzetten/" not in page.content
    assert client.get(link + "verzetten/").status_code == 302
    assert client.post(link + "annuleren/").status_code == 302
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"


def test_it_builds_the_public_booking_page_in_few_queries(client, make_advisor, django_assert_max_num_queries):
    for i in range(3):
        make_advisor(f"a{i}@advisors.example")
    with django_assert_max_num_queries(20):
        assert client.get("/sessie/", {"advisor": "any"}).status_code == 200


def test_it_does_not_confirm_a_hold_that_was_released(client, profile, next_week_ten, settings):
    settings.BOOKING_REQUIRE_EMAIL_VERIFICATION = True
    booking = book(profile, next_week_ten)
    link = re.search(r"https?://[^/]+(/sessie/bevestig/[^/]+/)", mail.outbox[0].body).group(1)
    Booking.objects.filter(pk=booking.pk).update(created=timezone.now() - timedelta(hours=3))
    call_command("send_booking_reminders", verbosity=0)
    response = client.post(link)
    assert response.status_code == 409 and b"released" in response.content
    assert Booking.objects.get(pk=booking.pk).status == "cancelled"


def test_it_shows_staff_every_advisors_upcoming_sessions(client, profile, next_week_ten, django_assert_max_num_queries):
    booking = book(profile, next_week_ten)
    staff = User.objects.create_user("staff2@platform.example", is_staff=True)
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        response = client.get("/sessie/adviseur/")
    assert booking in response.context["everyone"]
    assert client.post(f"/sessie/adviseur/sessies/{booking.uuid}/annuleren/").status_code == 302
    assert Booking.objects.get(pk=booking.pk).status == "cancelled"


def test_it_keeps_private_pages_out_of_caches_and_search_engines(client, profile, next_week_ten):
    book(profile, next_week_ten)
    link = manage_link(mail.outbox[0])
    for url in (link, link + "verzetten/", link + "annuleren/", link + "uitnodiging.ics"):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"], url
    assert b'name="robots" content="noindex"' in client.get(link).content


def test_it_records_every_change_of_an_advisors_availability_in_the_audit_trail(advisor_client, advisor_user):
    from leerkoers.audit.models import AuditEvent

    url = "/sessie/adviseur/beschikbaarheid/"
    profile = advisor_user.booking_profile
    advisor_client.post(url, {"action": "window", "window-weekday": 2, "window-start": "13:00", "window-end": "15:00"})
    advisor_client.post(url, {"action": "exception", "exception-date": "2027-06-01", "exception-kind": "off"})
    window = profile.windows.order_by("-pk").first()
    exception = profile.exceptions.order_by("-pk").first()
    advisor_client.post(url, {"action": "delete-window", "id": window.pk})
    advisor_client.post(url, {"action": "delete-exception", "id": exception.pk})
    advisor_client.post(url, {"action": "rotate-feed"})
    actions = list(AuditEvent.objects.filter(actor=advisor_user).order_by("pk").values_list("action", flat=True))
    assert actions[-5:] == [
        "availability.window_add",
        "availability.exception_add",
        "availability.weeklywindow_remove",
        "availability.availabilityexception_remove",
        "availability.feed_rotate",
    ]
    assert not profile.windows.filter(pk=window.pk).exists()


def _client_with_every_step(n: int, advisor) -> None:
    """An organisation the advisor may see, with data in every step (so that each step's
    reporter has rounds, responses, activities and goals to read)."""
    from leerkoers.alignment.models import Kpi, StrategicGoal
    from leerkoers.inventory.models import Activity
    from leerkoers.orgs.models import AdvisorGrant, Organization
    from leerkoers.scan.models import Layer, ScanRound
    from leerkoers.scan.services import round_open
    from leerkoers.scan.tests.conftest import add_responses
    from leerkoers.vision.models import VisionRound, VisionStatement

    org = Organization.objects.create(name=f"Klant {n}", slug=f"klant-{n}")
    AdvisorGrant.objects.create(organization=org, advisor=advisor)
    closed = round_open(organization=org, title="Eerste", actor=None)
    add_responses(closed, Layer.EMPLOYEES, 6, 4)
    ScanRound.objects.filter(pk=closed.pk).update(status=ScanRound.Status.CLOSED)
    add_responses(round_open(organization=org, title="Tweede", actor=None), Layer.MANAGERS, 5, 2)
    Activity.objects.bulk_create(
        Activity(organization=org, title=f"Cursus {i}", goal="Doel", cost=100) for i in range(3)
    )
    vision_round = VisionRound.objects.create(organization=org, title="Visie", closes_on=timezone.localdate())
    VisionStatement.objects.create(organization=org, round=vision_round, text="Leren hoort bij het werk")
    goal = StrategicGoal.objects.create(organization=org, title="Veilige zorg", theme="zorg", status="active")
    today = timezone.localdate()
    Kpi.objects.create(
        organization=org,
        strategic_goal=goal,
        name="Incidenten",
        unit="number",
        baseline_value=10,
        baseline_date=today,
        target_value=5,
        target_date=today + timedelta(days=365),
    )


# Steps whose journey reporter is not batched over organisations yet: each costs its queries
# once per client. Remove a step from here once its `reports` exists; add none.
NOT_BATCHED: set[str] = set()


def test_every_step_but_the_known_ones_reports_for_many_organisations_at_once():
    from leerkoers import journey

    assert {step.key for step in journey.STEPS if step.reports is None} == NOT_BATCHED


def test_the_advisor_overview_costs_the_same_queries_for_one_client_and_for_five(
    advisor_client, advisor_user, org, monkeypatch
):
    from leerkoers import journey
    from leerkoers.orgs.models import AdvisorGrant

    monkeypatch.setattr(journey, "STEPS", [step for step in journey.STEPS if step.key not in NOT_BATCHED])
    AdvisorGrant.objects.filter(advisor=advisor_user).exclude(organization=org).delete()
    advisor_client.get("/sessie/adviseur/")  # warm the caches the first request fills
    with CaptureQueriesContext(connection) as one:
        response = advisor_client.get("/sessie/adviseur/")
    assert [c["organization"] for c in response.context["clients"]] == [org]
    for n in range(4):
        _client_with_every_step(n, advisor_user)
    advisor_client.get("/sessie/adviseur/")
    with CaptureQueriesContext(connection) as five:
        response = advisor_client.get("/sessie/adviseur/")
    clients = response.context["clients"]
    assert len(clients) == 5
    klant = next(c for c in clients if c["organization"].slug == "klant-0")
    statuses = {step.definition.key: step.report.status for step in klant["steps"]}
    with_data = ("scan", "inventory", "vision", "alignment")  # every step without data is not started
    assert {key: statuses[key] for key in with_data} == dict.fromkeys(with_data, "in_progress")
    assert len(five) == len(one), [q["sql"] for q in five.captured_queries]
