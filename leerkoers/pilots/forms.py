import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from leerkoers.alignment.models import Kpi, LearningGoal
from leerkoers.inventory.models import Activity
from leerkoers.orgs.models import Team
from leerkoers.pilots.decision import Outcome
from leerkoers.pilots.evaluation import SCALE, Audience, Level
from leerkoers.pilots.models import Pilot
from leerkoers.pilots.presets import PRESETS
from leerkoers.pilots.services import DESIGN_FIELDS, RULE_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CHECKBOXES = forms.CheckboxSelectMultiple


class DatesField(forms.CharField):
    """Dates separated by commas or spaces (YYYY-MM-DD), as a sorted list of ISO strings."""

    def to_python(self, value):
        parts = [p for p in (value or "").replace(",", " ").split() if p]
        try:
            return sorted({datetime.date.fromisoformat(p).isoformat() for p in parts})
        except ValueError:
            raise ValidationError(_("Give follow-up dates as dates (YYYY-MM-DD), separated by commas.")) from None

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value


class PilotForm(forms.ModelForm):
    assignment = forms.ChoiceField(
        label=_("How the comparison teams were chosen"),
        choices=[c for c in Pilot.Assignment.choices if c[0] != Pilot.Assignment.RANDOM],
        help_text=_("For a random draw, save the design first and use “Draw the teams at random”."),
        required=False,
    )
    template = forms.ChoiceField(required=False, widget=forms.HiddenInput)
    follow_up_dates = DatesField(label=_("Follow-up dates"), required=False)
    pilot_teams = forms.ModelMultipleChoiceField(Team.objects.none(), label=_("Pilot teams"), widget=CHECKBOXES)
    comparison_teams = forms.ModelMultipleChoiceField(
        Team.objects.none(), label=_("Comparison teams"), widget=CHECKBOXES, required=False
    )
    kpis = forms.ModelMultipleChoiceField(Kpi.objects.none(), label=_("KPIs"), widget=CHECKBOXES, required=False)
    learning_goals = forms.ModelMultipleChoiceField(
        LearningGoal.objects.none(), label=_("Learning goals"), widget=CHECKBOXES, required=False
    )
    activities = forms.ModelMultipleChoiceField(
        Activity.objects.none(), label=_("Activities"), widget=CHECKBOXES, required=False
    )

    class Meta:
        model = Pilot
        fields = list(DESIGN_FIELDS + RULE_FIELDS)
        widgets = {
            "baseline_start": DATE,
            "start": DATE,
            "end": DATE,
            "hypothesis": forms.Textarea(attrs={"rows": 3}),
            "evaluation_plan": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        teams = Team.objects.filter(organization=organization)
        self.fields["pilot_teams"].queryset = teams
        self.fields["comparison_teams"].queryset = teams
        self.fields["kpis"].queryset = Kpi.objects.filter(organization=organization)
        self.fields["learning_goals"].queryset = LearningGoal.objects.filter(organization=organization)
        self.fields["activities"].queryset = Activity.objects.filter(organization=organization).order_by("title")
        self.fields["template"].choices = [("", "")] + [(p.key, p.name) for p in PRESETS]
        if self.instance.pk:
            links = self.instance
            self.initial.setdefault("pilot_teams", [t.team_id for t in links.teams.all() if t.arm == "pilot"])
            self.initial.setdefault("comparison_teams", [t.team_id for t in links.teams.all() if t.arm == "comparison"])
            self.initial.setdefault("kpis", [k.kpi_id for k in links.kpi_links.all()])
            self.initial.setdefault("learning_goals", [k.learning_goal_id for k in links.learning_goal_links.all()])
            self.initial.setdefault("activities", [k.activity_id for k in links.activity_links.all()])
            if links.assignment == Pilot.Assignment.RANDOM:
                self.fields["assignment"].choices = Pilot.Assignment.choices

    def clean_assignment(self):
        return self.cleaned_data.get("assignment") or Pilot.Assignment.CONVENIENCE

    def _post_clean(self):
        # The service validates the model (full_clean) and maps its errors onto the form.
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DrawForm(forms.Form):
    candidates = forms.ModelMultipleChoiceField(Team.objects.none(), label=_("Teams to draw from"), widget=CHECKBOXES)
    n_pilot = forms.IntegerField(label=_("How many of them take part in the pilot"), min_value=1)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = Team.objects.filter(organization=organization)


class RuleForm(forms.Form):
    scale_up_min = forms.DecimalField(label=_("Scale up from an improvement of"), max_digits=14, decimal_places=4)
    max_p = forms.DecimalField(label=_("with p below"), max_digits=4, decimal_places=3)
    stop_max = forms.DecimalField(label=_("Stop at an improvement of at most"), max_digits=14, decimal_places=4)
    reason = forms.CharField(label=_("Why the rule changes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Outcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    lessons = forms.CharField(
        label=_("Lessons learned"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("They appear in the policy document and in the context of the next scan round."),
    )
    scale_up_teams = forms.ModelMultipleChoiceField(
        Team.objects.none(), label=_("Next teams (scale-up plan)"), widget=CHECKBOXES, required=False
    )
    scale_up_start = forms.DateField(label=_("Next teams start on"), widget=DATE, required=False)
    scale_up_end = forms.DateField(label=_("and end on"), widget=DATE, required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scale_up_teams"].queryset = Team.objects.filter(organization=organization)


class EvaluationFormForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Level"), choices=Level.choices[:3], coerce=int)
    audience = forms.ChoiceField(label=_("Who answers"), choices=Audience.choices)
    invited = forms.IntegerField(
        label=_("People asked"),
        min_value=1,
        max_value=100_000,
        required=False,
        help_text=_("For the response rate."),
    )


class InviteForm(forms.Form):
    """Who gets a personal link to one form: members of the pilot's teams, typed addresses."""

    teams = forms.ModelMultipleChoiceField(
        label=_("Members of these teams"),
        queryset=Team.objects.none(),
        widget=CHECKBOXES,
        required=False,
        help_text=_("For a form for managers: the teams' managers."),
    )
    emails = forms.CharField(
        label=_("Or e-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20_000,
        help_text=_("One or more, separated by commas or new lines."),
    )

    def __init__(self, *args, pilot, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = Team.objects.filter(
            organization=pilot.organization, pk__in=pilot.teams.values("team_id")
        ).order_by("name")

    def clean_emails(self):
        return [e for e in self.cleaned_data["emails"].replace(",", " ").split() if e]


class ResponseForm(forms.Form):
    """The questions of one evaluation form, each on a scale of 1 to 5."""

    def __init__(self, *args, questions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        scale = [(n, label) for n, label in zip(SCALE, SCALE_LABELS, strict=True)]
        for key, text in questions:
            self.fields[key] = forms.TypedChoiceField(label=text, choices=scale, coerce=int, widget=forms.RadioSelect)


SCALE_LABELS = [
    _("1 – disagree completely"),
    _("2 – disagree"),
    _("3 – neutral"),
    _("4 – agree"),
    _("5 – agree completely"),
]
