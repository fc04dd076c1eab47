from django import forms
from django.utils.translation import gettext_lazy as _


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("json", _("JSON (complete, can be restored)")), ("xlsx", _("XLSX (a sheet per table, to read)"))],
        initial="json",
    )


class DeletionForm(forms.Form):
    confirmation = forms.CharField(label=_("Type the organisation's short name to confirm"), max_length=60, strip=True)
