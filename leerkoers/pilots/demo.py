"""Demo data of step 5 for `demo`: a decided pilot with comparison teams and a clear effect
(scaled up to the district teams) whose reaction form went out as single-use personal links,
a running pilot whose design check says it can never convince (its learning form's personal
links sent, two answered), and a stopped LMS trial with its lessons. Team measurements of the KPIs are
written to step 3's table. Runs after the alignment seeder; idempotent."""

import random
import secrets
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from leerkoers.alignment.models import Kpi, LearningGoal, Measurement
from leerkoers.inventory.models import Activity
from leerkoers.jobs.invitations import PERSONAL_PREFIX
from leerkoers.orgs.models import Membership, Team, hash_token
from leerkoers.pilots import services
from leerkoers.pilots.decision import Outcome
from leerkoers.pilots.evaluation import Audience, Level
from leerkoers.pilots.models import EvaluationInvitation, Pilot, PilotKpi

FINISHED = "Klantgericht communiceren in de verpleeghuizen"
RUNNING = "Teams formuleren eigen leerdoelen"
STOPPED = "Proef met een leermanagementsysteem"


def _teams(demo, names):
    found = {t.name: t for t in Team.objects.filter(organization=demo, name__in=names)}
    return [found[n] for n in names if n in found]


def _series(demo, kpi, teams, *, level, spread, start, drop, months, rng, today):
    """Monthly team values around `level`, moving by `drop[team]` from `start` on."""
    rows = []
    for team in teams:
        base = level + rng.uniform(-spread, spread)
        for month in range(months, 0, -1):
            day = today - timedelta(days=30 * month)
            value = base + rng.gauss(0, spread / 3) + (drop.get(team.name, 0) if day >= start else 0)
            rows.append(Measurement(organization=demo, kpi=kpi, team=team, date=day, value=Decimal(f"{value:.2f}")))
    Measurement.objects.bulk_create(rows, ignore_conflicts=True)


# (level, audience, invited, responses, typical answer, through personal links): the reaction
# form went out as personal links, the others through their shared link; the managers' form
# stays below the anonymity threshold, to show it hidden.
FORMS = [
    (Level.REACTION, Audience.PARTICIPANT, 18, 15, 4, True),
    (Level.LEARNING, Audience.PARTICIPANT, 18, 13, 4, False),
    (Level.BEHAVIOUR, Audience.PARTICIPANT, 18, 9, 3, False),
    (Level.BEHAVIOUR, Audience.MANAGER, 3, 3, 4, False),
]


def _personal_links(form, pilot, n) -> list[EvaluationInvitation]:
    """`n` personal links to the form: the pilot teams' members, then made-up addresses.
    Written directly, not e-mailed (seeding sends no mail); their tokens are thrown away,
    as the real e-mailing keeps only the hashes too."""
    members = list(
        Membership.objects.filter(organization=pilot.organization, team__in=pilot.teams.values("team_id"))[:n]
    )
    rows = [
        EvaluationInvitation(organization=pilot.organization, form=form, membership=m, token_hash=_hash())
        for m in members
    ]
    rows += [
        EvaluationInvitation(
            organization=pilot.organization, form=form, email=f"deelnemer{i:02}@zorg.example", token_hash=_hash()
        )
        for i in range(1, n - len(members) + 1)
    ]
    return EvaluationInvitation.objects.bulk_create(rows)


def _hash() -> str:
    return hash_token(PERSONAL_PREFIX + secrets.token_urlsafe(24))


def _forms(pilot, rng) -> None:
    for level, audience, invited, responses, typical, personal in FORMS:
        form = services.evaluation_form_create(
            pilot=pilot, level=level, audience=audience, invited=None if personal else invited, actor=None
        )
        links = _personal_links(form, pilot, invited) if personal else []
        keys = [key for key, _text in services.evaluation_form_questions(form)]
        for n in range(responses):
            answers = {key: min(5, max(1, typical + rng.choice((-1, 0, 0, 1)))) for key in keys}
            services.evaluation_response_submit(form=form, answers=answers, invitation=links[n] if links else None)


