"""Changes of step 4: the matrix, team plans and POPs. Keyword-only, validated with
full_clean() inside a transaction, every change in the audit trail. Audit summaries never
carry a POP's content (the audit trail is read by HR)."""

import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from leerkoers.audit.services import audit_record
from leerkoers.orgs.models import Membership, Team, hash_token
from leerkoers.ownership import raci
from leerkoers.ownership.models import (
    CalendarFeed,
    Conversation,
    Layer,
    LearningProcess,
    PlanStatus,
    Pop,
    PopActivity,
    PopGoal,
    PopStatus,
    PopVersion,
    TeamPlan,
    TeamPlanActivity,
    TeamPlanGoal,
)
from leerkoers.ownership.selectors import template_rows
from leerkoers.ownership.teams import TeamTree


def _audit(organization, actor, action: str, target, summary: str) -> None:
    audit_record(organization=organization, actor=actor, action=f"ownership.{action}", target=target, summary=summary)


def _save(obj) -> None:
    obj.full_clean()
    obj.save()


# The matrix ---------------------------------------------------------------------------------


def matrix_seed(*, organization, actor=None) -> list[LearningProcess]:
    """The organisation's stored matrix; the template's rows are stored when it has none."""
    with transaction.atomic():
        rows = list(LearningProcess.objects.select_for_update().filter(organization=organization))
        if rows:
            return rows
        for row in template_rows(organization):
            _save(row)
        _audit(organization, actor, "matrix_seed", None, _("Responsibility matrix started from the template"))
    return list(LearningProcess.objects.filter(organization=organization))


def matrix_update(*, organization, letters: dict[str, dict[str, str]], actor) -> list[LearningProcess]:
    """Set the letters of the matrix: `letters` maps a process key to {layer: letter}.
    Every row is checked; nothing is saved unless all are valid (ValidationError listing
    every problem, per process)."""
    with transaction.atomic():
        rows = matrix_seed(organization=organization, actor=actor)
        by_key = {row.key: row for row in rows}
        if set(letters) - set(by_key):
            raise ValidationError(_("The matrix has no such process."))
        problems = []
        for key, values in letters.items():
            row = by_key[key]
            merged = {**row.letters(), **{layer: (value or "").strip().upper() for layer, value in values.items()}}
            problems += raci.problems(str(row), merged)
            for layer in Layer.values:
                setattr(row, layer, merged.get(layer, ""))
        if problems:
            raise ValidationError(problems)
        for row in rows:
            _save(row)
        _audit(organization, actor, "matrix_update", None, _("Responsibility matrix changed"))
    return rows


def process_add(*, organization, name: str, letters: dict[str, str], actor) -> LearningProcess:
    """Add an own process to the matrix (validated as every row)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the process a name.")})
    letters = {layer: (letters.get(layer) or "").strip().upper() for layer in Layer.values}
    found = raci.problems(name, letters)
    if found:
        raise ValidationError(found)
    rows = matrix_seed(organization=organization, actor=actor)
    if any(name.lower() in (row.name.lower(), str(row).lower()) for row in rows):
        raise ValidationError({"name": _("The matrix already has a process with this name.")})
    base = slugify(name)[:50] or "process"
    keys = {row.key for row in rows}
    key, n = base, 2
    while key in keys or key in raci.TEMPLATE_KEYS:
        key, n = f"{base}-{n}", n + 1
    process = LearningProcess(
        organization=organization,
        key=key,
        name=name,
        position=max((r.position for r in rows), default=0) + 1,
        **letters,
    )
    with transaction.atomic():
        _save(process)
        _audit(organization, actor, "process_add", process, name)
    return process


def process_delete(*, process: LearningProcess, actor) -> None:
    """Remove an own process; the template's processes stay (their open work depends on them)."""
    if process.key in raci.TEMPLATE_KEYS:
        raise ValidationError(_("The processes of the template stay in the matrix; change their letters instead."))
    with transaction.atomic():
        _audit(process.organization, actor, "process_delete", process, str(process))
        process.delete()


