from django import forms
from django.utils.translation import gettext_lazy as _

from leerkoers.orgs.models import Role, Team


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EMPLOYEE)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(organization=organization)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("For example the system that will use it."))
    can_write = forms.BooleanField(label=_("May change data (read-write)"), required=False)


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "parent"]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.instance.organization = organization
        self.fields["parent"].queryset = Team.objects.filter(organization=organization)
        self.fields["parent"].required = False
