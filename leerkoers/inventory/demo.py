"""Demo inventory for `demo`: a care organisation's learning of the past two years, with the
usual story — lots of movement, little coherence, and the same subject bought three times."""

import datetime as dt
import random
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from leerkoers.inventory.importing.keys import natural_key, pseudonym
from leerkoers.inventory.importing.writer import (
    PARTICIPATION_COLUMNS,
    bulk_upsert_participations,
    refresh_participation_counts,
)
from leerkoers.inventory.models import Activity, ActivityTeam, ImportKind, ImportRun, Source, occasion_of
from leerkoers.orgs.models import Membership, Team

# (title, kind, provider, initiator, cost, hours) — the overlapping purchases first.
OVERLAPPING = [
    ("Klantgericht werken", "training", "Acme Opleidingen", "manager", 4800, 12),
    ("Training klantgericht werken", "training", "Zorgacademie Plus", "manager", 3950, 8),
    ("Klantgerichtheid (2-daagse)", "course", "De Leerfabriek", "hr", 6200, 16),
    ("Omgaan met agressie", "training", "Veilig in Zorg", "hr", 5400, 8),
    ("Training omgaan met agressief gedrag", "workshop", "Weerbaar BV", "manager", 2100, 4),
    ("Timemanagement", "e_learning", "GoodHabitz", "employee", 900, 3),
    ("Time management basis", "workshop", "Tijdwijs", "manager", 1750, 6),
]
SUBJECTS = [
    ("BHV herhaling", "certification", "Veilig in Zorg", "hr", True),
    ("Medicatieveiligheid", "e_learning", "Zorgacademie Plus", "hr", True),
    ("Voorbehouden handelingen", "certification", "Zorgacademie Plus", "hr", True),
    ("Dementie en onbegrepen gedrag", "course", "Vilans", "manager", False),
    ("Motiverende gespreksvoering", "training", "De Leerfabriek", "manager", False),
    ("Excel voor gevorderden", "e_learning", "GoodHabitz", "employee", False),
    ("Leiderschap in de zorg", "course", "Nyenrode", "board", False),
    ("Feedback geven en ontvangen", "workshop", "Acme Opleidingen", "manager", False),
    ("Privacy en AVG", "e_learning", "GoodHabitz", "hr", True),
    ("Palliatieve zorg", "course", "Vilans", "employee", False),
    ("Werken met het ECD", "on_the_job", "", "manager", False),
    ("Intervisie wijkverpleging", "coaching", "", "employee", False),
    ("Congres Zorg & Technologie", "conference", "Zorgvisie", "employee", False),
    ("Valpreventie", "workshop", "Vilans", "manager", False),
    ("Hygiëne en infectiepreventie", "e_learning", "Zorgacademie Plus", "hr", True),
]


def seed(*, demo, other, small: bool) -> None:
    if Activity.objects.filter(organization=demo).exists():
        return
    rng = random.Random(20260201)
    teams = list(Team.objects.filter(organization=demo))
    members = list(Membership.objects.filter(organization=demo).select_related("user"))
    with transaction.atomic():
        activities = _activities(demo, teams, rng, count=8 if small else 150)
        _participations(demo, activities, members, teams, rng, target=30 if small else 20_000)
        ImportRun.objects.create(
            organization=demo,
            kind=ImportKind.PARTICIPATIONS,
            filename="lms-export-2025.csv",
            stored_path="",
            status=ImportRun.Status.DONE,
            summary={"rows": 0, "created": 0, "updated": 0, "invalid_rows": 0},
        )
        # demo-other gets a single activity so that isolation can be seen.
        Activity.objects.create(
            organization=other,
            title="Introductie nieuwe medewerkers",
            kind="course",
            natural_key=natural_key("Introductie nieuwe medewerkers", "", None),
        )