# Team plans ---------------------------------------------------------------------------------


def team_plan_create(*, organization, team: Team, year: int, actor) -> TeamPlan:
    """Start the learning plan of `team` for `year` (one per team and year)."""
    if team.organization_id != organization.pk:
        raise ValidationError(_("Choose a team of this organisation."))
    plan = TeamPlan(organization=organization, team=team, year=year)
    if TeamPlan.objects.filter(organization=organization, team=team, year=year).exists():
        raise ValidationError(_("%(team)s already has a learning plan for %(year)s.") % {"team": team, "year": year})
    with transaction.atomic():
        _save(plan)
        _audit(organization, actor, "team_plan_create", plan, str(plan))
    return plan


PLAN_FIELDS = ("status", "review_date", "budget", "spend", "notes")


def team_plan_update(*, plan: TeamPlan, actor, **fields) -> TeamPlan:
    """Change the status, review date, budget, spend or notes of a team plan."""
    for name, value in fields.items():
        if name not in PLAN_FIELDS:
            raise TypeError(name)
        setattr(plan, name, value)
    if plan.status == PlanStatus.ACTIVE and plan.review_date is None:
        raise ValidationError({"review_date": _("An active plan needs a review date.")})
    with transaction.atomic():
        _save(plan)
        _audit(plan.organization, actor, "team_plan_update", plan, str(plan))
    plan.refresh_from_db()  # amounts as stored (two decimals)
    return plan


def team_plan_goal_add(*, plan: TeamPlan, title: str, learning_goal=None, actor) -> TeamPlanGoal:
    """Add a team learning goal, tied to an organisation learning goal or not."""
    title = (title or "").strip()
    if learning_goal is not None and learning_goal.organization_id != plan.organization_id:
        raise ValidationError({"learning_goal": _("Choose a learning goal of this organisation.")})
    if plan.goals.filter(title__iexact=title).exists():
        raise ValidationError({"title": _("The plan already has this goal.")})
    goal = TeamPlanGoal(organization=plan.organization, plan=plan, title=title, learning_goal=learning_goal)
    with transaction.atomic():
        _save(goal)
        _audit(plan.organization, actor, "team_plan_goal_add", plan, f"{plan}: {title}")
    return goal


def team_plan_activity_add(*, plan: TeamPlan, activity=None, title: str = "", cost=None, actor) -> TeamPlanActivity:
    """Add a chosen activity: one of the inventory's (`activity`) or a new one (`title`)."""
    entry = TeamPlanActivity(
        organization=plan.organization, plan=plan, activity=activity, title=(title or "").strip(), cost=cost
    )
    _check_activity(entry, plan.organization_id)
    with transaction.atomic():
        _save(entry)
        _audit(plan.organization, actor, "team_plan_activity_add", plan, f"{plan}: {entry}")
    return entry


def _check_activity(entry, organization_id: int) -> None:
    if entry.activity is None and not entry.title:
        raise ValidationError({"title": _("Choose an activity of the inventory or name a new one.")})
    if entry.activity is not None and entry.activity.organization_id != organization_id:
        raise ValidationError({"activity": _("Choose an activity of this organisation.")})


def plan_item_remove(*, item, actor) -> None:
    """Remove a goal or an activity of a team plan or of a POP."""
    parent = getattr(item, "plan", None) or item.pop
    with transaction.atomic():
        _audit(item.organization, actor, f"{type(item).__name__.lower()}_remove", parent, str(parent))
        item.delete()


# POPs ---------------------------------------------------------------------------------------


def pop_create(*, member: Membership | None, year: int, actor) -> Pop:
    """Start the member's own POP for `year` (a draft, private to them)."""
    if member is None:
        raise ValidationError(_("Only members of the organisation have a personal development plan."))
    if Pop.objects.filter(organization_id=member.organization_id, member=member, year=year).exists():
        raise ValidationError(_("You already have a personal development plan for %(year)s.") % {"year": year})
    pop = Pop(organization_id=member.organization_id, member=member, year=year)
    with transaction.atomic():
        _save(pop)
        _audit(pop.organization, actor, "pop_create", pop, str(pop))
    return pop


