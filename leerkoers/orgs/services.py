"""Workflows on organisations, members, invitations and API tokens."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkoers.accounts.models import User
from leerkoers.audit.services import audit_record
from leerkoers.orgs.models import ApiToken, Invitation, Membership, Organization, Role, Team, hash_token


def invitation_create(
    *, organization: Organization, email: str, role: str, team: Team | None, invited_by
) -> tuple[Invitation, str]:
    """Create an invitation and e-mail its link. Returns the invitation and the raw token.

    An open invitation for the same address is replaced (its link stops working). Refused
    when the address already belongs to a member of the organisation.
    """
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": _("Choose one of the roles.")})
    if team is not None and team.organization_id != organization.pk:
        raise ValidationError({"team": _("Choose one of the organisation's teams.")})
    if Membership.objects.filter(organization=organization, user__email=email).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        # Inviting again replaces the open invitation: only the newest link works.
        Invitation.objects.filter(organization=organization, email=email, accepted_at__isnull=True).delete()
        invitation = Invitation(
            organization=organization,
            email=email,
            role=role,
            team=team,
            token_hash=hash_token(raw),
            invited_by=invited_by,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        invitation.full_clean()
        invitation.save()
        audit_record(
            organization=organization,
            actor=invited_by,
            action="invitation.create",
            target=invitation,
            summary=f"{email} ({role})",
        )
    link = settings.SITE_URL + reverse("accounts:invitation", kwargs={"token": raw})
    context = {"organization": organization, "link": link, "invitation": invitation}
    send_mail(
        subject=_("You are invited to %(org)s on Leerkoers") % {"org": organization.name},
        message=render_to_string("orgs/email/invitation.txt", context),
        from_email=None,
        recipient_list=[email],
    )
    return invitation, raw


def invitation_find(raw_token: str) -> Invitation | None:
    return Invitation.objects.filter(token_hash=hash_token(raw_token)).select_related("organization").first()


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Turn a usable invitation into a membership for `user`; the link cannot be used again."""
    with transaction.atomic():
        # Lock the invitation row so that a double click cannot accept it twice.
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_usable():
            raise ValidationError(_("This invitation has expired or has already been used."))
        membership, created = Membership.objects.get_or_create(
            organization=invitation.organization,
            user=user,
            defaults={"role": invitation.role, "team": invitation.team},
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit_record(
            organization=invitation.organization,
            actor=user,
            action="invitation.accept",
            target=membership,
            summary=user.email,
        )
    return membership


def invitation_revoke(*, invitation: Invitation, actor) -> None:
    """Withdraw an open invitation: its link stops working. The audit trail keeps its address."""
    with transaction.atomic():
        audit_record(
            organization=invitation.organization,
            actor=actor,
            action="invitation.revoke",
            target=invitation,
            summary=invitation.email,
        )
        invitation.delete()


def _admins_left(organization: Organization, excluding: Membership) -> int:
    return Membership.objects.filter(organization=organization, role=Role.ADMIN).exclude(pk=excluding.pk).count()


def _membership_change(membership: Membership, actor, field: str, value, *, before: str, after: str) -> Membership:
    """Set one field of a membership and record it in the audit trail as `before` → `after`."""
    with transaction.atomic():
        setattr(membership, field, value)
        membership.save(update_fields=[field])
        audit_record(
            organization=membership.organization,
            actor=actor,
            action=f"membership.change_{field}",
            target=membership,
            summary=membership.user.email,
            changes={field: [before, after]},
        )
    return membership


def membership_change_role(*, membership: Membership, role: str, actor) -> Membership:
    """Change a member's role; the last admin cannot lose the admin role."""
    if role not in Role.values:
        raise ValidationError({"role": _("Choose one of the roles.")})
    if membership.role == Role.ADMIN and role != Role.ADMIN and _admins_left(membership.organization, membership) == 0:
        raise ValidationError({"role": _("An organisation needs at least one HR / L&D admin.")})
    return _membership_change(membership, actor, "role", role, before=membership.role, after=role)


def membership_change_team(*, membership: Membership, team: Team | None, actor) -> Membership:
    """Put a member in one of the organisation's teams, or in none."""
    if team is not None and team.organization_id != membership.organization_id:
        raise ValidationError({"team": _("Choose one of the organisation's teams.")})
    before = membership.team.name if membership.team else ""
    return _membership_change(membership, actor, "team", team, before=before, after=team.name if team else "")


def membership_remove(*, membership: Membership, actor) -> None:
    """Remove a member from the organisation (the account stays); not the last admin."""
    if membership.role == Role.ADMIN and _admins_left(membership.organization, membership) == 0:
        raise ValidationError(_("An organisation needs at least one HR / L&D admin."))
    with transaction.atomic():
        audit_record(
            organization=membership.organization,
            actor=actor,
            action="membership.remove",
            target=membership,
            summary=membership.user.email,
        )
        Team.objects.filter(manager=membership).update(manager=None)
        # Their address and employee number leave with them (docs/portability.md, item 4).
        from leerkoers.portability.services import member_data_erase

        member_data_erase(membership=membership)
        membership.delete()


def api_token_create(*, organization: Organization, name: str, can_write: bool, created_by) -> tuple[ApiToken, str]:
    """Create an API token; the raw value is returned once and only its hash is stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the system that will use it.")})
    raw = ApiToken.generate()
    with transaction.atomic():
        token = ApiToken(
            organization=organization,
            name=name,
            prefix=raw[:10],
            token_hash=hash_token(raw),
            can_write=can_write,
            created_by=created_by,
        )
        token.full_clean()
        token.save()
        audit_record(
            organization=organization,
            actor=created_by,
            action="api_token.create",
            target=token,
            summary=f"{name} ({'read-write' if can_write else 'read-only'})",
        )
    return token, raw


def api_token_revoke(*, token: ApiToken, actor) -> None:
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            organization=token.organization,
            actor=actor,
            action="api_token.revoke",
            target=token,
            summary=token.name,
        )


def _team_check(team: Team) -> None:
    """The organisation's rules for a team, as ValidationErrors keyed by field."""
    errors = {}
    team.name = (team.name or "").strip()
    if not team.name:
        errors["name"] = _("Give the team a name.")
    elif Team.objects.filter(organization=team.organization, name__iexact=team.name).exclude(pk=team.pk or 0).exists():
        errors["name"] = _("There is already a team with this name.")
    if team.parent_id is not None:
        parent = Team.objects.filter(organization=team.organization, pk=team.parent_id).first()
        if parent is None:
            errors["parent"] = _("Choose one of the organisation's teams.")
        elif team.pk is not None:
            # Walk up from the new parent: meeting the team itself would make a loop.
            seen, node = set(), parent
            while node is not None and node.pk not in seen:
                if node.pk == team.pk:
                    errors["parent"] = _("A team cannot be part of itself or of one of its own sub-teams.")
                    break
                seen.add(node.pk)
                node = node.parent
    if (
        team.manager_id is not None
        and not Membership.objects.filter(organization=team.organization, pk=team.manager_id).exists()
    ):
        errors["manager"] = _("Choose one of the organisation's members.")
    if errors:
        raise ValidationError(errors)


def _team_save(team: Team, **kwargs) -> None:
    # Two people adding the same name at the same moment both pass _team_check; the unique
    # constraint catches the second, which gets the same message instead of an error page.
    try:
        with transaction.atomic():
            team.save(**kwargs)
    except IntegrityError:
        raise ValidationError({"name": _("There is already a team with this name.")})


def team_create(
    *, organization: Organization, name: str, parent_id: int | None = None, manager_id: int | None = None, actor
) -> Team:
    """Add a team to the organisation's tree.

    Refused (ValidationError per field): an empty name, a name the organisation already
    uses (ignoring case), a parent or manager from outside the organisation.
    """
    team = Team(organization=organization, name=name, parent_id=parent_id, manager_id=manager_id)
    with transaction.atomic():
        _team_check(team)
        team.full_clean(exclude=["organization"])
        _team_save(team)
        audit_record(organization=organization, actor=actor, action="team.create", target=team, summary=team.name)
    return team


TEAM_FIELDS = ("name", "parent_id", "manager_id")


def team_update(*, team: Team, changes: dict, actor) -> Team:
    """Change a team's name, parent and/or manager (`changes` maps TEAM_FIELDS to values).

    Refused as in team_create, and also a parent that would put the team inside itself.
    """
    unknown = set(changes) - set(TEAM_FIELDS)
    if unknown:
        raise ValueError(f"Unknown team fields: {sorted(unknown)}")
    old = {field: getattr(team, field) for field in changes}
    with transaction.atomic():
        for field, value in changes.items():
            setattr(team, field, value)
        _team_check(team)
        team.full_clean(exclude=["organization"])
        _team_save(team, update_fields=[field.removesuffix("_id") for field in changes])
        diff = {field.removesuffix("_id"): [old[field], getattr(team, field)] for field in changes}
        diff = {field: values for field, values in diff.items() if values[0] != values[1]}
        audit_record(
            organization=team.organization,
            actor=actor,
            action="team.update",
            target=team,
            summary=team.name,
            changes=diff,
        )
    return team
