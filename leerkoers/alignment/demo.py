"""Demo data of step 3 for `demo`: the seed's customer-orientation example and three more
strategic goals, KPIs with a year of measurements, learning goals linked to the demo
inventory's activities, and visible gaps. Idempotent; runs after the inventory's seeder."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from leerkoers.alignment.kpi_status import expected_progress
from leerkoers.alignment.models import (
    ActivityLink,
    Kpi,
    LearningGoal,
    LearningGoalLink,
    Measurement,
    StrategicGoal,
    Theme,
)
from leerkoers.inventory.models import Activity
from leerkoers.orgs.models import Membership, Role, Team

# (title, theme, description, [KPI: (name, unit, direction, baseline, target, pace, definition)])
# pace: how fast the KPI really moves compared with its planned path (1 = on the path).
GOALS = [
    (
        "Klantgerichter werken",
        "customer_satisfaction",
        "Cliënten en verwanten voelen zich gehoord: we vragen door, leggen uit en doen iets met hun feedback.",
        [
            ("Net Promoter Score cliënten", "score", "higher", "12", "30", 1.15,
             "NPS uit de halfjaarlijkse cliëntenenquête (−100 tot 100)."),
            ("Klachten per 1.000 cliënten", "number", "lower", "8", "4", 0.85,
             "Formele klachten per kwartaal, per 1.000 cliënten in zorg."),
        ],
    ),
    (
        "Efficiënter werken met digitale zorg",
        "efficiency_innovation",
        "Minder tijd kwijt aan administratie door slim gebruik van het ECD en zorgtechnologie.",
        [
            ("Administratietijd per week", "hours", "lower", "9", "6", 0.35,
             "Gemiddelde uren per week per zorgmedewerker aan registratie (tijdsregistratie-steekproef)."),
        ],
    ),
    (
        "Veilige en goede zorg",
        "service_quality",
        "Minder incidenten en een vaste kwaliteit in alle teams.",
        [
            ("Medicatie-incidenten per maand", "number", "lower", "14", "7", 1.05,
             "Gemelde medicatie-incidenten (MIC) per maand."),
        ],
    ),
    (
        "Medewerkers behouden en laten groeien",
        "employee_satisfaction_retention",
        "Minder verloop in het eerste jaar, meer groeimogelijkheden.",
        [
            ("Verloop", "percent", "lower", "18", "12", 0.8, "Vrijwillig vertrek als percentage van het gemiddelde aantal medewerkers."),
            ("Medewerkertevredenheid", "score", "higher", "7.0", "7.8", 1.0, "Gemiddeld rapportcijfer uit het MTO."),
        ],
    ),
]  # fmt: skip

# (title, who, behaviour, measure, months to deadline, roles, strategic goal titles with rationale,
#  keywords to find activities in the inventory)
LEARNING_GOALS = [
    (
        "Communicatieve vaardigheden",
        "Medewerkers van de wijkteams en de klantenservice",
        "Vatten de vraag van de cliënt samen voordat ze antwoorden en leggen in eenvoudige taal uit wat er gaat gebeuren.",
        "Cliëntwaardering voor 'de medewerker begreep mijn vraag' minstens 8 in de enquête.",
        9,
        [Role.EMPLOYEE],
        {"Klantgerichter werken": "Wie zich begrepen voelt, beveelt ons aan en dient minder snel een klacht in."},
        ("communicat", "gesprek", "klantgericht"),
    ),
    (
        "Klantinzicht",
        "Teamleiders en medewerkers klantenservice",
        "Gebruiken de uitkomsten van de cliëntenenquête om per kwartaal twee verbeteringen in hun team te kiezen.",
        "Elk team heeft per kwartaal twee verbeteracties uit de enquête gekozen en afgerond (90 %).",
        12,
        [Role.MANAGER],
        {"Klantgerichter werken": "Zonder zicht op wat cliënten waarderen, verbeteren we op de verkeerde punten."},
        ("klantinzicht", "dementie", "onbegrepen"),
    ),
    (
        "Feedbackverwerking",
        "Alle zorgmedewerkers",
        "Vragen na elk zorgmoment om feedback en bespreken klachten binnen een week in het teamoverleg.",
        "Klachten binnen 7 dagen besproken in 80 % van de gevallen.",
        10,
        [],
        {"Klantgerichter werken": "Snel leren van feedback voorkomt dat dezelfde klacht terugkomt."},
        ("feedback", "intervisie"),
    ),
    (
        "Digitale vaardigheden in het ECD",
        "Zorgmedewerkers in de verpleeghuizen",
        "Registreren zorg direct in het ECD op de tablet, zonder dubbele registratie op papier.",
        "Administratietijd onder 7 uur per week in de steekproef.",
        8,
        [Role.EMPLOYEE],
        {"Efficiënter werken met digitale zorg": "Minder dubbel werk geeft tijd terug aan de cliënt."},
        ("ecd", "excel", "technologie"),
    ),
    (
        "Veilig werken met medicatie",
        "Verpleegkundigen en verzorgenden",
        "Volgen bij elke medicatieronde het dubbele-controleprotocol en melden incidenten dezelfde dag.",
        "Minder dan 8 medicatie-incidenten per maand.",
        12,
        [],
        {"Veilige en goede zorg": "De meeste incidenten ontstaan bij het aftekenen en de overdracht."},
        (),  # a visible gap: no activity serves it yet
    ),
    (
        "Samenwerken in de wijk",
        "Wijkteams Noord en Zuid",
        "Stemmen wekelijks af met huisarts en gemeente over cliënten met complexe zorg.",
        "",  # a visible gap: no measure yet
        6,
        [],
        {"Veilige en goede zorg": "Goede afstemming voorkomt fouten bij overdrachten."},
        ("wijk",),
    ),
]

TEAM_SCOPES = ("Wijkteam Noord", "Wijkteam Zuid")
# Every third matching activity is left unlinked, to show up among the suggestions.
LEAVE_FOR_SUGGESTIONS = 3


def seed(*, demo, other, small: bool) -> None:
    today = timezone.localdate()
    baseline_date = today - timedelta(days=370)
    target_date = baseline_date + timedelta(days=730)
    owner = Membership.objects.filter(organization=demo, role=Role.DIRECTOR).first()
    Theme.objects.get_or_create(organization=demo, key="duurzaamheid", defaults={"name": "Duurzame inzetbaarheid"})
    Theme.objects.get_or_create(organization=other, key="veiligheid", defaults={"name": "Veilig werken"})

    goals = {}
    for priority, (title, theme, description, kpis) in enumerate(GOALS, start=1):
        goal, _created = StrategicGoal.objects.get_or_create(
            organization=demo,
            title=title,
            defaults={
                "theme": theme,
                "description": description,
                "priority": priority,
                "owner": owner,
                "period_start": baseline_date,
                "period_end": target_date,
            },
        )
        goals[title] = goal
        for name, unit, direction, baseline, target, pace, definition in kpis:
            kpi, created = Kpi.objects.get_or_create(
                organization=demo,
                strategic_goal=goal,
                name=name,
                defaults={
                    "unit": unit,
                    "direction": direction,
                    "baseline_value": Decimal(baseline),
                    "baseline_date": baseline_date,
                    "target_value": Decimal(target),
                    "target_date": target_date,
                    "definition": definition,
                    "source": "Kwaliteitsdashboard",
                    "owner": owner,
                },
            )
            if created or not kpi.measurements.exists():
                _measurements(demo, kpi, pace, months=3 if small else 12, today=today)

    teams = {team.name: team for team in Team.objects.filter(organization=demo)}
    activities = list(Activity.objects.filter(organization=demo).order_by("title", "pk"))
    linked_any = ActivityLink.objects.filter(organization=demo).exists()
    for title, who, behaviour, measure, months, roles, serves, keywords in LEARNING_GOALS:
        goal, created = LearningGoal.objects.get_or_create(
            organization=demo,
            title=title,
            defaults={
                "who": who,
                "behaviour": behaviour,
                "measure": measure,
                "deadline": today + timedelta(days=30 * months),
                "target_roles": [str(role) for role in roles],
            },
        )
        if not created:
            continue
        if "Wijkteam" in who:
            goal.target_teams.set([teams[name] for name in TEAM_SCOPES if name in teams])
        for sg_title, rationale in serves.items():
            LearningGoalLink.objects.get_or_create(
                organization=demo, learning_goal=goal, strategic_goal=goals[sg_title], defaults={"rationale": rationale}
            )
        matches = [a for a in activities if any(word in a.title.lower() for word in keywords)]
        for index, activity in enumerate(matches):
            if index % LEAVE_FOR_SUGGESTIONS != LEAVE_FOR_SUGGESTIONS - 1:
                ActivityLink.objects.get_or_create(organization=demo, learning_goal=goal, activity=activity)
    if not linked_any and activities and not ActivityLink.objects.filter(organization=demo).exists():
        # Whatever the inventory holds, show at least one thread from goal to activity.
        first = LearningGoal.objects.get(organization=demo, title="Communicatieve vaardigheden")
        ActivityLink.objects.create(organization=demo, learning_goal=first, activity=activities[0])


def _measurements(organization, kpi: Kpi, pace: float, *, months: int, today) -> None:
    """Monthly values that follow the planned path at `pace`, with a little noise."""
    rng = random.Random(kpi.name)
    change = float(kpi.target_value - kpi.baseline_value)
    scopes = [None] + list(Team.objects.filter(organization=organization, name__in=TEAM_SCOPES))
    rows = []
    for scope in scopes if kpi.unit in ("score", "percent") else [None]:
        team_pace = pace if scope is None else pace * rng.uniform(0.7, 1.3)
        for month in range(1, months + 1):
            day = kpi.baseline_date + timedelta(days=30 * month)
            if day > today:
                break
            share = float(expected_progress(baseline_date=kpi.baseline_date, target_date=kpi.target_date, on=day))
            noise = rng.uniform(-0.04, 0.04) * abs(change) if month < months else 0
            value = float(kpi.baseline_value) + change * share * team_pace + noise
            if kpi.unit == "percent":
                value = min(100.0, max(0.0, value))
            rows.append(
                Measurement(organization=organization, kpi=kpi, team=scope, date=day, value=Decimal(f"{value:.2f}"))
            )
    Measurement.objects.bulk_create(rows)
