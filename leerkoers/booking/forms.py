from datetime import datetime
from zoneinfo import available_timezones

from django import forms
from django.utils.translation import gettext_lazy as _

from leerkoers.booking.models import AdvisorProfile, AvailabilityException, WeeklyWindow


def parse_instant(raw: str) -> datetime | None:
    """An ISO 8601 instant with an offset, or None."""
    try:
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return value if value.tzinfo is not None else None


class BookingForm(forms.Form):
    start = forms.CharField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Your name"), max_length=200)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    phone = forms.CharField(label=_("Phone (optional)"), max_length=40, required=False)
    question = forms.CharField(
        label=_("What would you like to discuss?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_start(self):
        raw = self.cleaned_data.get("start", "")
        if not raw:
            raise forms.ValidationError(_("Choose a time for the session."))
        value = parse_instant(raw)
        if value is None:
            raise forms.ValidationError(_("Choose one of the times shown."))
        return value


class RescheduleForm(forms.Form):
    start = forms.CharField()

    def clean_start(self):
        value = parse_instant(self.cleaned_data["start"])
        if value is None:
            raise forms.ValidationError(_("Choose one of the times shown."))
        return value


class LengthsField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        try:
            lengths = [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(_("Give the lengths as whole minutes, separated by commas: 30, 60."))
        if not lengths or any(v < 15 or v > 240 for v in lengths):
            raise forms.ValidationError(_("Give one or more session lengths between 15 and 240 minutes."))
        return sorted(set(lengths))

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value


class ProfileForm(forms.ModelForm):
    session_lengths = LengthsField(label=_("Session lengths (minutes)"), help_text=_("For example: 30, 60"))
    video_url = forms.URLField(label=_("Video-meeting link"), required=False, assume_scheme="https")
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=lambda: [(z, z) for z in sorted(available_timezones())])

    class Meta:
        model = AdvisorProfile
        fields = [
            "bookable",
            "time_zone",
            "session_lengths",
            "slot_interval",
            "buffer_before",
            "buffer_after",
            "min_notice_hours",
            "horizon_days",
            "max_per_day",
            "video_url",
            "location",
        ]


class WindowForm(forms.ModelForm):
    class Meta:
        model = WeeklyWindow
        fields = ["weekday", "start", "end"]
        widgets = {"start": forms.TimeInput(attrs={"type": "time"}), "end": forms.TimeInput(attrs={"type": "time"})}


class ExceptionForm(forms.ModelForm):
    class Meta:
        model = AvailabilityException
        fields = ["date", "kind", "start", "end", "note"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "start": forms.TimeInput(attrs={"type": "time"}),
            "end": forms.TimeInput(attrs={"type": "time"}),
        }
