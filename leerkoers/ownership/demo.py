"""Demo data of step 4 for `demo`: the matrix from the template plus one own process, a
learning plan for most teams (one still in draft, one past its review date, one team
without a plan), and POPs in every state — the demo employee's shared with the demo manager,
who can agree it. Idempotent; runs after the seeders of steps 1 and 3."""

import datetime
from decimal import Decimal

from django.utils import timezone

from leerkoers.alignment.models import LearningGoal
from leerkoers.audit.models import AuditEvent
from leerkoers.inventory.models import Activity
from leerkoers.orgs.models import Membership, Role, Team
from leerkoers.ownership import services
from leerkoers.ownership.models import Conversation, ConversationKind, LearningProcess, PlanStatus, Pop, TeamPlan
from leerkoers.ownership.teams import TeamTree

TEAM_GOALS = [
    "Elke collega vraagt door op de vraag achter de vraag",
    "Iedereen werkt zelfstandig met het nieuwe ECD",
    "Medicatie veilig toedienen en melden",
]
POP_GOALS = [
    "Een gesprek met verwanten voeren waarin ik eerst samenvat",
    "Rapporteren in het ECD binnen tien minuten per cliënt",
    "Word aandachtsvelder medicatieveiligheid",
    "Leren coachen van nieuwe collega's",
]
# The states the other POPs go through in turn, so that every state is there.
STATES = ["agreed", "in_progress", "shared", "draft", "completed", "sent_back"]


def seed(*, demo, other, small: bool) -> None:
    today = timezone.localdate()
    year = today.year
    if not LearningProcess.objects.filter(organization=demo).exists():
        services.matrix_seed(organization=demo)
        services.process_add(
            organization=demo,
            name="Inwerken van nieuwe collega's",
            letters={"board": "I", "hr": "C", "managers": "A", "employees": "R"},
            actor=None,
        )
    # Plans with goals are this demo's; a scale-up of step 5 may have started goal-less ones.
    if not TeamPlan.objects.filter(organization=demo, goals__isnull=False).exists():
        _team_plans(demo, year, today)
    if not Pop.objects.filter(organization=demo).exists():
        _pops(demo, year, today)
    if not Conversation.objects.filter(organization=demo).exists():
        _conversations(demo, today)
    if not TeamPlan.objects.filter(organization=other).exists():
        team = Team.objects.filter(organization=other).first()
        if team is not None:
            services.team_plan_create(organization=other, team=team, year=year, actor=None)
    # The demo is made through the services (so it passes their checks), but it is not a
    # change anybody made: keep it out of the audit trail the demo admin reads.
    AuditEvent.objects.filter(organization__in=[demo, other], action__startswith="ownership.", actor=None).delete()


def _team_plans(demo, year: int, today: datetime.date) -> None:
    learning_goals = list(LearningGoal.objects.filter(organization=demo).order_by("pk")[:3])
    activities = list(Activity.objects.filter(organization=demo).order_by("pk")[:6])
    teams = list(Team.objects.filter(organization=demo, members__isnull=False).distinct().order_by("name"))
    for index, team in enumerate(teams):
        if team.name == "Klantenservice":
            continue  # one team without a plan: the open work of the needs analysis
        plan = TeamPlan.objects.filter(organization=demo, team=team, year=year).first()
        if plan is None:
            plan = services.team_plan_create(organization=demo, team=team, year=year, actor=None)
        if team.name == "Dagbesteding":
            continue  # left in draft, no budget yet
        review = (
            today - datetime.timedelta(days=20)
            if team.name == "Facilitair en ICT"
            else today + datetime.timedelta(days=60 + index * 7)
        )
        services.team_plan_update(
            plan=plan,
            actor=None,
            status=PlanStatus.ACTIVE,
            review_date=review,
            budget=Decimal(8000 + 1500 * index),
            spend=Decimal(2500 + 700 * index),
        )
        for offset in range(2):
            goal_index = (index + offset) % len(TEAM_GOALS)
            services.team_plan_goal_add(
                plan=plan,
                title=TEAM_GOALS[goal_index],
                learning_goal=learning_goals[goal_index] if goal_index < len(learning_goals) else None,
                actor=None,
            )
        chosen = activities[index % len(activities)] if activities else None
        if chosen is not None and not plan.activities.filter(activity=chosen).exists():
            services.team_plan_activity_add(plan=plan, activity=chosen, cost=Decimal(1200), actor=None)
        services.team_plan_activity_add(plan=plan, title="Intervisie per kwartaal", cost=Decimal(0), actor=None)


