"""An evaluation form behind its link, without an account: a personal link works once, the
shared link once per browser (a signed cookie)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from leerkoers.lib.forms import add_service_errors
from leerkoers.pilots.forms import ResponseForm
from leerkoers.pilots.models import EvaluationForm
from leerkoers.pilots.services import evaluation_form_questions, evaluation_response_submit, link_resolve
from leerkoers.ratelimit.limiter import retry_after

COOKIE_AGE = 365 * 24 * 3600


def _cookie(form: EvaluationForm) -> str:
    return f"pf-{form.public_id.hex[:12]}"


def _refusal(request, form, invitation, context):
    """The page for a closed form, a used personal link or a second answer through the
    shared link (this browser's cookie); None when the form may be answered."""
    if not form.is_open:
        message, status = _("This form is closed."), 410
    elif invitation is not None and invitation.used:
        message, status = _("This personal link has already been used. Thank you!"), 410
    elif invitation is None and request.get_signed_cookie(_cookie(form), default=None, salt="pilot-form"):
        message, status = _("You have already answered this form. Thank you!"), 200
    else:
        return None
    return render(request, "pilots/respond_done.html", {**context, "message": message}, status=status)


def respond(request, token: str):
    link = link_resolve(token)
    if link is None:
        raise Http404
    form, invitation = link.form, link.invitation
    context = {"form_row": form, "pilot": form.pilot}
    refused = _refusal(request, form, invitation, context)
    if refused is not None:
        return refused
    questions = evaluation_form_questions(form)
    answers = ResponseForm(request.POST or None, questions=questions)
    if request.method == "POST":
        wait = retry_after(request, "pilot-form", limit="SCAN_LINK_RATE_LIMIT", window="SCAN_LINK_RATE_WINDOW")
        if wait is not None:
            response = render(request, "scan/rate_limited.html", {"wait": wait}, status=429)
            response["Retry-After"] = str(wait)
            return response
        if answers.is_valid():
            try:
                evaluation_response_submit(form=form, answers=answers.cleaned_data, invitation=invitation)
            except ValidationError as exc:
                add_service_errors(answers, exc)
            else:
                context["message"] = _("Thank you! Your answers are stored without your name.")
                response = render(request, "pilots/respond_done.html", context)
                if invitation is None:
                    response.set_signed_cookie(_cookie(form), "1", salt="pilot-form", max_age=COOKIE_AGE, httponly=True)
                return response
    return render(request, "pilots/respond.html", {**context, "form": answers})
