import math

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from leerkoers.accounts import throttling
from leerkoers.accounts.models import User


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        email = self.cleaned_data.get("email")
        password = self.cleaned_data.get("password")
        if email and password:
            self.user = authenticate(self.request, email=email, password=password)
            if self.user is None:
                wait = getattr(self.request, "login_retry_after", None)
                if wait is not None:
                    minutes = max(1, math.ceil(wait / 60))
                    raise forms.ValidationError(
                        ngettext(
                            "Too many failed attempts. Try again in %(minutes)s minute, or reset your password.",
                            "Too many failed attempts. Try again in %(minutes)s minutes, or reset your password.",
                            minutes,
                        )
                        % {"minutes": minutes},
                        code="throttled",
                    )
                raise forms.ValidationError(_("The e-mail address or password is not correct."), code="invalid")
        return self.cleaned_data


class RegisterForm(forms.Form):
    """Creates the account of an invited person; the e-mail comes from the invitation."""

    full_name = forms.CharField(label=_("Your name"), max_length=200)
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif p1:
            try:
                password_validation.validate_password(p1, User(email=self.email, full_name=data.get("full_name", "")))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class ThrottledPasswordResetForm(PasswordResetForm):
    """Sends at most PASSWORD_RESET_ADDRESS_LIMIT e-mails to one address per window. Over the
    limit nothing is sent and the answer stays the same, so it tells nothing about the address."""

    def save(self, *args, **kwargs):
        if throttling.reset_mail_allowed(self.cleaned_data["email"]):
            super().save(*args, **kwargs)
