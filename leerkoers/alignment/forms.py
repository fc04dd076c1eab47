from django import forms
from django.utils.translation import gettext_lazy as _

from leerkoers.alignment.models import Kpi, LearningGoal, StrategicGoal, Theme
from leerkoers.alignment.services import theme_choices
from leerkoers.orgs.models import Membership, Role, Team

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _members(organization):
    return Membership.objects.filter(organization=organization).select_related("user").order_by("user__full_name")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.user.display_name


class StrategicGoalForm(forms.ModelForm):
    theme = forms.ChoiceField(label=_("Theme"))
    owner = MemberChoiceField(label=_("Owner"), queryset=Membership.objects.none(), required=False)

    class Meta:
        model = StrategicGoal
        fields = ["title", "description", "theme", "owner", "period_start", "period_end", "status", "priority"]
        widgets = {"period_start": DATE, "period_end": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        self.fields["theme"].choices = theme_choices(organization)
        self.fields["owner"].queryset = _members(organization)

    def _post_clean(self):
        # The service validates the model (full_clean) and maps its errors onto the form.
        pass


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["name", "key"]


class KpiForm(forms.ModelForm):
    owner = MemberChoiceField(label=_("Owner"), queryset=Membership.objects.none(), required=False)

    class Meta:
        model = Kpi
        fields = [
            "strategic_goal",
            "name",
            "definition",
            "unit",
            "direction",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "source",
            "owner",
        ]
        widgets = {"baseline_date": DATE, "target_date": DATE, "definition": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        self.fields["strategic_goal"].queryset = StrategicGoal.objects.filter(organization=organization)
        self.fields["owner"].queryset = _members(organization)

    def _post_clean(self):
        pass


class MeasurementForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=4)
    team = forms.ModelChoiceField(
        label=_("Scope"), queryset=Team.objects.none(), required=False, empty_label=_("Whole organisation")
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(organization=organization)


class MeasurementImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or Excel .xlsx)"),
        help_text=_("Columns: KPI (name or number), date, value, and optionally team and unit."),
    )
    kpi = forms.ModelChoiceField(
        label=_("KPI"),
        queryset=Kpi.objects.none(),
        required=False,
        empty_label=_("Named in the file (column KPI)"),
        help_text=_("Choose a KPI when the file holds the measurements of one KPI only."),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kpi"].queryset = Kpi.objects.filter(organization=organization)


class LearningGoalForm(forms.ModelForm):
    """The guided SMART form; one rationale field per strategic goal is added dynamically."""

    target_roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    target_teams = forms.ModelMultipleChoiceField(
        label=_("Teams"), queryset=Team.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    strategic_goals = forms.ModelMultipleChoiceField(
        label=_("Serves these strategic goals"),
        queryset=StrategicGoal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = LearningGoal
        fields = ["title", "who", "target_roles", "target_teams", "behaviour", "deadline", "measure"]
        widgets = {
            "deadline": DATE,
            "behaviour": forms.Textarea(attrs={"rows": 3}),
            "measure": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        self.fields["target_teams"].queryset = Team.objects.filter(organization=organization)
        goals = list(StrategicGoal.objects.filter(organization=organization))
        self.fields["strategic_goals"].queryset = StrategicGoal.objects.filter(organization=organization)
        rationales = {}
        if self.instance.pk:
            links = list(self.instance.links.all())
            rationales = {link.strategic_goal_id: link.rationale for link in links}
            self.initial.setdefault("strategic_goals", [link.strategic_goal_id for link in links])
            self.initial.setdefault("target_teams", list(self.instance.target_teams.all()))
        self.rationale_fields = []
        for goal in goals:
            name = f"rationale_{goal.pk}"
            self.fields[name] = forms.CharField(
                label=_("Why does it serve “%(goal)s”?") % {"goal": goal.title},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=rationales.get(goal.pk, ""),
            )
            self.rationale_fields.append((goal, name))

    def _post_clean(self):
        pass

    def goal_rows(self) -> list:
        """(checkbox of a strategic goal, its rationale field), to show them side by side."""
        rows = []
        for checkbox in self["strategic_goals"]:
            value = checkbox.data["value"]
            pk = getattr(value, "value", value)
            rows.append((checkbox, self[f"rationale_{pk}"]))
        return rows

    def links(self) -> list:
        chosen = self.cleaned_data.get("strategic_goals") or []
        return [(goal, self.cleaned_data.get(f"rationale_{goal.pk}", "")) for goal in chosen]

    def changes(self) -> dict:
        data = self.cleaned_data
        return {name: data.get(name) for name in ("title", "who", "behaviour", "deadline", "measure")} | {
            "target_roles": list(data.get("target_roles") or [])
        }
