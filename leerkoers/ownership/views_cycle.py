"""Step 4 pages of the HR cycle: the calendar of conversations, one conversation with its
learning agenda, onboarding, and the calendar file and address of your conversations."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leerkoers.lib.forms import show_refusal
from leerkoers.orgs.access import EVERYONE, MANAGING, MEMBERS, org_view
from leerkoers.orgs.models import Membership, Team
from leerkoers.ownership import cycle, selectors, services
from leerkoers.ownership.models import CalendarFeed, ConversationKind
from leerkoers.ownership.teams import TeamTree
from leerkoers.ownership.views import _date
from leerkoers.ownership.visibility import conversation_for, plannable_members


@org_view(read=EVERYONE, write=MANAGING)
def calendar(request, access):
    tree = TeamTree.of(access.organization)
    if request.method == "POST":
        _plan(request, access, tree)
        return redirect("ownership:cycle", org_slug=access.organization.slug)
    team_id = request.GET.get("team")
    return render(
        request,
        "ownership/cycle.html",
        {
            "access": access,
            **selectors.cycle_calendar(access, tree, team_id),
            "teams": access.filter(Team).order_by("name"),
            "team_id": team_id,
            "kinds": ConversationKind.choices,
            "members": plannable_members(access, tree) if access.role in MANAGING else [],
            "today": timezone.localdate(),
        },
    )


def _plan(request, access, tree) -> None:
    """Plan the conversation the calendar's form asks for (a refusal becomes a message)."""
    member = _member(access, tree, request.POST.get("member"))
    try:
        services.conversation_plan(
            organization=access.organization,
            member=member,
            kind=request.POST.get("kind", ""),
            planned_on=_date(request.POST.get("planned_on")),
            actor=request.user,
        )
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Conversation planned."))


def _member(access, tree, value) -> Membership:
    if not value or not str(value).isdigit():
        raise Http404
    member = access.get(Membership, pk=value)
    if not plannable_members(access, tree).filter(pk=member.pk).exists():
        raise PermissionDenied
    return member


@org_view(MANAGING)
@require_POST
def onboarding(request, access):
    member = _member(access, TeamTree.of(access.organization), request.POST.get("member"))
    try:
        services.onboarding_start(member=member, start=_date(request.POST.get("start")), actor=request.user)
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Onboarding planned: three conversations and a starter POP."))
    return redirect("ownership:cycle", org_slug=access.organization.slug)


@org_view(read=EVERYONE, write=MANAGING)
def conversation_detail(request, access, conversation_id):
    conversation = conversation_for(access, conversation_id, write=request.method == "POST")
    if request.method == "POST":
        _hold(request, conversation)
        return redirect("ownership:conversation", org_slug=access.organization.slug, conversation_id=conversation_id)
    return render(
        request,
        "ownership/conversation.html",
        {
            "access": access,
            "conversation": conversation,
            "prompts": cycle.PROMPTS[conversation.kind],
            **selectors.conversation_agenda(access, conversation),
            "today": timezone.localdate(),
        },
    )


def _hold(request, conversation) -> None:
    """Record the conversation as held, with its follow-up (a refusal becomes a message)."""
    try:
        services.conversation_hold(
            conversation=conversation,
            held_on=_date(request.POST.get("held_on")),
            follow_up=request.POST.get("follow_up", ""),
            actor=request.user,
        )
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Conversation saved."))


@org_view(EVERYONE)
def calendar_file(request, access):
    """Your coming conversations (as manager or member) as an iCalendar file to import."""
    response = ics_response(access)
    response["Content-Disposition"] = 'attachment; filename="conversations.ics"'
    return response


def ics_response(access) -> HttpResponse:
    """The caller's coming conversations as an iCalendar response (the file and the feed)."""
    events = [
        (
            f"{c.public_id}@leerkoers",
            c.planned_on,
            f"{c.get_kind_display()}: {c.member.user.full_name or c.member.user.email}",
        )
        for c in selectors.coming_conversations(access)
    ]
    body = cycle.ics(events, name=_("Conversations"), stamp=datetime.datetime.now(datetime.UTC))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@org_view(MEMBERS)
def calendar_feed(request, access):
    """Your secret calendar address: make one (or a new one, which stops the old), or stop it.
    The address is shown once, on the answer to making it."""
    address = None
    if request.method == "POST" and request.POST.get("action") == "stop":
        services.calendar_feed_stop(membership=access.membership, actor=request.user)
        messages.success(request, _("Your calendar address no longer works."))
        return redirect("ownership:calendar_feed", org_slug=access.organization.slug)
    if request.method == "POST":
        token = services.calendar_feed_renew(
            membership=access.membership, language=translation.get_language(), actor=request.user
        )
        address = request.build_absolute_uri(reverse("ownership_public:feed", kwargs={"token": token}))
    active = CalendarFeed.objects.filter(membership=access.membership).exists()
    return render(request, "ownership/calendar_feed.html", {"access": access, "address": address, "active": active})