def seed(*, demo, other, small: bool) -> None:
    if Pilot.objects.filter(organization=demo, title=FINISHED).exists():
        return
    complaints = Kpi.objects.filter(organization=demo, name="Klachten per 1.000 cliënten").first()
    satisfaction = Kpi.objects.filter(organization=demo, name="Medewerkertevredenheid").first()
    admin_time = Kpi.objects.filter(organization=demo, name="Administratietijd per week").first()
    if not (complaints and satisfaction and admin_time):
        return
    rng = random.Random(5)
    today = timezone.localdate()
    goal = LearningGoal.objects.filter(organization=demo, title="Communicatieve vaardigheden").first()
    activity = Activity.objects.filter(organization=demo).order_by("title", "pk").first()

    pilot_teams = _teams(demo, ["Verpleeghuis De Linde", "Verpleeghuis Het Anker", "Dagbesteding"])
    comparison = _teams(demo, ["Klantenservice", "Zorg Noord", "Zorg Zuid", "Facilitair en ICT"])
    start = today - timedelta(days=150)
    drop = {t.name: -2.5 for t in pilot_teams} | {t.name: -0.3 for t in comparison}
    _series(
        demo,
        complaints,
        pilot_teams + comparison,
        level=8,
        spread=0.6,
        start=start,
        drop=drop,
        months=12,
        rng=rng,
        today=today,
    )
    finished = services.pilot_save(
        organization=demo,
        actor=None,
        fields={
            "title": FINISHED,
            "hypothesis": "Als de verpleeghuisteams de training klantgericht communiceren volgen, dalen de klachten "
            "per 1.000 cliënten binnen drie maanden met minstens 1,5.",
            "template": "training_kpi",
            "assignment": Pilot.Assignment.MATCHED,
            "baseline_start": today - timedelta(days=365),
            "start": start,
            "end": today - timedelta(days=20),
            "evaluation_plan": "Reactie en leren direct na de training; gedrag na zes weken (medewerker en "
            "leidinggevende); resultaat: klachten per team per maand.",
            "fees": Decimal(6000),
            "hours": Decimal(96),
            "hourly_cost": Decimal(45),
            "materials": Decimal(400),
            "scale_up_min": Decimal("1.5"),
            "max_p": Decimal("0.1"),
            "stop_max": Decimal(0),
        },
        pilot_teams=pilot_teams,
        comparison_teams=comparison,
        kpis=[complaints],
        learning_goals=[goal] if goal else [],
        activities=[activity] if activity else [],
    )
    PilotKpi.objects.filter(organization=demo, pilot=finished).update(value_per_unit=Decimal(4000))
    services.pilot_start(pilot=finished, actor=None)
    _forms(finished, rng)
    services.pilot_evaluate(pilot=finished, actor=None)
    services.pilot_decide(
        pilot=finished,
        decision=Outcome.SCALE_UP,
        reason="De klachten daalden duidelijk meer dan in de vergelijkingsteams; de regel zegt opschalen.",
        lessons="Plan de training buiten de vakantieperiode; laat teamleiders de eerste sessie openen.",
        scale_up_teams=_teams(demo, ["Wijkteam Noord", "Wijkteam Zuid"]),
        scale_up_start=today + timedelta(days=30),
        scale_up_end=today + timedelta(days=150),
        actor=None,
    )

    running_teams = _teams(demo, ["Verpleeghuis De Linde", "Dagbesteding"])
    running_comparison = _teams(demo, ["Klantenservice", "Facilitair en ICT"])
    _series(
        demo,
        satisfaction,
        running_teams + running_comparison,
        level=7.1,
        spread=0.3,
        start=today,
        drop={},
        months=8,
        rng=rng,
        today=today,
    )
    running = services.pilot_save(
        organization=demo,
        actor=None,
        fields={
            "title": RUNNING,
            "hypothesis": "Als twee teams zelf hun leerdoelen formuleren en maandelijks bespreken, stijgt hun "
            "medewerkertevredenheid binnen een halfjaar met 0,3 punt.",
            "template": "learning_goals",
            "baseline_start": today - timedelta(days=240),
            "start": today - timedelta(days=10),
            "end": today + timedelta(days=170),
            "follow_up_dates": [(today + timedelta(days=60)).isoformat()],
            "scale_up_min": Decimal("0.3"),
            "max_p": Decimal("0.1"),
            "stop_max": Decimal(0),
        },
        pilot_teams=running_teams,
        comparison_teams=running_comparison,
        kpis=[satisfaction],
        learning_goals=[goal] if goal else [],
    )
    services.pilot_start(pilot=running, actor=None)
    # Its learning form went out as personal links a few days ago; two have answered so far
    # (hidden until five have).
    learning = services.evaluation_form_create(
        pilot=running, level=Level.LEARNING, audience=Audience.PARTICIPANT, invited=None, actor=None
    )
    for link, answers in zip(_personal_links(learning, running, 8), ({"know": 4, "able": 3},) * 2, strict=False):
        services.evaluation_response_submit(form=learning, answers=answers, invitation=link)

    lms_teams = _teams(demo, ["Verpleeghuis De Linde", "Verpleeghuis Het Anker"])
    lms_start = today - timedelta(days=200)
    _series(
        demo, admin_time, lms_teams, level=8.8, spread=0.5, start=lms_start, drop={}, months=12, rng=rng, today=today
    )
    stopped = services.pilot_save(
        organization=demo,
        actor=None,
        fields={
            "title": STOPPED,
            "hypothesis": "Als de verpleeghuizen drie maanden een leermanagementsysteem gebruiken, daalt de "
            "administratietijd per week met een uur.",
            "template": "lms",
            "baseline_start": today - timedelta(days=360),
            "start": lms_start,
            "end": today - timedelta(days=110),
            "fees": Decimal(2500),
            "hours": Decimal(40),
            "hourly_cost": Decimal(45),
            "scale_up_min": Decimal(1),
            "stop_max": Decimal("0.2"),
        },
        pilot_teams=lms_teams,
        comparison_teams=[],
        kpis=[admin_time],
    )
    services.pilot_start(pilot=stopped, actor=None)
    services.pilot_evaluate(pilot=stopped, actor=None)
    services.pilot_decide(
        pilot=stopped,
        decision=Outcome.STOP,
        reason="Weinig gebruik na de eerste maand en geen zichtbare daling van de administratietijd.",
        lessons="Een systeem zonder tijd om te leren wordt niet gebruikt. Eerst roosterruimte regelen, "
        "dan pas een nieuw systeem; en vooraf vergelijkingsteams kiezen.",
        actor=None,
    )
