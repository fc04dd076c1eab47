"""Create (or top up) the demo organisations, people and every step's demo data.

Idempotent: running it again changes nothing that is already there.
"""

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from leerkoers.accounts.models import User
from leerkoers.alignment import demo as alignment_demo
from leerkoers.booking import demo as booking_demo
from leerkoers.inventory import demo as inventory_demo
from leerkoers.jobs.models import Job
from leerkoers.orgs.models import (
    AdvisorGrant,
    ApiToken,
    Invitation,
    Membership,
    Organization,
    Role,
    Sector,
    SizeBand,
    Team,
    hash_token,
)
from leerkoers.ownership import demo as ownership_demo
from leerkoers.pilots import demo as pilots_demo
from leerkoers.policy import demo as policy_demo
from leerkoers.scan import demo as scan_demo
from leerkoers.vision import demo as vision_demo

DEMO_PASSWORD = "leerkoers-demo"

# Team tree of a care organisation: (name, parent name).
TEAMS = [
    ("Bestuur en staf", None),
    ("HR en Opleidingen", "Bestuur en staf"),
    ("Zorg Noord", None),
    ("Wijkteam Noord", "Zorg Noord"),
    ("Verpleeghuis De Linde", "Zorg Noord"),
    ("Zorg Zuid", None),
    ("Wijkteam Zuid", "Zorg Zuid"),
    ("Verpleeghuis Het Anker", "Zorg Zuid"),
    ("Dagbesteding", "Zorg Zuid"),
    ("Facilitair en ICT", "Bestuur en staf"),
    ("Klantenservice", "Bestuur en staf"),
]

FIRST = [
    "Anna",
    "Bram",
    "Charlotte",
    "Daan",
    "Eva",
    "Fleur",
    "Gijs",
    "Hanna",
    "Iris",
    "Jasper",
    "Kim",
    "Lars",
    "Maud",
    "Noor",
    "Olivier",
    "Pien",
    "Quinten",
    "Roos",
    "Sem",
    "Tess",
    "Umut",
    "Vera",
    "Wouter",
    "Yara",
    "Zeynep",
    "Mohamed",
    "Sanne",
    "Thijs",
    "Lotte",
    "Ruben",
]
LAST = [
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Dijk",
    "Kaya",
    "Yilmaz",
    "El Amrani",
    "Dekker",
    "Brouwer",
    "van Leeuwen",
]

NAMED_USERS = [
    ("admin@demo.example", "Hanneke de Wit", Role.ADMIN, "HR en Opleidingen"),
    ("director@demo.example", "Paul Verhoeven", Role.DIRECTOR, "Bestuur en staf"),
    ("manager@demo.example", "Marieke Jansen", Role.MANAGER, "Wijkteam Noord"),
    ("employee@demo.example", "Sven Bakker", Role.EMPLOYEE, "Wijkteam Noord"),
]

# Each step's demo data, in the order the journey takes them; a new step adds its seeder here.
# Every seeder is `seed(*, demo, other, small)` and idempotent.
SEEDERS = [
    ("scan", scan_demo.seed),
    ("inventory", inventory_demo.seed),
    ("alignment", alignment_demo.seed),
    ("booking", booking_demo.seed),
    ("vision", vision_demo.seed),
    ("pilots", pilots_demo.seed),
    ("ownership", ownership_demo.seed),
    ("policy", policy_demo.seed),
]


