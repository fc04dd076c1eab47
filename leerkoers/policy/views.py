"""The policy document's pages: its sections and exports, the versions, a comparison."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leerkoers.jobs.models import Job
from leerkoers.lib.forms import call_service
from leerkoers.orgs.access import LEADERSHIP, STEERING, org_view
from leerkoers.policy import compare as comparing
from leerkoers.policy import sections as s
from leerkoers.policy.document import SectionLayout
from leerkoers.policy.models import Format, Language, PolicyExport
from leerkoers.policy.selectors import file_response, version_changes, versions
from leerkoers.policy.services import EXPORT_JOB, layout_for, policy_export_start, policy_layout_update


def _index(access):
    return redirect("policy:index", org_slug=access.organization.slug)


@org_view(LEADERSHIP)
def index(request, access):
    job = access.filter(Job, kind=EXPORT_JOB).order_by("-created").first()
    layout = layout_for(access.organization)
    return render(
        request,
        "policy/index.html",
        {
            "access": access,
            "job": job,
            "layout": [(position, item, s.TITLES[item.key]) for position, item in enumerate(layout, start=1)],
            "versions": versions(access.organization),
            "formats": Format.choices,
            "languages": Language.choices,
            "current_language": (translation.get_language() or "nl")[:2],
        },
    )


@org_view(STEERING)
@require_POST
def layout_update(request, access):
    items = []
    for key in s.ORDER:
        try:
            position = int(request.POST.get(f"{key}-position", ""))
        except ValueError:
            messages.error(request, _("Give every section a position number."))
            return _index(access)
        items.append((position, s.ORDER.index(key), SectionLayout(
            key, request.POST.get(f"{key}-enabled") == "on",
            request.POST.get(f"{key}-intro", "").strip(), request.POST.get(f"{key}-closing", "").strip(),
        )))  # fmt: skip
    if call_service(
        request,
        policy_layout_update,
        organization=access.organization,
        actor=request.user,
        layout=[item for _p, _i, item in sorted(items, key=lambda x: x[:2])],
    ):
        messages.success(request, _("The sections of the document are saved."))
    return _index(access)


@org_view(LEADERSHIP)
@require_POST
def export_start(request, access):
    call_service(
        request,
        policy_export_start,
        organization=access.organization,
        actor=request.user,
        format=request.POST.get("format", ""),
        language=request.POST.get("language", ""),
    )
    return _index(access)


@org_view(LEADERSHIP)
def download(request, access, policy_export_id):
    export = access.get(PolicyExport, public_id=policy_export_id)
    return file_response(export)


@org_view(LEADERSHIP)
def compare(request, access):
    listed = versions(access.organization)
    chosen = {key: request.GET.get(key, "") for key in ("from", "to")}
    older = newer = None
    found: list[comparing.Change] = []
    if chosen["from"] and chosen["to"]:
        older, newer, found = version_changes(
            access.get(PolicyExport, public_id=chosen["from"]), access.get(PolicyExport, public_id=chosen["to"])
        )
    return render(
        request,
        "policy/compare.html",
        {"access": access, "versions": listed, "older": older, "newer": newer, "changes": found, "chosen": chosen},
    )
