"""A large organisation for the benchmarks of step 4 (bench/ownership_pages.py, bench/ownership_bulk.py).

    build(members=50_000, pops=5_000) -> Built

Fills the current database (Django set up, migrated) with one organisation, written with
bulk inserts in a few seconds:

- a team tree of 8 divisions, 10 departments each and about 10 teams per department (about
  900 teams); every division, department and team has a manager who sits in it, one team
  manager in five also manages the next team; team sizes vary from 2 to about 150, so that
  the anonymity rule has small teams to hide;
- `members` memberships (users included) in random order over the teams, about 2 % without a
  team; one admin, one director;
- `pops` POPs of this year in every state, with goals (tied to team and organisation learning
  goals), activities and, for the agreed ones, one or two agreed versions;
- a plan of this year for about 85 % of the teams (every status, some without budget, some
  past their review date), with goals and activities;
- about 20,000 conversations of the HR cycle, held (most with a follow-up) and coming;
- the responsibility matrix of the template, 300 inventory activities and 40,000 completed
  participations of the last year.

`Built` names who to sign in as: the admin, a division manager (about 110 teams below
them), a team manager, an employee with a POP.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

DIVISIONS = 8
DEPARTMENTS = 10  # per division
TEAMS = (8, 13)  # per department, inclusive range
WORDS = ["Zorg", "Wonen", "Thuis", "Jeugd", "Revalidatie", "Dagbesteding", "Kliniek", "Ambulant", "Service",
         "Facilitair", "Planning", "Nacht", "Wijk", "Herstel", "Welzijn", "Advies"]  # fmt: skip
GOALS = ["Veilig werken", "Gespreksvaardigheden", "Digitale vaardigheden", "Samenwerken", "Klantgericht werken",
         "Medicatieveiligheid", "Feedback geven", "Omgaan met agressie", "Leidinggeven", "Privacy"]  # fmt: skip
# The states of the POPs and their weights (a year well under way).
POP_STATES = [("draft", 20), ("shared", 15), ("sent_back", 5), ("agreed", 25), ("in_progress", 25), ("completed", 10)]


@dataclass(frozen=True)
class Built:
    slug: str
    admin: int  # user ids
    division_manager: int
    team_manager: int
    employee: int
    members: int
    teams: int
    pops: int
    plans: int
    conversations: int
    participations: int

    def describe(self) -> str:
        return (
            f"{self.members:,} members in {self.teams:,} teams, {self.pops:,} POPs, {self.plans:,} team plans, "
            f"{self.conversations:,} conversations, {self.participations:,} participations"
        )


def build(*, members: int = 50_000, pops: int = 5_000, slug: str = "bench", seed: int = 1) -> Built:
    from django.db import transaction
    from django.utils import timezone

    from leerkoers.accounts.models import User
    from leerkoers.alignment.models import LearningGoal
    from leerkoers.inventory.models import Activity, Participation
    from leerkoers.orgs.models import Membership, Organization, Role, Team
    from leerkoers.ownership.models import (
        Conversation,
        ConversationKind,
        Pop,
        PopActivity,
        PopGoal,
        PopVersion,
        TeamPlan,
        TeamPlanActivity,
        TeamPlanGoal,
    )
    from leerkoers.ownership.selectors import template_rows
    from leerkoers.ownership.teams import TeamTree

    rng = random.Random(seed)
    today = timezone.localdate()
    year = today.year
    with transaction.atomic():
        org = Organization.objects.create(name="Zorggroep Bench", slug=slug, size_band="5000+")

        # The tree: divisions, departments, teams (managers are set once the members exist).
        divisions = Team.objects.bulk_create(
            Team(organization=org, name=f"Divisie {d + 1} {WORDS[d]}") for d in range(DIVISIONS)
        )
        departments = Team.objects.bulk_create(
            Team(organization=org, name=f"Afdeling {d + 1}.{p + 1} {rng.choice(WORDS)}", parent=division)
            for d, division in enumerate(divisions)
            for p in range(DEPARTMENTS)
        )
        leaves = Team.objects.bulk_create(
            Team(
                organization=org,
                name=f"Team {department.name.split()[1]}.{t + 1} {rng.choice(WORDS)}",
                parent=department,
            )
            for department in departments
            for t in range(rng.randint(*TEAMS))
        )
        teams = divisions + departments + leaves

        # Members: one manager per team (sitting in it), the rest over the leaves in random order.
        managers_needed = len(teams)
        employees = members - managers_needed - 2
        sizes = [max(2, int(rng.lognormvariate(3.7, 0.7))) for _ in leaves]
        seats: list[int | None] = rng.choices([t.pk for t in leaves], weights=sizes, k=employees)
        for i in rng.sample(range(employees), employees // 50):
            seats[i] = None  # without a team
        people = [(Role.EMPLOYEE, seat) for seat in seats]
        people += [(Role.MANAGER, team.pk) for team in teams]
        rng.shuffle(people)
        people = [(Role.ADMIN, divisions[0].pk), (Role.DIRECTOR, None), *people]
        users = User.objects.bulk_create(
            (User(email=f"m{i}@bench.example", full_name=f"Medewerker {i}", password="!") for i in range(len(people))),
            batch_size=5000,
        )
        memberships = Membership.objects.bulk_create(
            (
                Membership(organization=org, user=user, role=role, team_id=team, employee_number=str(10000 + i))
                for i, (user, (role, team)) in enumerate(zip(users, people, strict=True))
            ),
            batch_size=5000,
        )
        manager_of_team = {m.team_id: m for m in memberships if m.role == Role.MANAGER}
        for team in teams:
            team.manager_id = manager_of_team[team.pk].pk
        for a, b in zip(leaves[::5], leaves[1::5], strict=False):
            b.manager_id = a.manager_id  # this manager also runs the next team
        Team.objects.bulk_update(teams, ["manager"], batch_size=1000)

        # The responsibility matrix of the template, organisation and team learning goals.
        from leerkoers.ownership.models import LearningProcess

        LearningProcess.objects.bulk_create(template_rows(org))
        learning_goals = LearningGoal.objects.bulk_create(LearningGoal(organization=org, title=t) for t in GOALS)
        activities = Activity.objects.bulk_create(
            Activity(
                organization=org,
                title=f"{rng.choice(GOALS)} {rng.choice(['training', 'basis', 'module', 'e-learning'])} {i}",
                initiator=rng.choice(["hr", "manager", "employee", "board", ""]),
                cost=Decimal(rng.randrange(100, 3000)),
                hours_per_participant=Decimal(rng.choice([2, 4, 8])),
                start_date=today - datetime.timedelta(days=rng.randrange(0, 720)),
                natural_key=str(i),
            )
            for i in range(300)
        )

        # Team plans of this year for most teams, with goals and activities.
        planned = [team for team in teams if rng.random() < 0.85]
        plans = TeamPlan.objects.bulk_create(
            TeamPlan(
                organization=org,
                team=team,
                year=year,
                status=rng.choices(["draft", "active", "closed"], weights=[25, 70, 5])[0],
                review_date=today + datetime.timedelta(days=rng.randrange(-90, 270)),
                budget=None if rng.random() < 0.2 else Decimal(rng.randrange(1000, 40000)),
                spend=Decimal(rng.randrange(0, 1000)),
            )
            for team in planned
        )
        team_goals = TeamPlanGoal.objects.bulk_create(
            TeamPlanGoal(organization=org, plan=plan, title=title, learning_goal=rng.choice([*learning_goals, None]))
            for plan in plans
            for title in rng.sample(GOALS, rng.randint(1, 3))
        )
        TeamPlanActivity.objects.bulk_create(
            TeamPlanActivity(organization=org, plan=plan, activity=rng.choice(activities), cost=Decimal(500))
            for plan in plans
            for _ in range(rng.randint(0, 3))
        )
        team_of_plan = {plan.pk: plan.team_id for plan in plans}
        goals_of_team: dict[int, list] = {}
        for goal in team_goals:
            goals_of_team.setdefault(team_of_plan[goal.plan_id], []).append(goal)

        # POPs of this year in every state, among the members with a team (and a few without).
        tree = TeamTree.of(org)
        holders = rng.sample([m for m in memberships if m.role in (Role.EMPLOYEE, Role.MANAGER)], pops)
        states = rng.choices([s for s, _w in POP_STATES], weights=[w for _s, w in POP_STATES], k=pops)
        pop_rows = []
        for member, state in zip(holders, states, strict=True):
            agreed = state in ("agreed", "in_progress", "completed")
            pop_rows.append(
                Pop(
                    organization=org,
                    member=member,
                    year=year,
                    status=state,
                    share_with_hr=rng.random() < 0.3,
                    support_needed="Tijd om te oefenen" if rng.random() < 0.5 else "",
                    hours_asked=Decimal(rng.choice([8, 16, 24])),
                    budget_asked=Decimal(rng.choice([0, 250, 800])),
                    shared_at=None
                    if state == "draft"
                    else timezone.now() - datetime.timedelta(days=rng.randrange(1, 200)),
                    agreed_on=_day_this_year(rng, today) if agreed else None,
                    agreed_by_id=tree.manager_of(member.pk, member.team_id) if agreed else None,
                    manager_comment="Maak het doel concreter" if state == "sent_back" else "",
                )
            )
        pop_objects = Pop.objects.bulk_create(pop_rows, batch_size=2000)
        pop_goals, pop_activities, versions = [], [], []
        for pop in pop_objects:
            mine = goals_of_team.get(pop.member.team_id, [])
            for title in rng.sample(GOALS, rng.randint(1, 3)):
                team_goal = rng.choice(mine) if mine and rng.random() < 0.5 else None
                learning_goal = team_goal.learning_goal if team_goal else rng.choice([*learning_goals, None])
                pop_goals.append(
                    PopGoal(organization=org, pop=pop, title=title, team_goal=team_goal, learning_goal=learning_goal)
                )
            chosen = rng.sample(activities, rng.randint(0, 2))
            pop_activities += [PopActivity(organization=org, pop=pop, activity=a) for a in chosen]
            if pop.agreed_on is not None:
                for number in range(1, rng.choice([1, 1, 2]) + 1):
                    versions.append(
                        PopVersion(
                            organization=org,
                            pop=pop,
                            number=number,
                            agreed_on=pop.agreed_on,
                            agreed_by_name="Leidinggevende",
                            content={"goals": [], "activities": [a.title for a in chosen], "support_needed": ""},
                        )
                    )
        PopGoal.objects.bulk_create(pop_goals, batch_size=5000)
        PopActivity.objects.bulk_create(pop_activities, batch_size=5000)
        PopVersion.objects.bulk_create(versions, batch_size=2000)

        # Conversations of the HR cycle: one of a kind per member, held in the past, coming after.
        kinds = [ConversationKind.PLANNING, ConversationKind.PROGRESS, ConversationKind.APPRAISAL]
        conversations = []
        for member in rng.sample(memberships, min(len(memberships), 20_000)):
            planned_on = today + datetime.timedelta(days=rng.randrange(-200, 120))
            held = planned_on < today and rng.random() < 0.85
            conversations.append(
                Conversation(
                    organization=org,
                    kind=rng.choice(kinds),
                    member=member,
                    manager_id=tree.manager_of(member.pk, member.team_id),
                    planned_on=planned_on,
                    held_on=planned_on if held else None,
                    follow_up="Training ingepland" if held and rng.random() < 0.6 else "",
                )
            )
        Conversation.objects.bulk_create(conversations, batch_size=5000)

        # What the teams learned: completed participations of the last year.
        with_team = [m for m in memberships if m.team_id is not None]
        participations = []
        for n, member in enumerate(rng.choices(with_team, k=40_000)):
            participations.append(
                Participation(
                    organization=org,
                    activity=activities[n % len(activities)],
                    person_key=f"{member.employee_number}-{n}",
                    membership=member,
                    team_id=member.team_id,
                    status="completed",
                    completion_date=today - datetime.timedelta(days=rng.randrange(1, 360)),
                    hours=Decimal(4),
                )
            )
        Participation.objects.bulk_create(participations, batch_size=5000)

    division = divisions[0]
    leaf_manager = next(m for m in memberships if m.role == Role.MANAGER and m.team_id == leaves[0].pk)
    with_pop = [p.member for p in pop_objects if p.member.role == Role.EMPLOYEE and p.member.team_id]
    employee = with_pop[0] if with_pop else next(m for m in memberships if m.role == Role.EMPLOYEE)
    return Built(
        slug=slug,
        admin=memberships[0].user_id,
        division_manager=manager_of_team[division.pk].user_id,
        team_manager=leaf_manager.user_id,
        employee=employee.user_id,
        members=len(memberships),
        teams=len(teams),
        pops=len(pop_objects),
        plans=len(plans),
        conversations=len(conversations),
        participations=len(participations),
    )


def _day_this_year(rng, today: datetime.date) -> datetime.date:
    first = datetime.date(today.year, 1, 1)
    return first + datetime.timedelta(days=rng.randrange(0, max(1, (today - first).days)))