def _pops(demo, year: int, today: datetime.date) -> None:
    tree = TeamTree.of(demo)
    managers = {m.pk: m for m in Membership.objects.filter(organization=demo).select_related("user")}
    learning_goals = list(LearningGoal.objects.filter(organization=demo).order_by("pk")[:3])
    activities = list(Activity.objects.filter(organization=demo).order_by("pk")[:6])
    members = list(
        Membership.objects.filter(organization=demo, role__in=[Role.EMPLOYEE, Role.MANAGER])
        .select_related("user")
        .order_by("user__email")
    )
    turn = 0
    for member in members:
        manager = managers.get(tree.manager_of(member.pk, member.team_id))
        if member.user.email == "employee@demo.example":
            state = "shared"
        elif manager is None:
            state = "draft"
        else:
            state, turn = STATES[turn % len(STATES)], turn + 1
        pop = services.pop_create(member=member, year=year, actor=None)
        goal_index = member.pk % len(POP_GOALS)
        services.pop_goal_add(
            pop=pop,
            by=member,
            title=POP_GOALS[goal_index],
            learning_goal=learning_goals[goal_index % len(learning_goals)] if learning_goals else None,
            actor=None,
        )
        if activities:
            services.pop_activity_add(pop=pop, by=member, activity=activities[member.pk % len(activities)], actor=None)
        services.pop_update(
            pop=pop,
            by=member,
            actor=None,
            support_needed="Tijd om mee te lopen met een ervaren collega.",
            hours_asked=Decimal(16),
            share_with_hr=state in ("in_progress", "completed"),
        )
        if state == "draft":
            continue
        pop = services.pop_transition(pop=pop, action="share", by=member, actor=None)
        if state == "shared":
            continue
        if state == "sent_back":
            services.pop_transition(
                pop=pop, action="send_back", by=manager, comment="Maak het tweede doel concreter.", actor=None
            )
            continue
        agreed_on = today - datetime.timedelta(days=30 + member.pk % 90)
        pop = services.pop_transition(pop=pop, action="agree", by=manager, actor=None, today=min(agreed_on, today))
        if state in ("in_progress", "completed"):
            pop = services.pop_transition(pop=pop, action="start", by=member, actor=None)
        if state == "completed":
            pop = services.pop_transition(pop=pop, action="complete", by=member, actor=None)


def _conversations(demo, today: datetime.date) -> None:
    """A cycle for the demo manager's team: planning conversations held (most with a
    follow-up), progress conversations coming up, and one onboarding under way."""
    members = list(
        Membership.objects.filter(organization=demo, role__in=[Role.EMPLOYEE, Role.MANAGER])
        .select_related("team")
        .order_by("user__email")
    )
    for index, member in enumerate(members):
        held = services.conversation_plan(
            organization=demo,
            member=member,
            kind=ConversationKind.PLANNING,
            planned_on=today - datetime.timedelta(days=60 + index),
            actor=None,
        )
        services.conversation_hold(
            conversation=held,
            held_on=held.planned_on,
            follow_up="" if index % 4 == 3 else "POP-doelen besproken; over drie maanden voortgang.",
            actor=None,
        )
        services.conversation_plan(
            organization=demo,
            member=member,
            kind=ConversationKind.PROGRESS,
            planned_on=today + datetime.timedelta(days=3 + index % 20),
            actor=None,
        )
    newcomer = next((m for m in members if m.user.email.startswith("medewerker0")), None)
    if newcomer is not None:
        services.onboarding_start(member=newcomer, start=today - datetime.timedelta(days=10), actor=None)
