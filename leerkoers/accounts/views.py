import math

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from leerkoers.accounts import throttling
from leerkoers.accounts.forms import LoginForm, RegisterForm, ThrottledPasswordResetForm
from leerkoers.accounts.models import User
from leerkoers.accounts.services import user_register
from leerkoers.lib.forms import show_refusal
from leerkoers.orgs.services import invitation_accept, invitation_find


def _next_url(request, default="landing"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def login_view(request):
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_next_url(request))
    form = LoginForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user, backend="leerkoers.accounts.backends.EmailLockoutBackend")
        return redirect(_next_url(request))
    throttled = form.has_error("__all__", "throttled")
    context = {"form": form, "next": _next_url(request, "")}
    return render(request, "accounts/login.html", context, status=429 if throttled else 200)


_password_reset = auth_views.PasswordResetView.as_view(
    form_class=ThrottledPasswordResetForm,
    template_name="accounts/password_reset.html",
    email_template_name="accounts/email/password_reset.txt",
    subject_template_name="accounts/email/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)


def password_reset(request):
    """Django's reset view, with at most PASSWORD_RESET_CLIENT_LIMIT requests per client address
    (and, in the form, PASSWORD_RESET_ADDRESS_LIMIT e-mails per address) per window."""
    if request.method == "POST":
        wait = throttling.reset_client_wait(request)
        if wait is not None:
            minutes = max(1, math.ceil(wait / 60))
            message = ngettext(
                "Too many requests from your address. Try again in %(minutes)s minute.",
                "Too many requests from your address. Try again in %(minutes)s minutes.",
                minutes,
            ) % {"minutes": minutes}
            form = ThrottledPasswordResetForm()
            return render(request, "accounts/password_reset.html", {"form": form, "refused": message}, status=429)
    return _password_reset(request)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Whoever holds the link proved they own the mailbox: the failed logins counted against
    this client and account end here, so the new password works at once."""

    def form_valid(self, form):
        response = super().form_valid(form)
        throttling.login_succeeded(self.request, form.user.email)
        return response


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("You have been signed out."))
    return redirect("accounts:login")


def _invitation_refused(request, found):
    """The page that refuses an invitation link, or None when the caller may go on with it."""
    if found is None or not found.is_usable():
        return render(request, "accounts/invitation_invalid.html", status=410 if found else 404)
    if request.user.is_authenticated and request.user.email != found.email:
        return render(request, "accounts/invitation_other_account.html", {"invitation": found}, status=403)
    if not request.user.is_authenticated and User.objects.filter(email=found.email).exists():
        messages.info(request, _("You already have an account: sign in to accept the invitation."))
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    return None


def _invitation_accepted(request, found, user):
    """Make `user` a member through the invitation, sign them in, and take them to the organisation."""
    try:
        membership = invitation_accept(invitation=found, user=user)
    except ValidationError as exc:
        show_refusal(request, exc)
        return redirect("landing")
    if not request.user.is_authenticated:
        login(request, user, backend="leerkoers.accounts.backends.EmailLockoutBackend")
    messages.success(request, _("Welcome to %(org)s.") % {"org": membership.organization.name})
    return redirect("orgs:home", org_slug=membership.organization.slug)


def invitation(request, token):
    """Accept an invitation: sign in (or create the account), then become a member."""
    found = invitation_find(token)
    if (refused := _invitation_refused(request, found)) is not None:
        return refused
    if request.user.is_authenticated:
        if request.method == "POST":
            return _invitation_accepted(request, found, request.user)
        return render(request, "accounts/invitation.html", {"invitation": found, "form": None})
    form = RegisterForm(request.POST if request.method == "POST" else None, email=found.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_register(email=found.email, full_name=data["full_name"], password=data["password1"])
        except ValidationError as exc:
            show_refusal(request, exc, form)
        else:
            return _invitation_accepted(request, found, user)
    return render(request, "accounts/invitation.html", {"invitation": found, "form": form})