POP_FIELDS = ("support_needed", "hours_asked", "budget_asked", "share_with_hr")


def _require_owner(pop: Pop, by: Membership | None) -> None:
    if by is None or by.pk != pop.member_id:
        raise PermissionDenied


def _require_editable(pop: Pop) -> None:
    if not pop.is_editable:
        raise ValidationError(
            _("An agreed plan cannot be changed; revise it to make a new draft to agree again."), code="state"
        )


def pop_update(*, pop: Pop, by: Membership | None, actor, **fields) -> Pop:
    """The owner changes the support, time and budget asked, or whether HR may read it.
    Sharing with HR can change in every state; the rest only in draft or sent back."""
    _require_owner(pop, by)
    if set(fields) - {"share_with_hr"}:
        _require_editable(pop)
    for name, value in fields.items():
        if name not in POP_FIELDS:
            raise TypeError(name)
        setattr(pop, name, value)
    with transaction.atomic():
        _save(pop)
        _audit(pop.organization, actor, "pop_update", pop, str(pop))
    return pop


def pop_goal_add(*, pop: Pop, by: Membership | None, title: str, learning_goal=None, team_goal=None, actor) -> PopGoal:
    """The owner adds a goal, optionally tied to an organisation or a team learning goal."""
    _require_owner(pop, by)
    _require_editable(pop)
    title = (title or "").strip()
    for linked, field in ((learning_goal, "learning_goal"), (team_goal, "team_goal")):
        if linked is not None and linked.organization_id != pop.organization_id:
            raise ValidationError({field: _("Choose a goal of this organisation.")})
    if team_goal is not None and learning_goal is None:
        learning_goal = team_goal.learning_goal  # a team goal's tie to the organisation carries over
    if pop.goals.filter(title__iexact=title).exists():
        raise ValidationError({"title": _("The plan already has this goal.")})
    goal = PopGoal(
        organization=pop.organization, pop=pop, title=title, learning_goal=learning_goal, team_goal=team_goal
    )
    with transaction.atomic():
        _save(goal)
        _audit(pop.organization, actor, "pop_goal_add", pop, str(pop))
    return goal


def pop_activity_add(*, pop: Pop, by: Membership | None, activity=None, title: str = "", actor) -> PopActivity:
    """The owner adds a chosen activity: one of the inventory's or a new one."""
    _require_owner(pop, by)
    _require_editable(pop)
    entry = PopActivity(organization=pop.organization, pop=pop, activity=activity, title=(title or "").strip())
    _check_activity(entry, pop.organization_id)
    with transaction.atomic():
        _save(entry)
        _audit(pop.organization, actor, "pop_activity_add", pop, str(pop))
    return entry


def pop_item_remove(*, item, by: Membership | None, actor) -> None:
    _require_owner(item.pop, by)
    _require_editable(item.pop)
    plan_item_remove(item=item, actor=actor)


def pop_content(pop: Pop) -> dict:
    """The content of a POP as plain data: what a version keeps and what the API returns."""
    return {
        "goals": [
            {
                "title": goal.title,
                "learning_goal": goal.learning_goal.title if goal.learning_goal_id else None,
                "team_goal": goal.team_goal.title if goal.team_goal_id else None,
            }
            for goal in pop.goals.all()  # prefetch goals__learning_goal, goals__team_goal for a list
        ],
        "activities": [str(entry) for entry in pop.activities.all()],
        "support_needed": pop.support_needed,
        "hours_asked": str(pop.hours_asked) if pop.hours_asked is not None else None,
        "budget_asked": str(pop.budget_asked) if pop.budget_asked is not None else None,
    }


