from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

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
                if getattr(self.request, "login_locked", False):
                    raise forms.ValidationError(
                        _(
                            "Too many failed attempts: this account is locked for a while. Try again later or reset your password."
                        ),
                        code="locked",
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


class ResetPasswordForm(SetPasswordForm):
    """The new password from a reset link. Whoever holds the link proved they own the
    mailbox, so a lockout from earlier failed attempts ends here too."""

    def save(self, commit=True):
        self.user.failed_logins = 0
        self.user.locked_until = None
        return super().save(commit=commit)
