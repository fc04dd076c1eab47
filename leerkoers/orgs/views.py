from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leerkoers import journey
from leerkoers.audit.models import ACTION_LABELS, AuditEvent
from leerkoers.lib.forms import add_service_errors, call_service, show_refusal
from leerkoers.orgs import selectors, services
from leerkoers.orgs.access import EVERYONE, STEERING, accessible_organizations, org_view
from leerkoers.orgs.forms import ApiTokenForm, InvitationForm, MemberTeamForm, RoleForm, TeamForm
from leerkoers.orgs.models import ApiToken, Invitation, Membership, Role, Team
from leerkoers.orgs.services import (
    api_token_create,
    api_token_revoke,
    invitation_create,
    membership_change_role,
    membership_change_team,
    membership_remove,
    team_create,
    team_update,
)
from leerkoers.ownership import homes


def bad_request(request, exception):
    """handler400: the generic page, with the reason when our code gave one (a filter out of range)."""
    message = str(exception) if type(exception) is BadRequest else ""
    return render(request, "400.html", {"message": message}, status=400)


@login_required
def landing(request):
    """The organisations the user can enter; also where the organisation switcher goes."""
    organizations = accessible_organizations(request.user)
    chosen = request.GET.get("org")
    if chosen and any(org.slug == chosen for org, _role in organizations):
        return redirect("orgs:home", org_slug=chosen)
    if len(organizations) == 1:
        return redirect("orgs:home", org_slug=organizations[0][0].slug)
    return render(request, "orgs/landing.html", {"organizations": organizations, "roles": Role.choices})


@org_view(EVERYONE)
def home(request, access):
    """The caller's home: a manager's and an employee's own work (leerkoers.ownership.homes);
    the route of the journey for HR, the board and advisors."""
    if access.membership is not None and access.role == Role.MANAGER:
        return render(request, "ownership/home_manager.html", {"access": access, "home": homes.manager_home(access)})
    if access.membership is not None and access.role == Role.EMPLOYEE:
        return render(request, "ownership/home_employee.html", {"access": access, "home": homes.employee_home(access)})
    return _journey(request, access)


@org_view(EVERYONE)
def route(request, access):
    """The journey for every role, each seeing what its role may read and do."""
    return _journey(request, access)


def _journey(request, access):
    steps = journey.journey_for(access.organization, access.role)
    counts = {status.value: 0 for status in journey.Status}
    counts[journey.Status.NOT_STARTED] += len(journey.COMING)
    for step in steps:
        counts[step.report.status] += 1
    # The route's next stop: the first step that is there to work on and not done yet.
    next_step = next((s for s in steps if s.report.status != journey.Status.DONE), None)
    return render(
        request,
        "orgs/home.html",
        {
            "access": access,
            "steps": steps,
            "progress": round(100 * journey.progress_share(steps)),
            "counts": counts,
            "next_step": next_step,
            "next_actions": journey.next_actions(steps),
            "coming": journey.COMING,
        },
    )


def _members_found(access, query: str, role: str):
    """The organisation's members matching the search (name, e-mail or team) and role."""
    memberships = access.filter(Membership).select_related("user", "team").order_by("user__full_name", "user__email")
    if query:
        memberships = memberships.filter(
            Q(user__full_name__icontains=query) | Q(user__email__icontains=query) | Q(team__name__icontains=query)
        )
    return memberships.filter(role=role) if role in Role.values else memberships


