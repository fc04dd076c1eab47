"""The participant's pages, reached through a personal or layer link: no account needed."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leerkoers.ratelimit.limiter import retry_after
from leerkoers.vision import results, selectors
from leerkoers.vision.models import STATEMENT_MAX_LENGTH, Support, VisionParticipant, VisionVersion, Vote
from leerkoers.vision.services import (
    answers_save,
    endorsement_submit,
    participant_resolve,
    participant_start,
    rating_submit,
    start_resolve,
    statement_propose,
)


def _closed(request, message: str):
    return render(request, "vision/link_closed.html", {"message": message}, status=410)


def start(request, token: str):
    """The landing page of a link. Taking part is a POST, so that an e-mail scanner opening
    a personal link does not use it up."""
    found = start_resolve(token)
    if found is None:
        raise Http404
    vision_round, layer, invitation = found
    if not vision_round.is_open:
        return _closed(request, _("This vision round is closed."))
    if invitation is not None and invitation.used:
        return _closed(request, _("This personal link has already been used."))
    if request.method == "POST":
        if invitation is None:
            wait = retry_after(request, "vision-link", limit="SCAN_LINK_RATE_LIMIT", window="SCAN_LINK_RATE_WINDOW")
            if wait is not None:
                response = render(request, "scan/rate_limited.html", {"wait": wait}, status=429)
                response["Retry-After"] = str(wait)
                return response
        try:
            raw = participant_start(vision_round=vision_round, layer=layer, invitation=invitation)
        except ValidationError as exc:
            return _closed(request, " ".join(exc.messages))
        return redirect("vision_public:participate", token=raw)
    return render(request, "vision/start.html", {"round": vision_round, "personal": invitation is not None})


def _participant(token: str):
    participant = participant_resolve(token)
    if participant is None:
        raise Http404
    return participant


def participate(request, token: str):
    """Rate the next statement; after rating, see how every layer rated it so far."""
    return _page(request, _participant(token), token)


def _page(request, participant, token: str, errors=(), status: int = 200, text: str = ""):
    vision_round = participant.round
    queue = selectors.rating_queue(participant) if vision_round.is_open else []
    rated = selectors.rated_statements(participant)
    just_rated = None
    if request.GET.get("rated"):
        just_rated = next((s for s in rated if str(s.public_id) == request.GET["rated"]), None)
    shown = results.round_results(vision_round, statements=rated[:20])
    endorsement_version = VisionVersion.objects.filter(round=vision_round, endorsement_open=True).first()
    return render(
        request,
        "vision/participate.html",
        {
            "participant": participant,
            "token": token,
            "round": vision_round,
            "next": queue[0] if queue else None,
            "remaining": len(queue),
            "rated_count": len(rated),
            "just_rated": just_rated,
            "results": shown,
            "layer_labels": dict(results.Layer.choices),
            "votes": [(Vote.AGREE, _("Agree")), (Vote.DISAGREE, _("Disagree")), (Vote.PASS, _("Pass"))],
            "max_length": STATEMENT_MAX_LENGTH,
            "errors": list(errors),
            "text": text,
            "endorsement_version": endorsement_version,
            "support_levels": Support.choices,
        },
        status=status,
    )


def _back_with_errors(request, participant, token, exc: ValidationError, text: str = ""):
    return _page(request, participant, token, exc.messages, 422, text)


@require_POST
def rate(request, token: str):
    try:
        vote = int(request.POST.get("vote", ""))
    except ValueError:
        vote = None
    try:
        rated = rating_submit(token=token, statement_id=request.POST.get("statement", ""), vote=vote)
    except VisionParticipant.DoesNotExist:
        raise Http404 from None
    except ValidationError as exc:
        if getattr(exc, "code", None) == "closed":
            return _closed(request, " ".join(exc.messages))
        return _back_with_errors(request, _participant(token), token, exc)
    url = redirect("vision_public:participate", token=token).url
    return redirect(f"{url}?rated={rated}#just-rated")


@require_POST
def propose(request, token: str):
    participant = _participant(token)
    try:
        statement_propose(vision_round=participant.round, text=request.POST.get("text", ""), participant=participant)
    except ValidationError as exc:
        return _back_with_errors(request, participant, token, exc, request.POST.get("text", ""))
    return redirect(redirect("vision_public:participate", token=token).url + "?proposed=1#propose")


def questions(request, token: str):
    participant = _participant(token)
    vision_round = participant.round
    questions = list(vision_round.questions.all())
    existing = dict(participant.answers.values_list("question_id", "text"))
    errors, saved = [], False
    if request.method == "POST":
        submitted = {q.pk: request.POST.get(f"q{q.pk}", "") for q in questions}
        try:
            answers_save(participant=participant, answers=submitted)
        except ValidationError as exc:
            errors = exc.messages
            existing = submitted
        else:
            return redirect(redirect("vision_public:questions", token=token).url + "?saved=1")
    saved = request.GET.get("saved") == "1"
    return render(
        request,
        "vision/questions.html",
        {
            "round": vision_round,
            "token": token,
            "questions": [(q, existing.get(q.pk, "")) for q in questions],
            "errors": errors,
            "saved": saved,
        },
        status=422 if errors else 200,
    )


@require_POST
def endorse(request, token: str):
    participant = _participant(token)
    try:
        support = int(request.POST.get("support", ""))
    except ValueError:
        support = None
    try:
        endorsement_submit(participant=participant, support=support, comment=request.POST.get("comment", ""))
    except ValidationError as exc:
        return _back_with_errors(request, participant, token, exc)
    return redirect(redirect("vision_public:participate", token=token).url + "?endorsed=1#endorse")
