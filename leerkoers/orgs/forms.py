from django import forms
from django.utils.translation import gettext_lazy as _

from leerkoers.orgs.models import Membership, Role, Team


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EMPLOYEE)
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("No team")
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(organization=organization)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class MemberTeamForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("No team")
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(organization=organization)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("For example the system that will use it."))
    can_write = forms.BooleanField(label=_("May change data (read-write)"), required=False)


class TeamForm(forms.Form):
    """A team's name, its place in the tree and its manager; the organisation's rules are
    checked by team_create/team_update, whose errors the view puts on the form."""

    name = forms.CharField(label=_("Name"), max_length=200)
    parent = forms.ModelChoiceField(
        label=_("Part of"), queryset=Team.objects.none(), required=False, empty_label=_("Nothing: a top-level team")
    )
    manager = forms.ModelChoiceField(
        label=_("Manager"), queryset=Membership.objects.none(), required=False, empty_label=_("Nobody yet")
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Team.objects.filter(organization=organization).order_by("name")
        self.fields["manager"].queryset = (
            Membership.objects.filter(organization=organization)
            .select_related("user")
            .order_by("user__full_name", "user__email")
        )
        self.fields["manager"].label_from_instance = lambda m: m.user.display_name
