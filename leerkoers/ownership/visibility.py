"""Who may read what of a POP and of a team plan — decided here, for pages and API alike.

POP (personal development plan), for a caller with access `access`:

- its owner (the member it belongs to) reads and edits all of it, in every state;
- their manager (leerkoers.ownership.teams) reads its content once it has been shared
  (every state but draft), and the agreed versions;
- HR (the admin role, or an API token of the organisation) knows that it exists, its state
  and the organisation learning goals it is tied to; the content and versions only when the
  owner chose to share it with HR;
- nobody else learns anything, not even that it exists (404): another employee, a manager
  of another team, the director, an advisor, and every member of another organisation.

Team plan: the admin, director and advisors read every plan; a manager the plans of the
teams they manage and the teams below them; an employee the plans of their own team. Only
the admin, advisors and the managing manager change a plan.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from leerkoers.orgs.access import LEADERSHIP, STEERING
from leerkoers.orgs.models import Membership, Role
from leerkoers.ownership.models import Conversation, Pop, PopStatus, TeamPlan
from leerkoers.ownership.teams import TeamTree


@dataclass(frozen=True)
class PopView:
    """What one caller may see of one POP (existence, state and linked organisation goals
    are implied: without them the caller gets 404)."""

    content: bool
    versions: bool
    is_owner: bool = False
    is_manager: bool = False


def pop_view(access, pop: Pop, tree: TeamTree | None = None) -> PopView:
    """What `access` may see of `pop`; Http404 when nothing (not even that it exists)."""
    me = access.membership.pk if access.membership else None
    if me is not None and pop.member_id == me:
        return PopView(content=True, versions=True, is_owner=True)
    hr = access.role == Role.ADMIN
    tree = tree or TeamTree.of(access.organization)
    manages = me is not None and tree.manager_of(pop.member_id, pop.member.team_id) == me
    if manages and (pop.status != PopStatus.DRAFT or len(pop.versions.all()) > 0):
        # A draft after an agreement: the manager still reads the agreed versions, not the draft.
        shared = pop.status != PopStatus.DRAFT or (hr and pop.share_with_hr)
        return PopView(content=shared, versions=True, is_manager=True)
    if hr:
        return PopView(content=pop.share_with_hr, versions=pop.share_with_hr)
    raise Http404


def reporting_members(access, tree: TeamTree) -> Q | None:
    """A filter on Membership for the members whose manager the caller is (None: nobody)."""
    if access.membership is None:
        return None
    me = access.membership.pk
    managers = {m for m in tree.manager.values() if m is not None}
    if me not in managers:
        return None
    seats = dict(Membership.objects.filter(pk__in=managers).order_by().values_list("pk", "team_id"))
    teams, reporting_managers = tree.reports_of(me, seats)
    return (Q(team_id__in=teams) & ~Q(pk=me)) | Q(pk__in=reporting_managers)


def shared_with_me(access, tree: TeamTree) -> QuerySet:
    """The POPs of the caller's reports that they shared (every state but draft)."""
    members = reporting_members(access, tree)
    if members is None:
        return Pop.objects.none()
    # The members come from the organisation's own tree and the POPs from access.filter; an
    # organisation filter inside the subquery would make SQLite read every membership of the
    # organisation instead of the indexes on team and id (20 ms against 1 on 50,000 members).
    return access.filter(Pop, member__in=Membership.objects.filter(members)).exclude(status=PopStatus.DRAFT)


def own_pops(access) -> QuerySet:
    if access.membership is None:
        return Pop.objects.none()
    return access.filter(Pop, member=access.membership)


def team_plans_visible(access, tree: TeamTree) -> QuerySet:
    """The team plans the caller reads (see the module docstring)."""
    plans = access.filter(TeamPlan)
    if access.role in LEADERSHIP:
        return plans
    if access.membership is None:
        return plans.none()
    teams = tree.managed_by(access.membership.pk)
    if access.membership.team_id is not None:
        teams.add(access.membership.team_id)
    return plans.filter(team_id__in=teams)


def plan_teams_writable(access, tree: TeamTree) -> set[int] | None:
    """The teams whose plans the caller changes: None for all (admin, advisor)."""
    if access.role in STEERING:
        return None
    if access.role == Role.MANAGER and access.membership is not None:
        return tree.managed_by(access.membership.pk)
    return set()


def can_edit_plan(access, plan: TeamPlan, tree: TeamTree) -> bool:
    teams = plan_teams_writable(access, tree)
    return teams is None or plan.team_id in teams


def pop_for(access, public_id) -> tuple[Pop, PopView]:
    """The POP with `public_id` and what the caller sees of it; Http404 when nothing."""
    pop = access.get(Pop, public_id=public_id)
    return pop, pop_view(access, pop)


def plan_for(access, public_id, *, write: bool = False) -> tuple[TeamPlan, bool]:
    """The team plan with `public_id` if the caller reads it (Http404 otherwise) and whether
    they may change it; PermissionDenied when `write` is asked of someone who only reads it."""
    tree = TeamTree.of(access.organization)
    plan = access.get(TeamPlan, public_id=public_id)
    if not team_plans_visible(access, tree).filter(pk=plan.pk).exists():
        raise Http404
    editable = can_edit_plan(access, plan, tree)
    if write and not editable:
        raise PermissionDenied
    return plan, editable


def conversations_visible(access, tree: TeamTree) -> QuerySet:
    """Conversations of the HR cycle the caller reads: HR every one; anyone else those they
    take part in, and a manager those of the members of their teams and the teams below."""
    conversations = access.filter(Conversation)
    if access.role == Role.ADMIN:
        return conversations
    if access.membership is None:
        return conversations.none()
    me = access.membership.pk
    return conversations.filter(
        Q(member_id=me) | Q(manager_id=me) | Q(member__team_id__in=tree.managed_by(me))
    ).distinct()


def conversation_for(access, public_id, *, write: bool = False) -> Conversation:
    """A conversation the caller reads (Http404 otherwise); with `write`, only its manager,
    a manager above, or HR may change it (PermissionDenied for the member themselves)."""
    tree = TeamTree.of(access.organization)
    conversation = access.get(Conversation, public_id=public_id)
    if not conversations_visible(access, tree).filter(pk=conversation.pk).exists():
        raise Http404
    if write and not (
        access.role == Role.ADMIN or (access.membership is not None and conversation.member_id != access.membership.pk)
    ):
        raise PermissionDenied
    return conversation


def plannable_members(access, tree: TeamTree) -> QuerySet:
    """The members the caller may plan conversations with: everyone for HR and advisors;
    for a manager, the members of their teams and the teams below, and their reports."""
    members = access.filter(Membership).select_related("user", "team").order_by("user__full_name", "user__email")
    if access.role != Role.MANAGER or access.membership is None:
        return members
    me = access.membership.pk
    scope = Q(team_id__in=tree.managed_by(me))
    reports = reporting_members(access, tree)
    if reports is not None:
        scope |= reports
    return members.filter(scope).exclude(pk=me)
