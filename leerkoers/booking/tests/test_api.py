"""The public booking API, through its URLs."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from leerkoers.booking.models import AdvisorProfile, Booking
from leerkoers.booking.tests.conftest import AMS, book, visitor
from leerkoers.orgs.services import api_token_create

URL = "/api/v1/booking/bookings"


def payload(profile, when, **changes):
    data = {
        "advisor": profile.advisor_id,
        "start": when.isoformat(),
        "name": "Vera Bezoeker",
        "email": "vera@example.com",
        "organisation": "Vera BV",
        "question": "Hoe beginnen we?",
    }
    data.update(changes)
    return data


def post(client, data, url=URL):
    return client.post(url, data, content_type="application/json")


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_it_lists_the_advisors_open_for_bookings(client, profile):
    response = client.get("/api/v1/booking/advisors")
    assert response.status_code == 200
    row = next(a for a in response.json() if a["id"] == profile.advisor_id)
    assert row["name"] == "Tess Tester"
    assert row["session_lengths"] == [30, 60]


def test_it_gives_slots_for_inclusive_dates_with_the_offset_of_the_requested_zone(client, profile, next_week_ten):
    day = next_week_ten.date()
    ny = ZoneInfo("America/New_York")
    response = client.get(
        f"/api/v1/booking/advisors/{profile.advisor_id}/slots",
        {"start": day.isoformat(), "end": (day + timedelta(days=1)).isoformat(), "tz": "America/New_York"},
    )
    assert response.status_code == 200
    slots = response.json()
    assert slots
    starts = [datetime.fromisoformat(s["start"]) for s in slots]
    assert {s.date() for s in starts} == {day, day + timedelta(days=1)}
    for s in starts:
        assert s.utcoffset() == s.astimezone(ny).utcoffset()
        assert 8 <= s.astimezone(AMS).hour < 18
    assert datetime.fromisoformat(slots[0]["end"]) - starts[0] == timedelta(minutes=30)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2027-01-05", "end": "2027-01-04"}, "end"),
        ({"start": "2027-01-05", "end": "2027-01-06", "tz": "Mars/Olympus"}, "tz"),
        ({"start": "2027-01-05", "end": "2027-09-01"}, "end"),
        ({"start": "5 januari", "end": "2027-01-06"}, "start"),
        ({"start": "2027-01-05", "end": "2027-01-06", "length": 45}, "length"),
    ],
)
def test_it_rejects_bad_slot_queries_with_a_message_per_field(client, profile, params, field):
    response = client.get(f"/api/v1/booking/advisors/{profile.advisor_id}/slots", params)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_it_answers_404_for_an_advisor_that_does_not_exist(client):
    assert (
        client.get("/api/v1/booking/advisors/999999/slots", {"start": "2027-01-05", "end": "2027-01-05"}).status_code
        == 404
    )


def test_it_books_a_free_slot_and_returns_the_private_links(client, profile, next_week_ten, public_scan):
    scan = public_scan.public_id
    response = post(client, payload(profile, next_week_ten, scan_response=str(scan), phone="0612345678"))
    assert response.status_code == 201, response.content
    data = response.json()
    booking = Booking.objects.get(uuid=data["id"])
    assert booking.start == next_week_ten and booking.phone == "0612345678"
    assert booking.scan_uuid == scan and booking.scan_response == public_scan
    assert data["start"] == next_week_ten.isoformat()
    assert booking.token_hash and booking.manage_token() not in booking.token_hash
    assert client.get(path_of(data["manage_url"])).status_code == 200
    ics = client.get(path_of(data["ics_url"]))
    assert ics.status_code == 200 and b"METHOD:REQUEST" in ics.content
    visitor_mail, advisor_mail = mail.outbox
    assert f"/scan/resultaat/{scan}/" in advisor_mail.body
    assert visitor_mail.to == ["vera@example.com"] and advisor_mail.to == [profile.advisor.email]
    assert data["manage_url"] in visitor_mail.body
    name, content, mimetype = visitor_mail.attachments[0]
    assert name == "invite.ics" and mimetype.startswith("text/calendar; method=REQUEST")


def test_it_refuses_a_taken_slot_with_409_and_the_nearest_free_times(client, profile, next_week_ten):
    assert post(client, payload(profile, next_week_ten)).status_code == 201
    response = post(client, payload(profile, next_week_ten, email="other@example.com"))
    assert response.status_code == 409
    alternatives = response.json()["alternatives"]
    assert len(alternatives) == 5
    assert next_week_ten.isoformat() not in [a["start"] for a in alternatives]
    assert (next_week_ten + timedelta(minutes=30)).isoformat() in [a["start"] for a in alternatives]


def test_it_refuses_a_time_that_is_not_on_the_advisors_grid(client, profile, next_week_ten):
    response = post(client, payload(profile, next_week_ten + timedelta(minutes=10)))
    assert response.status_code == 409
    assert Booking.objects.count() == Booking.objects.exclude(advisor=profile.advisor).count()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"email": "geen-adres"}, "email"),
        ({"organisation": ""}, "organisation"),
        ({"question": ""}, "question"),
        ({"start": "2027-03-29T10:00:00"}, "start"),
        ({"start": "morgen"}, "start"),
        ({"time_zone": "Nowhere/Special"}, "time_zone"),
        ({"advisor": 999999}, "advisor"),
        ({"length": 45}, "length"),
        ({"scan_response": "not-a-uuid"}, "scan_response"),
        ({"scan_response": "00000000-0000-4000-8000-000000000000"}, "scan_response"),
    ],
)
def test_it_rejects_bad_bookings_with_a_message_per_field(client, profile, next_week_ten, changes, field):
    response = post(client, payload(profile, next_week_ten, **changes))
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in [e["field"] for e in errors], errors
    assert all(e["message"] for e in errors)
    assert not Booking.objects.filter(advisor=profile.advisor).exists()


def test_it_books_any_free_advisor(client, make_advisor, next_week_ten):
    AdvisorProfile.objects.update(bookable=False)  # only the two below take part
    first = make_advisor("one@advisors.example")
    second = make_advisor("two@advisors.example")
    a = post(client, payload(first, next_week_ten, advisor="any"))
    b = post(client, payload(first, next_week_ten, advisor="any", email="b@example.com"))
    assert a.status_code == b.status_code == 201
    assert {a.json()["advisor"], b.json()["advisor"]} == {first.advisor_id, second.advisor_id}


def test_it_cancels_by_token_and_frees_the_slot(client, profile, next_week_ten):
    data = post(client, payload(profile, next_week_ten)).json()
    token = path_of(data["manage_url"]).split("/")[3]
    mail.outbox.clear()
    response = client.post(f"{URL}/{token}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert response.json()["sequence"] == 1
    assert [m.to for m in mail.outbox] == [["vera@example.com"], [profile.advisor.email]]
    assert mail.outbox[0].attachments[0][2].startswith("text/calendar; method=CANCEL")
    assert post(client, payload(profile, next_week_ten, email="next@example.com")).status_code == 201
    again = client.post(f"{URL}/{token}/cancel")
    assert again.status_code == 422


def test_it_reschedules_by_token_and_raises_the_sequence(client, profile, next_week_ten):
    data = post(client, payload(profile, next_week_ten)).json()
    token = path_of(data["manage_url"]).split("/")[3]
    later = next_week_ten + timedelta(hours=2)
    response = post(client, {"start": later.isoformat()}, f"{URL}/{token}/reschedule")
    assert response.status_code == 200, response.content
    assert response.json()["start"] == later.isoformat() and response.json()["sequence"] == 1
    moved_mail = [m for m in mail.outbox if m.to == ["vera@example.com"]][-1]
    invite = moved_mail.attachments[0][1]
    invite = invite.decode() if isinstance(invite, bytes) else invite
    assert "SEQUENCE:1" in invite and "METHOD:REQUEST" in invite
    assert [m.to for m in mail.outbox].count([profile.advisor.email]) == 2  # booked, moved
    assert post(client, payload(profile, next_week_ten, email="n@example.com")).status_code == 201
    taken = post(client, {"start": next_week_ten.isoformat()}, f"{URL}/{token}/reschedule")
    assert taken.status_code == 409 and taken.json()["alternatives"]


def test_it_refuses_changes_within_the_notice_period(client, make_advisor, settings):
    settings.BOOKING_CHANGE_NOTICE_HOURS = 72
    profile = make_advisor()
    soon = datetime.combine(timezone.now().astimezone(AMS).date() + timedelta(days=2), time(10), AMS)
    data = post(client, payload(profile, soon)).json()
    token = path_of(data["manage_url"]).split("/")[3]
    response = client.post(f"{URL}/{token}/cancel")
    assert response.status_code == 422
    assert "72" in response.json()["errors"][0]["message"]
    assert Booking.objects.get(uuid=data["id"]).status == "confirmed"


def test_it_answers_404_for_an_unknown_token(client):
    assert client.post(f"{URL}/{'x' * 43}/cancel").status_code == 404
    assert client.get(f"{URL}/{'x' * 43}").status_code == 404


def test_it_rate_limits_booking_attempts_per_client(client, profile, next_week_ten, settings):
    settings.BOOKING_RATE_LIMIT = 2
    for i in range(2):
        post(client, payload(profile, next_week_ten, email=f"{i}@example.com"))
    response = post(client, payload(profile, next_week_ten + timedelta(hours=3), email="3@example.com"))
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= settings.BOOKING_RATE_WINDOW
    assert response.json()["detail"]


def test_it_limits_future_sessions_per_email_address(client, profile, next_week_ten, settings):
    settings.BOOKING_MAX_FUTURE_PER_EMAIL = 1
    assert post(client, payload(profile, next_week_ten, email="Vera@Example.com")).status_code == 201
    response = post(client, payload(profile, next_week_ten + timedelta(hours=2)))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["email"]


def test_it_writes_the_e_mail_in_the_visitors_language(client, profile, next_week_ten):
    post(client, payload(profile, next_week_ten, language="en"))
    post(client, payload(profile, next_week_ten + timedelta(hours=2), email="nl@example.com", language="nl"))
    english, _advisor, dutch, _advisor2 = mail.outbox
    assert english.subject.startswith("Your strategy session")
    assert dutch.subject.startswith("Je strategiesessie")


def test_it_answers_dates_at_the_end_of_the_calendar_without_crashing(client, profile):
    slots = client.get(
        f"/api/v1/booking/advisors/{profile.advisor_id}/slots", {"start": "9999-12-30", "end": "9999-12-31"}
    )
    assert slots.status_code == 422 and slots.json()["errors"][0]["field"] == "end"
    far = post(client, payload(profile, datetime(9999, 12, 31, 23, 0, tzinfo=AMS)))
    assert far.status_code == 422 and far.json()["errors"][0]["field"] == "start"
    assert client.get("/sessie/", {"from": "9999-12-31", "tz": "Pacific/Kiritimati"}).status_code == 200


def test_it_offers_the_first_free_times_for_a_time_in_the_past(client, profile):
    response = post(client, payload(profile, datetime(2020, 1, 6, 10, 0, tzinfo=AMS)))
    assert response.status_code == 409
    assert response.json()["alternatives"]
    assert datetime.fromisoformat(response.json()["alternatives"][0]["start"]) > timezone.now()


def test_it_lists_the_organisations_sessions_to_its_api_token_and_steering_roles(
    admin_client, employee_client, admin_user, org, profile, next_week_ten, django_assert_max_num_queries
):
    mine = book(profile, next_week_ten, organization=org, booked_by=admin_user)
    book(profile, next_week_ten + timedelta(days=1), visitor=visitor(email="public@example.com"))  # not the org's
    _token, raw = api_token_create(organization=org, name="crm", can_write=False, created_by=admin_user)
    with django_assert_max_num_queries(6):
        response = admin_client.get("/api/v1/orgs/demo/sessions", headers={"authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    ids = [item["id"] for item in response.json()["items"]]
    assert str(mine.uuid) in ids
    assert all(Booking.objects.get(uuid=i).organization == org for i in ids)
    item = next(i for i in response.json()["items"] if i["id"] == str(mine.uuid))
    assert item["start"] == next_week_ten.isoformat()
    assert str(mine.uuid) in [i["id"] for i in admin_client.get("/api/v1/orgs/demo/sessions").json()["items"]]
    assert str(mine.uuid) not in [i["id"] for i in employee_client.get("/api/v1/orgs/demo/sessions").json()["items"]]


def test_it_writes_the_visitors_times_in_their_zone_and_the_advisors_in_theirs(client, profile, next_week_ten):
    data = post(client, payload(profile, next_week_ten, time_zone="America/New_York", language="en")).json()
    new_york = next_week_ten.astimezone(ZoneInfo("America/New_York"))
    assert data["start"] == new_york.isoformat()
    visitor_mail, advisor_mail = mail.outbox
    assert f"{new_york:%H:%M}–" in visitor_mail.body and "(America/New_York)" in visitor_mail.body
    assert f"{next_week_ten:%H:%M}–" in advisor_mail.body and "(Europe/Amsterdam)" in advisor_mail.body