# Who may take each step, from which states, to which state.
OWNER, MANAGER = "owner", "manager"
TRANSITIONS = {
    "share": (OWNER, (PopStatus.DRAFT, PopStatus.SENT_BACK), PopStatus.SHARED),
    "agree": (MANAGER, (PopStatus.SHARED,), PopStatus.AGREED),
    "send_back": (MANAGER, (PopStatus.SHARED,), PopStatus.SENT_BACK),
    "start": (OWNER, (PopStatus.AGREED,), PopStatus.IN_PROGRESS),
    "complete": (OWNER, (PopStatus.IN_PROGRESS,), PopStatus.COMPLETED),
    "revise": (OWNER, (PopStatus.AGREED, PopStatus.IN_PROGRESS), PopStatus.DRAFT),
}


def pop_transition(
    *, pop: Pop, action: str, by: Membership | None, actor, comment: str = "", today: datetime.date | None = None
) -> Pop:
    """Move a POP on: the owner shares, starts, completes or revises it; their manager agrees
    (sign-off dated today, the content kept as a new version) or sends it back with a
    comment. Refused: another caller (PermissionDenied), a step not open from the current
    state, sharing a plan without goals, sending back without a comment (ValidationError)."""
    if action not in TRANSITIONS:
        raise ValidationError(_("Unknown step."), code="state")
    who, sources, target = TRANSITIONS[action]
    if who == OWNER:
        _require_owner(pop, by)
    else:
        tree = TeamTree.of(pop.organization)
        if by is None or tree.manager_of(pop.member_id, pop.member.team_id) != by.pk:
            raise PermissionDenied
    if action == "send_back" and not comment.strip():
        raise ValidationError({"comment": _("Say what should change when you send the plan back.")})
    today = today or timezone.localdate()
    with transaction.atomic():
        # The stored state decides, not the caller's copy: two clicks cannot both agree.
        pop = Pop.objects.select_for_update().get(pk=pop.pk)
        if pop.status not in sources:
            raise ValidationError(
                _("This step is not possible while the plan is “%(status)s”.") % {"status": pop.get_status_display()},
                code="state",
            )
        if action == "share" and not pop.goals.exists():
            raise ValidationError(_("Add at least one goal before you share the plan."))
        pop.status = target
        if action == "share":
            pop.shared_at = timezone.now()
        elif action == "agree":
            pop.agreed_on, pop.agreed_by, pop.manager_comment = today, by, comment.strip()
            number = (pop.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
            try:
                PopVersion.objects.create(
                    organization=pop.organization,
                    pop=pop,
                    number=number,
                    agreed_on=today,
                    agreed_by_name=by.user.full_name or by.user.email,
                    content=pop_content(pop),
                )
            except IntegrityError:
                raise ValidationError(_("The plan was changed meanwhile; reload the page."), code="state") from None
        elif action == "send_back":
            pop.manager_comment = comment.strip()
        _save(pop)
        _audit(pop.organization, actor, f"pop_{action}", pop, f"{pop}: {pop.get_status_display()}")
    return pop


def as_decimal(value) -> Decimal | None:
    """A form's or a body's amount: None when empty; ValidationError when not a number."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except ArithmeticError:
        raise ValidationError(_("Enter an amount as a number, e.g. 1250 or 1250.50.")) from None


# The HR cycle -------------------------------------------------------------------------------


def conversation_plan(*, organization, member: Membership, kind: str, planned_on, actor) -> Conversation:
    """Plan a conversation of the cycle with `member`; their manager (teams.py) holds it."""
    if member.organization_id != organization.pk:
        raise ValidationError({"member": _("Choose a member of this organisation.")})
    tree = TeamTree.of(organization)
    conversation = Conversation(
        organization=organization,
        member=member,
        kind=kind,
        planned_on=planned_on,
        manager_id=tree.manager_of(member.pk, member.team_id),
    )
    if Conversation.objects.filter(organization=organization, member=member, kind=kind, planned_on=planned_on).exists():
        raise ValidationError(_("This conversation is already planned on that day."))
    with transaction.atomic():
        _save(conversation)
        _audit(organization, actor, "conversation_plan", conversation, str(conversation))
    return conversation


def conversation_hold(*, conversation: Conversation, held_on, follow_up: str, actor) -> Conversation:
    """Record that the conversation was held, with the follow-up agreed in it."""
    if held_on is None:
        raise ValidationError({"held_on": _("Give the date the conversation was held.")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A conversation cannot be held in the future.")})
    conversation.held_on, conversation.follow_up = held_on, (follow_up or "").strip()
    with transaction.atomic():
        _save(conversation)
        _audit(conversation.organization, actor, "conversation_hold", conversation, str(conversation))
    return conversation


def onboarding_start(*, member: Membership, start: datetime.date, actor) -> list[Conversation]:
    """Plan a new member's onboarding conversations (1 week, 1 month, 3 months after
    `start`) and give them a starter POP for that year, unless they have one."""
    from leerkoers.ownership import cycle

    if start is None:
        raise ValidationError({"start": _("Give the first working day.")})
    with transaction.atomic():
        planned = [
            conversation_plan(organization=member.organization, member=member, kind=kind, planned_on=day, actor=actor)
            for kind, day in cycle.onboarding_dates(start)
        ]
        if not Pop.objects.filter(organization_id=member.organization_id, member=member, year=start.year).exists():
            pop = pop_create(member=member, year=start.year, actor=actor)
            for title in cycle.STARTER_GOALS:
                PopGoal.objects.create(organization=pop.organization, pop=pop, title=str(title))
    return planned


def reminders_send(*, today: datetime.date | None = None) -> int:
    """E-mail each manager about the conversations due within CONVERSATION_REMINDER_DAYS;
    every conversation's reminder goes at most once (claimed by one UPDATE before it is sent,
    so two workers cannot both send it). Returns the number sent."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    from leerkoers.ownership import cycle

    today = today or timezone.localdate()
    days = settings.CONVERSATION_REMINDER_DAYS
    candidates = Conversation.objects.filter(
        held_on__isnull=True,
        reminder_sent_at__isnull=True,
        manager__isnull=False,
        planned_on__gte=today,
        planned_on__lte=today + datetime.timedelta(days=days),
    ).select_related("organization", "member__user", "manager__user")
    sent = 0
    for conversation in candidates:
        if not cycle.reminder_due(conversation.planned_on, today, days):
            continue
        claimed = Conversation.objects.filter(pk=conversation.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=timezone.now()
        )
        if not claimed:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            context = {"conversation": conversation, "prompts": [str(p) for p in cycle.PROMPTS[conversation.kind]]}
            send_mail(
                subject=_("Coming up: %(kind)s with %(name)s on %(date)s")
                % {
                    "kind": conversation.get_kind_display(),
                    "name": conversation.member.user.full_name or conversation.member.user.email,
                    "date": conversation.planned_on.isoformat(),
                },
                message=render_to_string("ownership/email/reminder.txt", context),
                from_email=None,
                recipient_list=[conversation.manager.user.email],
            )
        sent += 1
    return sent


# The calendar feed ---------------------------------------------------------------------------


def calendar_feed_renew(*, membership: Membership, language: str, actor) -> str:
    """Give `membership` a new secret address of their coming conversations in `language`
    (the old one, if any, stops working) and return its token: shown once, only its hash is
    kept."""
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.update_or_create(
            membership=membership,
            defaults={
                "organization_id": membership.organization_id,
                "token_hash": hash_token(raw),
                "language": language,
            },
        )
        audit_record(
            organization=membership.organization, actor=actor, action="ownership.calendar_feed.renew", target=membership
        )
    return raw


def calendar_feed_stop(*, membership: Membership, actor) -> None:
    """Stop `membership`'s calendar address (nothing happens when there is none)."""
    with transaction.atomic():
        deleted, _rows = CalendarFeed.objects.filter(membership=membership).delete()
        if deleted:
            audit_record(
                organization=membership.organization,
                actor=actor,
                action="ownership.calendar_feed.stop",
                target=membership,
            )
