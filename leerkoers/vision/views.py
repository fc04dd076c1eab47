"""Vision rounds inside an organisation: open, invite, moderate, results, the vision text.

Every figure comes from leerkoers.vision.results, where the thresholds are applied.
"""

import datetime
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leerkoers.jobs.invitations import invitations_job, invitations_start
from leerkoers.lib.forms import call_service, show_refusal
from leerkoers.orgs.access import BOARD, EVERYONE, LEADERSHIP, STEERING, org_view
from leerkoers.scan.models import Layer
from leerkoers.vision import consensus, export, pdf, results
from leerkoers.vision.models import Support, VisionApproval, VisionRound, VisionStatement, VisionVersion
from leerkoers.vision.services import (
    DEFAULT_QUESTIONS,
    PERSONAL_LINKS,
    draft_save,
    endorsement_open,
    link_url,
    round_close,
    round_open,
    statement_merge,
    statement_moderate,
    statement_propose,
    version_approve,
)


def _round_redirect(access, vision_round, name="vision:round"):
    return redirect(name, org_slug=access.organization.slug, vision_round_id=vision_round.public_id)


@org_view(EVERYONE)
def index(request, access):
    rounds = list(access.filter(VisionRound).prefetch_related("participants"))
    return render(
        request,
        "vision/index.html",
        {
            "access": access,
            "rounds": rounds,
            "default_questions": [str(q) for q in DEFAULT_QUESTIONS],
            "can_see_results": access.role in LEADERSHIP,
            "default_closes_on": datetime.date.today() + datetime.timedelta(days=21),
        },
    )


def _parse_date(value: str):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@org_view(STEERING)
@require_POST
def round_create(request, access):
    post = request.POST
    try:
        threshold = int(post.get("consensus_threshold", "75")) / 100
        minimum = int(post.get("min_ratings", "5"))
    except ValueError:
        messages.error(request, _("The threshold and the minimum must be whole numbers."))
        return redirect("vision:index", org_slug=access.organization.slug)
    try:
        vision_round = round_open(
            organization=access.organization,
            title=post.get("title", ""),
            closes_on=_parse_date(post.get("closes_on", "")),
            questions=post.getlist("question") if "custom_questions" in post else None,
            extra_questions=post.get("extra_questions", "").splitlines(),
            consensus_threshold=threshold,
            min_ratings=minimum,
            layer_links=post.get("layer_links") == "on",
            actor=request.user,
        )
    except ValidationError as exc:
        show_refusal(request, exc)
        return redirect("vision:index", org_slug=access.organization.slug)
    messages.success(request, _("Round opened. E-mail the personal links to the members when you are ready."))
    return _round_redirect(access, vision_round)


@org_view(LEADERSHIP)
def round_detail(request, access, vision_round_id):
    vision_round = access.get(VisionRound, public_id=vision_round_id)
    figures = results.computed(vision_round)
    opinion = figures.opinion
    context = {
        "access": access,
        "round": vision_round,
        "figures": figures,
        "result": figures.summary,
        "opinion": opinion,
        "scatter": {
            "label": _("Group %(n)s"),
            "groups": [{"number": g.number, "points": g.points} for g in opinion.groups],
        },
        "layer_labels": dict(Layer.choices),
        "versions": list(vision_round.versions.all()),
        "approvals": list(VisionApproval.objects.filter(version__round=vision_round).select_related("version")),
    }
    if access.is_admin:
        context["invite_job"] = invitations_job(PERSONAL_LINKS, vision_round)
        context["links"] = [(link.get_layer_display(), link_url(link.token)) for link in vision_round.layer_links.all()]
        context["invited"] = vision_round.invitations.count()
    return render(request, "vision/round.html", context)


@org_view(STEERING)
@require_POST
def round_invite(request, access, vision_round_id):
    """Start e-mailing personal links in the background; the round page shows the progress."""
    vision_round = access.get(VisionRound, public_id=vision_round_id)
    call_service(
        request,
        invitations_start,
        links=PERSONAL_LINKS,
        round_=vision_round,
        actor=request.user,
        language=translation.get_language() or "nl",
    )
    return _round_redirect(access, vision_round)


@org_view(STEERING)
@require_POST
def round_close_view(request, access, vision_round_id):
    vision_round = access.get(VisionRound, public_id=vision_round_id)
    if call_service(request, round_close, vision_round=vision_round, actor=request.user):
        messages.success(request, _("Round closed. Draft the vision from the statements with broad support."))
    return _round_redirect(access, vision_round)


@org_view(STEERING)
def moderation(request, access, vision_round_id):
    vision_round = access.get(VisionRound, public_id=vision_round_id)
    statements = list(access.filter(VisionStatement, round=vision_round).order_by("-pk"))
    active = {s.pk: s.text for s in statements if s.status in results.ANALYSED}
    by_pk = {s.pk: s for s in statements}
    suggestions = [(by_pk[a], by_pk[b], score) for a, b, score in consensus.near_duplicates(active)[:20]]
    return render(
        request,
        "vision/moderation.html",
        {"access": access, "round": vision_round, "statements": statements, "suggestions": suggestions},
    )


