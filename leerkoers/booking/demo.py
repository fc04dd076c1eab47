"""Demo data: two advisors with weekday hours bookable six months ahead, and some sessions."""

from datetime import time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from leerkoers.accounts.models import User
from leerkoers.booking import services
from leerkoers.booking.models import AdvisorProfile, AvailabilityException, Booking, WeeklyWindow
from leerkoers.orgs.models import AdvisorGrant

SECOND_ADVISOR = "advisor2@demo.example"

# (advisor e-mail, lengths, buffer before/after, max a day, video link, weekly windows)
SCHEDULES = [
    (
        "advisor@demo.example",
        [30, 60],
        (0, 15),
        4,
        "https://meet.example/anouk-adviseur",
        [(day, time(9), time(12)) for day in range(4)] + [(day, time(13), time(17)) for day in range(4)],
    ),
    (
        SECOND_ADVISOR,
        [60],
        (15, 15),
        3,
        "https://meet.example/bas-begeleider",
        [(day, time(10), time(12, 30)) for day in range(1, 5)] + [(day, time(14), time(16, 30)) for day in range(1, 5)],
    ),
]

VISITORS = [
    (
        "Ingrid Hoekstra",
        "ingrid@zorgkring.example",
        "Zorgkring West",
        "Hoe betrekken we teamleiders bij het leerbeleid?",
    ),
    (
        "Mark de Jong",
        "mark@bouwbedrijf.example",
        "Bouwbedrijf De Jong",
        "Wij willen een leerbudget koppelen aan doelen.",
    ),
    ("Fatima Ouali", "fatima@gemeente.example", "Gemeente Noordwijkerhout", "Waar beginnen we met een leervisie?"),
]


def seed(*, demo, other, small: bool) -> None:
    from leerkoers.orgs.management.commands.seed_demo import DEMO_PASSWORD

    second, created = User.objects.get_or_create(
        email=SECOND_ADVISOR, defaults={"full_name": "Bas Begeleider", "is_advisor": True}
    )
    if created:
        second.password = make_password(DEMO_PASSWORD)
        second.save(update_fields=["password"])
    AdvisorGrant.objects.get_or_create(organization=demo, advisor=second)

    now = timezone.now()
    for n, (email, lengths, (before, after), max_per_day, video, windows) in enumerate(SCHEDULES):
        advisor = User.objects.filter(email=email, is_advisor=True).first()
        if advisor is None:
            continue
        profile, made = AdvisorProfile.objects.get_or_create(
            advisor=advisor,
            defaults={
                "session_lengths": lengths,
                "buffer_before": before,
                "buffer_after": after,
                "max_per_day": max_per_day,
                "video_url": video,
                "min_notice_hours": 24,
                "horizon_days": 183,
            },
        )
        if made:
            WeeklyWindow.objects.bulk_create(
                WeeklyWindow(profile=profile, weekday=d, start=s, end=e) for d, s, e in windows
            )
            AvailabilityException.objects.create(
                profile=profile, date=(now + timedelta(days=10)).date(), kind="off", note="Studiedag"
            )
        if not Booking.objects.filter(advisor=advisor).exists():
            _book_some(profile, now, count=1 if small else len(VISITORS), organization=demo, offset=n)


def _book_some(profile: AdvisorProfile, now, *, count: int, organization, offset: int) -> None:
    profile = AdvisorProfile.objects.prefetch_related("windows", "exceptions").get(pk=profile.pk)
    free = services.advisor_slots(
        profile, length=profile.session_lengths[-1], start=now, end=now + timedelta(days=28), now=now
    )
    # Spread the sessions over the four weeks, so the calendar still has plenty of room.
    visitors = VISITORS[offset:] + VISITORS[:offset]
    for i, (name, email, org_name, question) in enumerate(visitors[:count]):
        if not free:
            break
        slot = free[(2 * i + offset) * len(free) // (2 * count + 1)]
        booking = Booking(
            advisor=profile.advisor,
            organization=organization if i == 0 else None,
            name=name,
            email=email,
            organisation_name=organization.name if i == 0 else org_name,
            question=question,
            language="nl",
            verified_at=now,
        )
        services.set_times(booking, profile, slot.start, profile.session_lengths[-1])
        booking.set_tokens()
        booking.save()