class Command(BaseCommand):
    help = "Create the demo organisations with users, teams and every step's demo data."

    def add_arguments(self, parser):
        parser.add_argument("--small", action="store_true", help="Fewer people and records (for tests).")

    def handle(self, *args, small: bool = False, **options):
        password = make_password(DEMO_PASSWORD)  # hash once: hashing costs ~0.2 s each
        with transaction.atomic():
            demo_org, other = self._organizations()
            self._people(demo_org, other, password, employees=20 if small else 200)
        for name, seeder in SEEDERS:
            self.stdout.write(f"Seeding {name}…")
            with transaction.atomic():
                seeder(demo=demo_org, other=other, small=small)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at /accounts/login/ with:"))
        for email in [u[0] for u in NAMED_USERS] + ["admin@other.example", "advisor@demo.example"]:
            self.stdout.write(f"  {email:28} password: {DEMO_PASSWORD}")

    def _organizations(self):
        demo_org, _ = Organization.objects.get_or_create(
            slug="demo",
            defaults={"name": "Zorggroep Demo", "sector": Sector.CARE, "size_band": SizeBand.S},
        )
        other, _ = Organization.objects.get_or_create(
            slug="demo-other",
            defaults={"name": "Techniek Andere BV", "sector": Sector.INDUSTRY, "size_band": SizeBand.XS},
        )
        return demo_org, other

    def _user(self, email, name, password, **extra):
        user, created = User.objects.get_or_create(email=email, defaults={"full_name": name, **extra})
        if created:
            user.password = password
            user.save(update_fields=["password"])
        return user

    def _people(self, demo_org, other, password, *, employees: int):
        teams = {}
        for name, parent in TEAMS:
            teams[name], _ = Team.objects.get_or_create(
                organization=demo_org, name=name, defaults={"parent": teams.get(parent)}
            )
        for email, name, role, team in NAMED_USERS:
            user = self._user(email, name, password)
            Membership.objects.get_or_create(
                organization=demo_org, user=user, defaults={"role": role, "team": teams[team]}
            )
        manager = Membership.objects.get(organization=demo_org, user__email="manager@demo.example")
        noord = teams["Wijkteam Noord"]
        if noord.manager_id is None:
            noord.manager = manager
            noord.save(update_fields=["manager"])

        # The rest of the staff: managers for the other teams, then employees spread over teams.
        rng = random.Random(42)
        work_teams = [t for n, t in teams.items() if n not in ("Bestuur en staf",)]
        existing = set(Membership.objects.filter(organization=demo_org).values_list("user__email", flat=True))
        for i in range(employees):
            email = f"medewerker{i + 1:03d}@demo.example"
            if email in existing:
                continue
            team = work_teams[i % len(work_teams)]
            role = Role.MANAGER if i < len(work_teams) else Role.EMPLOYEE
            user = self._user(email, f"{rng.choice(FIRST)} {rng.choice(LAST)}", password)
            member = Membership.objects.create(
                organization=demo_org, user=user, role=role, team=team, employee_number=f"E{10000 + i}"
            )
            if role == Role.MANAGER and team.manager_id is None:
                team.manager = member
                team.save(update_fields=["manager"])

        other_admin = self._user("admin@other.example", "Olga Admin", password)
        Membership.objects.get_or_create(organization=other, user=other_admin, defaults={"role": Role.ADMIN})
        Team.objects.get_or_create(organization=other, name="Werkplaats")

        advisor = self._user("advisor@demo.example", "Anouk Adviseur", password, is_advisor=True)
        for org in (demo_org, other):
            AdvisorGrant.objects.get_or_create(organization=org, advisor=advisor)

        if not ApiToken.objects.filter(organization=demo_org).exists():
            raw = ApiToken.generate()  # never shown: the demo admin creates their own
            ApiToken.objects.create(
                organization=demo_org,
                name="LMS (demo)",
                prefix=raw[:10],
                token_hash=hash_token(raw),
            )
        if not Job.objects.filter(organization=demo_org).exists():
            Job.objects.create(
                organization=demo_org,
                kind="demo",
                title="Demo",
                status=Job.Status.DONE,
                done=1,
                total=1,
            )

        if not Invitation.objects.filter(organization=demo_org).exists():
            Invitation.objects.create(
                organization=demo_org,
                email="nieuw@demo.example",
                role=Role.EMPLOYEE,
                token_hash=hash_token("demo-invitation-not-sent"),
                expires_at=timezone.now() + timedelta(days=7),
            )