@org_view(STEERING)
@require_POST
def statement_seed(request, access, vision_round_id):
    vision_round = access.get(VisionRound, public_id=vision_round_id)
    if call_service(
        request, statement_propose, vision_round=vision_round, text=request.POST.get("text", ""), actor=request.user
    ):
        messages.success(request, _("Statement added."))
    return _round_redirect(access, vision_round, "vision:moderation")


@org_view(STEERING)
@require_POST
def statement_moderate_view(request, access, vision_statement_id):
    statement = access.get(VisionStatement, public_id=vision_statement_id)
    call_service(
        request, statement_moderate, statement=statement, action=request.POST.get("action", ""), actor=request.user
    )
    return _round_redirect(access, statement.round, "vision:moderation")


@org_view(STEERING)
@require_POST
def statement_merge_view(request, access, vision_statement_id):
    statement = access.get(VisionStatement, public_id=vision_statement_id)
    into = _statement_or_none(access, request.POST.get("into"))
    if call_service(request, statement_merge, statement=statement, into=into, actor=request.user):
        messages.success(request, _("Statements merged."))
    return _round_redirect(access, statement.round, "vision:moderation")


def _statement_or_none(access, public_id, **lookup):
    """The organisation's statement with this UUID, or None — also for a malformed value."""
    try:
        return access.filter(VisionStatement, public_id=uuid.UUID(str(public_id)), **lookup).first()
    except ValueError:
        return None


@org_view(STEERING)
def answers(request, access, vision_round_id):
    vision_round = access.get(VisionRound, public_id=vision_round_id)
    return render(
        request,
        "vision/answers.html",
        {
            "access": access,
            "round": vision_round,
            "groups": results.answers_by_layer(vision_round),
            "themes": results.answer_themes(vision_round),
            "minimum": results.TEXT_MINIMUM,
        },
    )


@org_view(STEERING)
def draft(request, access, vision_round_id):
    """HR drafts the text from the consensus statements and saves it as numbered versions."""
    vision_round = access.get(VisionRound, public_id=vision_round_id)
    if request.method == "POST":
        _draft_post(request, access, vision_round)
        return _round_redirect(access, vision_round, "vision:draft")
    result = results.computed(vision_round).results
    return render(
        request,
        "vision/draft.html",
        {
            "access": access,
            "round": vision_round,
            "consensus": result.consensus,
            "versions": list(vision_round.versions.all()),
        },
    )


def _draft_post(request, access, vision_round) -> None:
    """Save the posted draft: with a statement added ("add"), as a version ("save"), or as it is."""
    add = _statement_or_none(access, request.POST.get("add"), round=vision_round)
    try:
        version = draft_save(
            vision_round=vision_round,
            text=request.POST.get("text", ""),
            add=add,
            as_version=add is None and request.POST.get("save") == "version",
            actor=request.user,
        )
    except ValidationError as exc:
        show_refusal(request, exc)
        return
    if version is not None:
        messages.success(request, _("Saved as version %(n)s.") % {"n": version.number})
    elif add is None:
        messages.success(request, _("Draft saved."))


@org_view(LEADERSHIP)
def version_detail(request, access, vision_version_id):
    version = access.get(VisionVersion, public_id=vision_version_id)
    previous = access.filter(VisionVersion, round=version.round, number__lt=version.number).order_by("-number").first()
    return render(
        request,
        "vision/version.html",
        {
            "access": access,
            "round": version.round,
            "version": version,
            "previous": previous,
            "diff": consensus.text_diff(previous.text, version.text) if previous else None,
            "support": results.support_by_layer(version),
            "approval": version.approvals.select_related("approved_by").first(),
            "can_approve": access.role in BOARD,
            "support_labels": dict(Support.choices),
        },
    )


@org_view(STEERING)
@require_POST
def version_endorse(request, access, vision_version_id):
    version = access.get(VisionVersion, public_id=vision_version_id)
    endorsement_open(version=version, actor=request.user)
    messages.success(request, _("Participants are now asked for their support of this version."))
    return redirect("vision:version", org_slug=access.organization.slug, vision_version_id=version.public_id)


@org_view(BOARD)
@require_POST
def version_approve_view(request, access, vision_version_id):
    version = access.get(VisionVersion, public_id=vision_version_id)
    if call_service(request, version_approve, version=version, actor=request.user):
        messages.success(request, _("Version %(n)s approved on behalf of the board.") % {"n": version.number})
    return redirect("vision:version", org_slug=access.organization.slug, vision_version_id=version.public_id)


@org_view(LEADERSHIP)
def round_export(request, access, vision_round_id):
    """CSV of the anonymised rating matrix: statement × layer counts, thresholds applied."""
    vision_round = access.get(VisionRound, public_id=vision_round_id)
    return export.ratings_response(results.computed(vision_round).results)


@org_view(LEADERSHIP)
def round_report(request, access, vision_round_id):
    """The round's results as a PDF, thresholds applied as on the page."""
    vision_round = access.get(VisionRound, public_id=vision_round_id)
    figures = results.computed(vision_round)
    content = pdf.round_report(figures, organization_name=access.organization.name)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="vision-{vision_round.public_id}.pdf"'
    return response
