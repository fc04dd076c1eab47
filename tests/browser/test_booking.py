"""Book a strategy session in a real browser, then reschedule and cancel it through the link
in the confirmation e-mail (read from the locmem outbox of this process)."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from leerkoers.accounts.models import User
from leerkoers.booking import services
from leerkoers.booking.models import AdvisorProfile, Booking, WeeklyWindow
from tests.browser.helpers import axe_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page(browser_page, live_server):
    """A Dutch visitor in New York: the booking page must switch to their zone by itself."""
    context = browser_page.context.browser.new_context(
        base_url=live_server.url, locale="nl-NL", timezone_id="America/New_York"
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def advisor(transactional_db):
    user = User.objects.create_user("browser-advisor@example.com", full_name="Bram Browser", is_advisor=True)
    profile = AdvisorProfile.objects.create(advisor=user, session_lengths=[60], min_notice_hours=0, horizon_days=90)
    WeeklyWindow.objects.bulk_create(
        WeeklyWindow(profile=profile, weekday=d, start=time(9), end=time(17)) for d in range(7)
    )
    return user


def test_a_visitor_books_reschedules_and_cancels_a_session(page, advisor):
    """Also: the time is taken just before she sends the form; she picks one of the nearest."""
    day = (timezone.now() + timedelta(days=3)).date()
    page.goto(f"/sessie/?advisor={advisor.pk}&from={day.isoformat()}")
    # The page switches to the browser's own time zone.
    page.wait_for_url(re.compile(r"tz="))
    zone = page.locator("select[name=tz]").input_value()
    assert zone == "America/New_York"
    axe_check(page)

    page.fill("input[name=name]", "Bea Browser")
    page.fill("input[name=organisation_name]", "Browser BV")
    page.fill("input[name=email]", "bea@example.com")
    page.fill("textarea[name=question]", "Hoe krijgen we leidinggevenden mee?")
    # Looking at next week and back swaps only the slots: what she typed stays.
    first_slot = page.locator(".slot input").first.get_attribute("value")
    page.locator(".week-nav a").last.click()
    page.wait_for_url(re.compile(rf"from={day + timedelta(days=7)}"))
    assert page.locator(".slot input").first.get_attribute("value") != first_slot
    page.locator(".week-nav a").first.click()
    page.wait_for_url(re.compile(rf"from={day}"))
    assert page.locator(".slot input").first.get_attribute("value") == first_slot
    assert page.locator("input[name=name]").input_value() == "Bea Browser"
    page.locator(".slot").first.click()
    # Someone else takes the first time a moment before Bea sends the form.
    first_time = page.locator(".slot input").first.get_attribute("value")
    services.booking_create(
        profiles=[advisor.booking_profile],
        start=datetime.fromisoformat(first_time),
        length=None,
        visitor=services.Visitor(name="Snel", email="snel@example.com", organisation_name="Snel BV", question="?"),
    )
    page.locator("main form[method=post] button.button").click()
    alert = page.locator("#taken")
    assert alert.is_visible() and alert.get_attribute("role") == "alert"
    axe_check(page)
    alert.locator(".slot").first.click()  # the nearest free time; the details are still filled in
    assert page.locator("input[name=email]").input_value() == "bea@example.com"
    page.locator("main form[method=post] button.button").click()
    page.wait_for_url(re.compile(r"/sessie/beheer/"))
    assert page.locator("[role=status]").first.is_visible()
    axe_check(page)
    booking = Booking.objects.get(email="bea@example.com")
    assert booking.visitor_time_zone == zone

    (confirmation,) = [m for m in mail.outbox if m.to == ["bea@example.com"]]
    manage = re.search(r"https?://[^/]+(/sessie/beheer/[^/\s]+/)", confirmation.body).group(1)
    page.goto(manage)
    page.locator("a[href$='verzetten/']").click()
    axe_check(page)
    page.locator(".slot-day").nth(4).locator(".slot").nth(1).click()  # well outside the notice period
    page.locator("main form[method=post] button.button").click()
    page.wait_for_url(re.compile(r"/sessie/beheer/[^/]+/$"))
    booking.refresh_from_db()
    assert booking.sequence == 1 and booking.status == "confirmed"

    page.locator("a[href$='annuleren/']").click()
    axe_check(page)
    page.locator("main form[method=post] button.button--danger").click()
    page.wait_for_url(re.compile(r"/sessie/beheer/[^/]+/$"))
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert page.locator("a[href$='verzetten/']").count() == 0
    subjects = [m.subject for m in mail.outbox if m.to == ["bea@example.com"]]
    assert len(subjects) == 3  # booked, moved, cancelled