def _activities(demo, teams, rng, *, count):
    rows = []
    for title, kind, provider, initiator, cost, hours in OVERLAPPING:
        rows.append((title, kind, provider, initiator, Decimal(cost), Decimal(hours), False))
    while len(rows) < count:
        title, kind, provider, initiator, mandatory = rng.choice(SUBJECTS)
        rows.append(
            (
                title,
                kind,
                provider,
                initiator,
                Decimal(rng.randrange(150, 6000, 50)),
                Decimal(rng.choice([2, 3, 4, 8, 12, 16, 24])),
                mandatory,
            )
        )
    rows = rows[:count]
    today = timezone.localdate()
    activities, links = [], []
    for number, (title, kind, provider, initiator, cost, hours, mandatory) in enumerate(rows):
        start = today - dt.timedelta(days=rng.randrange(10, 720))
        has_goal = rng.random() < 0.35
        measured = rng.random() < 0.2
        activity = Activity(
            organization=demo,
            title=title,
            kind=kind,
            provider=provider,
            initiator=initiator,
            start_date=start,
            end_date=start + dt.timedelta(days=rng.choice([0, 0, 1, 30, 90])),
            hours_per_participant=hours,
            cost=cost,
            participants=None,
            mandatory=mandatory,
            external_id=f"DEMO-{number + 1:04d}",
            goal="Medewerkers passen de werkwijze toe in het dagelijks werk." if has_goal else "",
            result="Deelnemers scoren gemiddeld 7,8 op de toets." if measured else "",
            result_measure="Toets en evaluatieformulier" if measured else "",
            evaluation_level=rng.choice([1, 2]) if measured else 0,
            source=Source.IMPORT,
        )
        activity.natural_key = natural_key(title, provider, start)
        activities.append(activity)
    Activity.objects.bulk_create(activities)
    for activity in activities:
        for team in rng.sample(teams, k=min(len(teams), rng.choice([1, 1, 2]))):
            links.append(ActivityTeam(organization=demo, activity=activity, team=team))
    ActivityTeam.objects.bulk_create(links)
    return activities


def _participations(demo, activities, members, teams, rng, *, target):
    # Members by their e-mail; the rest of the workforce only as pseudonyms from the LMS.
    people = [(m.user.email.lower(), m.pk, m.team_id) for m in members]
    people += [
        (pseudonym(f"medewerker{n}@zorg.example"), None, rng.choice(teams).pk) for n in range(max(10, target // 12))
    ]
    now = timezone.now()
    seen, rows = set(), []
    statuses = ["completed"] * 7 + ["in_progress", "enrolled", "failed"]
    while len(rows) < target and len(seen) < len(activities) * len(people):
        activity = rng.choice(activities)
        person_key, membership_id, team_id = rng.choice(people)
        if (activity.pk, person_key) in seen:
            continue
        seen.add((activity.pk, person_key))
        status = rng.choice(statuses)
        date = activity.start_date + dt.timedelta(days=rng.randrange(0, 60)) if status == "completed" else None
        rows.append(
            (
                demo.pk,
                activity.pk,
                person_key,
                membership_id,
                team_id,
                status,
                date,
                activity.hours_per_participant,
                Decimal(rng.randrange(55, 100)) if status == "completed" else None,
                Source.IMPORT,
                now,
                now,
                None,
                occasion_of(date, None),
            )
        )
    assert len(PARTICIPATION_COLUMNS) == len(rows[0])
    ops = connection.ops
    adapted = [
        (
            *r[:6],
            ops.adapt_datefield_value(r[6]),
            ops.adapt_decimalfield_value(r[7], 7, 2),
            ops.adapt_decimalfield_value(r[8], 7, 2),
            r[9],
            ops.adapt_datetimefield_value(r[10]),
            ops.adapt_datetimefield_value(r[11]),
            None,
            ops.adapt_datefield_value(r[13]),
        )
        for r in rows
    ]
    bulk_upsert_participations(adapted, first=True)
    refresh_participation_counts(demo)