def _invite(request, access, form) -> bool:
    """Send the posted invitation through the service; False with the errors on the form."""
    if not form.is_valid():
        return False
    try:
        invitation_create(
            organization=access.organization,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            team=form.cleaned_data["team"],
            invited_by=request.user,
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
    return True


@org_view(STEERING)
def members(request, access):
    query, role = request.GET.get("q", "").strip()[:100], request.GET.get("role", "")
    form = InvitationForm(request.POST if request.method == "POST" else None, organization=access.organization)
    if request.method == "POST" and _invite(request, access, form):
        return redirect("orgs:members", org_slug=access.organization.slug)
    context = {
        "access": access,
        "page": Paginator(_members_found(access, query, role), 50).get_page(request.GET.get("page")),
        "invitation_days": settings.INVITATION_VALID_DAYS,
        "query": query,
        "role": role,
        "invitations": access.filter(Invitation, accepted_at__isnull=True).select_related("invited_by"),
        "teams": access.filter(Team).order_by("name"),
        "form": form,
        "roles": Role.choices,
    }
    return render(request, "orgs/members.html", context)


@org_view(STEERING)
@require_POST
def member_role(request, access, membership_id):
    membership = access.get(Membership, pk=membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles."))
    else:
        if call_service(
            request, membership_change_role, membership=membership, role=form.cleaned_data["role"], actor=request.user
        ):
            messages.success(request, _("Role of %(who)s changed.") % {"who": membership.user.display_name})
            if membership.user_id == request.user.pk and form.cleaned_data["role"] not in STEERING:
                # Who gave up their own admin role can no longer see the members page.
                return redirect("orgs:home", org_slug=access.organization.slug)
    return redirect("orgs:members", org_slug=access.organization.slug)


@org_view(STEERING)
@require_POST
def member_team(request, access, membership_id):
    membership = access.get(Membership, pk=membership_id)
    form = MemberTeamForm(request.POST, organization=access.organization)
    if not form.is_valid():
        messages.error(request, _("Choose one of the organisation's teams."))
    else:
        membership_change_team(membership=membership, team=form.cleaned_data["team"], actor=request.user)
        messages.success(request, _("Team of %(who)s changed.") % {"who": membership.user.display_name})
    return redirect("orgs:members", org_slug=access.organization.slug)


@org_view(STEERING)
@require_POST
def member_remove(request, access, membership_id):
    membership = access.get(Membership, pk=membership_id)
    if call_service(request, membership_remove, membership=membership, actor=request.user):
        messages.success(request, _("%(who)s no longer has access.") % {"who": membership.user.display_name})
        if membership.user_id == request.user.pk:
            return redirect("landing")
    return redirect("orgs:members", org_slug=access.organization.slug)


@org_view(STEERING)
@require_POST
def invitation_revoke(request, access, invitation_id):
    invitation = access.get(Invitation, pk=invitation_id, accepted_at__isnull=True)
    services.invitation_revoke(invitation=invitation, actor=request.user)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("orgs:members", org_slug=access.organization.slug)


@org_view(read=EVERYONE, write=STEERING)
def teams(request, access):
    form = None
    if access.is_admin:
        form = TeamForm(request.POST or None, organization=access.organization)
        if request.method == "POST" and form.is_valid():
            try:
                team = team_create(
                    organization=access.organization,
                    name=form.cleaned_data["name"],
                    parent_id=getattr(form.cleaned_data["parent"], "pk", None),
                    manager_id=getattr(form.cleaned_data["manager"], "pk", None),
                    actor=request.user,
                )
            except ValidationError as exc:
                show_refusal(request, exc, form)
            else:
                messages.success(request, _("Team %(name)s added.") % {"name": team.name})
                return redirect("orgs:teams", org_slug=access.organization.slug)
    tree = selectors.team_tree(access.organization)
    return render(request, "orgs/teams.html", {"access": access, "tree": tree, "form": form})


@org_view(STEERING)
def team_edit(request, access, team_id):
    team = access.get(Team, pk=team_id)
    initial = {"name": team.name, "parent": team.parent_id, "manager": team.manager_id}
    form = TeamForm(request.POST or None, initial=initial, organization=access.organization)
    form.fields["parent"].queryset = form.fields["parent"].queryset.exclude(pk=team.pk)
    if request.method == "POST" and form.is_valid():
        changes = {
            "name": form.cleaned_data["name"],
            "parent_id": getattr(form.cleaned_data["parent"], "pk", None),
            "manager_id": getattr(form.cleaned_data["manager"], "pk", None),
        }
        if call_service(request, team_update, errors_on=form, team=team, changes=changes, actor=request.user):
            messages.success(request, _("Team %(name)s saved.") % {"name": team.name})
            return redirect("orgs:teams", org_slug=access.organization.slug)
    return render(request, "orgs/team_edit.html", {"access": access, "team": team, "form": form})


@org_view(STEERING)
def api_tokens(request, access):
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = api_token_create(
                organization=access.organization,
                name=form.cleaned_data["name"],
                can_write=form.cleaned_data["can_write"],
                created_by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = ApiTokenForm()
    tokens = access.filter(ApiToken).select_related("created_by")
    return render(
        request, "orgs/api_tokens.html", {"access": access, "form": form, "tokens": tokens, "new_token": new_token}
    )


@org_view(STEERING)
@require_POST
def api_token_delete(request, access, api_token_id):
    token = access.get(ApiToken, public_id=api_token_id)
    api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("orgs:api_tokens", org_slug=access.organization.slug)


@org_view(STEERING)
def audit_log(request, access):
    events = access.filter(AuditEvent).select_related("actor")
    actions = sorted(access.filter(AuditEvent).values_list("action", flat=True).distinct())
    action = request.GET.get("action", "")
    who = request.GET.get("who", "").strip()[:100]
    if action in actions:
        events = events.filter(action=action)
    if who:
        events = events.filter(actor_label__icontains=who)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    choices = [(code, ACTION_LABELS.get(code, code)) for code in actions]
    return render(
        request,
        "orgs/audit_log.html",
        {"access": access, "page": page, "actions": choices, "action": action, "who": who},
    )
