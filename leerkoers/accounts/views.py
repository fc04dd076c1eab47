from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leerkoers.accounts.forms import LoginForm, RegisterForm
from leerkoers.accounts.models import User
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
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request, "")})


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("You have been signed out."))
    return redirect("accounts:login")


def invitation(request, token):
    """Accept an invitation: sign in (or create the account), then become a member."""
    found = invitation_find(token)
    if found is None or not found.is_usable():
        return render(request, "accounts/invitation_invalid.html", status=410 if found else 404)
    user = request.user if request.user.is_authenticated else None
    if user is not None and user.email != found.email:
        return render(request, "accounts/invitation_other_account.html", {"invitation": found}, status=403)
    existing = User.objects.filter(email=found.email).first()
    if user is None and existing is not None:
        messages.info(request, _("You already have an account: sign in to accept the invitation."))
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    form = None
    if request.method == "POST":
        if user is None:
            form = RegisterForm(request.POST, email=found.email)
            if form.is_valid():
                try:
                    with transaction.atomic():
                        user = User.objects.create_user(
                            email=found.email,
                            password=form.cleaned_data["password1"],
                            full_name=form.cleaned_data["full_name"],
                        )
                except IntegrityError:
                    form.add_error(None, _("An account with this e-mail address already exists: sign in instead."))
                    user = None
        if user is not None:
            try:
                membership = invitation_accept(invitation=found, user=user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("landing")
            if not request.user.is_authenticated:
                login(request, user, backend="leerkoers.accounts.backends.EmailLockoutBackend")
            messages.success(request, _("Welcome to %(org)s.") % {"org": membership.organization.name})
            return redirect("orgs:home", org_slug=membership.organization.slug)
    elif user is None:
        form = RegisterForm(email=found.email)
    return render(request, "accounts/invitation.html", {"invitation": found, "form": form})
