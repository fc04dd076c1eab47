from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import timezone

from leerkoers.accounts.models import User
from leerkoers.booking import services
from leerkoers.booking.models import AdvisorProfile, WeeklyWindow
from leerkoers.scan.models import ScanResponse

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    cache.clear()


@pytest.fixture
def make_advisor(db):
    """An advisor available every day 08:00–18:00 Amsterdam, no notice, a year ahead."""

    def make(email="tester@advisors.example", **profile):
        user = User.objects.create_user(email, full_name="Tess Tester", is_advisor=True)
        defaults = {"min_notice_hours": 0, "horizon_days": 365, "buffer_before": 0, "buffer_after": 0}
        p = AdvisorProfile.objects.create(advisor=user, **{**defaults, **profile})
        WeeklyWindow.objects.bulk_create(
            WeeklyWindow(profile=p, weekday=d, start=time(8), end=time(18)) for d in range(7)
        )
        return p

    return make


@pytest.fixture
def profile(make_advisor):
    return make_advisor(session_lengths=[30, 60])


@pytest.fixture
def next_week_ten():
    """10:00 Amsterdam, a week from today."""
    day = timezone.now().astimezone(AMS).date() + timedelta(days=7)
    return datetime.combine(day, time(10), AMS)


def visitor(**changes):
    data = {
        "name": "Vera Bezoeker",
        "email": "vera@example.com",
        "organisation_name": "Vera BV",
        "question": "Hoe beginnen we?",
        "language": "nl",
        "time_zone": "Europe/Amsterdam",
    }
    data.update(changes)
    return services.Visitor(**data)


def book(profile, start, **kwargs):
    kwargs.setdefault("visitor", visitor())
    kwargs.setdefault("length", None)
    return services.booking_create(profiles=[profile], start=start, **kwargs)


@pytest.fixture
def public_scan(db):
    """A public readiness-scan response (no organisation), as the public scan stores it."""
    seeded = ScanResponse.objects.order_by("pk").first()
    assert seeded is not None, "seed_demo --small makes no scan response"
    return ScanResponse.objects.create(
        instrument=seeded.instrument,
        answers=seeded.answers,
        dimension_scores=seeded.dimension_scores,
        overall_score=57.4,
        level="developing",
    )
