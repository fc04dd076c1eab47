from django import forms
from django.utils.translation import gettext_lazy as _

from leerkoers.inventory.models import Activity, ImportKind, ImportMapping, Participation
from leerkoers.orgs.models import Team


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "title",
            "kind",
            "provider",
            "initiator",
            "teams",
            "start_date",
            "end_date",
            "hours_per_participant",
            "cost",
            "participants",
            "goal",
            "result",
            "result_measure",
            "evaluation_level",
            "mandatory",
            "external_id",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "goal": forms.Textarea(attrs={"rows": 3}),
            "result": forms.Textarea(attrs={"rows": 3}),
            "teams": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.instance.organization = organization
        self.fields["teams"].queryset = Team.objects.filter(organization=organization)

    def clean(self):
        data = super().clean()
        external_id = data.get("external_id")
        if external_id:
            clash = Activity.objects.filter(organization=self.organization, external_id=external_id)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("external_id", _("Another activity already has this external id."))
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date lies before the start date."))
        return data


class ParticipationForm(forms.ModelForm):
    person = forms.CharField(label=_("Person (employee number or e-mail)"), max_length=254)

    class Meta:
        model = Participation
        fields = ["activity", "team", "status", "enrolled_on", "completion_date", "hours", "score"]
        widgets = {
            "enrolled_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "completion_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.instance.organization = organization
        self.fields["activity"].queryset = Activity.objects.filter(organization=organization).order_by("title")
        self.fields["team"].queryset = Team.objects.filter(organization=organization)
        if self.instance.pk:
            self.fields["person"].initial = self.instance.person_key


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(label=_("File (CSV or Excel .xlsx)"))
    mapping = forms.ModelChoiceField(
        label=_("Saved column mapping"),
        queryset=ImportMapping.objects.none(),
        required=False,
        empty_label=_("Recognise the columns"),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mapping"].queryset = ImportMapping.objects.filter(organization=organization)
