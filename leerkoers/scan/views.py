"""Scan rounds inside an organisation: open, links, live counts, close, results, exports.

Every figure of a round comes from leerkoers.scan.results, where the anonymity threshold
is applied; these views only lay it out.
"""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leerkoers.jobs.invitations import invitations_job, invitations_start
from leerkoers.lib.forms import call_service, show_refusal
from leerkoers.orgs.access import EVERYONE, LEADERSHIP, STEERING, org_view
from leerkoers.scan import pdf, results, scoring
from leerkoers.scan.models import Layer, ScanRound
from leerkoers.scan.services import PERSONAL_LINKS, link_url, round_close, round_open


def _lang() -> str:
    return "en" if (translation.get_language() or "nl").startswith("en") else "nl"


def _heat(score: int | None) -> str:
    """A CSS class for a heatmap cell: five bands of 20 points."""
    return "heat-none" if score is None else f"heat-{min(4, score // 20)}"


@org_view(EVERYONE)
def index(request, access):
    rounds = list(access.filter(ScanRound))
    counts = {r.pk: results.round_total(r) for r in rounds}
    trend = results.trend(access.organization, _lang()) if access.role in LEADERSHIP else []
    return render(
        request,
        "scan/index.html",
        {
            "access": access,
            "rounds": [(r, counts[r.pk]) for r in rounds],
            "trend": trend,
            "trend_chart": {
                "labels": [p["round"].title for p in trend],
                "scores": [p["overall"].overall for p in trend],
                "label": _("Overall score"),
            },
            "can_see_results": access.role in LEADERSHIP,
        },
    )


@org_view(STEERING)
@require_POST
def round_create(request, access):
    try:
        scan_round = round_open(
            organization=access.organization, title=request.POST.get("title", ""), actor=request.user
        )
    except ValidationError as exc:
        show_refusal(request, exc)
        return redirect("scan:index", org_slug=access.organization.slug)
    messages.success(request, _("Round opened. Share the links below with each layer."))
    return redirect("scan:round", org_slug=access.organization.slug, scan_round_id=scan_round.public_id)


def _results_context(scan_round) -> dict:
    """What a closed round's page shows: the results, the heatmap, the chart, the benchmark."""
    result = results.round_results(scan_round, _lang())
    groups = [result.overall] + result.layers
    benchmark = results.benchmark(scan_round, _lang())
    return {
        "result": result,
        "groups": groups,
        "heatmap": [
            (
                d,
                [
                    (
                        g,
                        g.dimensions.get(d.id),
                        _heat(g.dimensions.get(d.id)),
                        g.intervals.get(d.id),
                        g.cell_reasons.get(d.id),
                        g.dont_know.get(d.id),
                    )
                    for g in groups
                ],
            )
            for d in result.dimensions
        ],
        "has_complementary_cells": any("complementary" in g.cell_reasons.values() for g in groups),
        "chart": {
            "labels": [d.name for d in result.dimensions],
            "series": [
                {"label": g.label, "scores": [g.dimensions.get(d.id) for d in result.dimensions]}
                for g in groups
                if g.shown
            ],
        },
        "level_label": scoring.LEVEL_LABELS.get(result.overall.level or ""),
        "benchmark": benchmark,
        "benchmark_rows": [
            (
                d.name,
                result.overall.dimensions.get(d.id) if result.overall.shown else None,
                benchmark.get("dimensions", {}).get(d.id),
            )
            for d in result.dimensions
        ],
    }


@org_view(LEADERSHIP)
def round_detail(request, access, scan_round_id):
    scan_round = access.get(ScanRound, public_id=scan_round_id)
    context = {"access": access, "round": scan_round, "counts": _counts(scan_round)}
    if access.is_admin:
        context["invite_job"] = invitations_job(PERSONAL_LINKS, scan_round)
        context["links"] = [(link.get_layer_display(), link_url(link.token)) for link in scan_round.links.all()]
    if not scan_round.is_open:
        context.update(_results_context(scan_round))
    return render(request, "scan/round.html", context)


def _counts(scan_round) -> dict:
    counts = results.round_counts(scan_round)
    return {"layers": [(label, counts[key]) for key, label in Layer.choices], "total": counts["total"]}


@org_view(STEERING)
def round_counts(request, access, scan_round_id):
    """The live counts fragment (htmx polls it while the round is open)."""
    scan_round = access.get(ScanRound, public_id=scan_round_id)
    return render(request, "scan/_counts.html", {"access": access, "round": scan_round, "counts": _counts(scan_round)})


@org_view(STEERING)
@require_POST
def round_close_view(request, access, scan_round_id):
    scan_round = access.get(ScanRound, public_id=scan_round_id)
    if call_service(request, round_close, scan_round=scan_round, actor=request.user):
        messages.success(request, _("Round closed. The results are below."))
    return redirect("scan:round", org_slug=access.organization.slug, scan_round_id=scan_round.public_id)


@org_view(STEERING)
@require_POST
def round_invite(request, access, scan_round_id):
    """Start e-mailing personal links in the background; the round page shows the progress."""
    scan_round = access.get(ScanRound, public_id=scan_round_id)
    call_service(
        request,
        invitations_start,
        links=PERSONAL_LINKS,
        round_=scan_round,
        actor=request.user,
        language=translation.get_language() or "nl",
    )
    return redirect("scan:round", org_slug=access.organization.slug, scan_round_id=scan_round.public_id)


def _closed_results(access, scan_round_id):
    scan_round = access.get(ScanRound, public_id=scan_round_id)
    if scan_round.is_open:
        raise PermissionDenied
    return results.round_results(scan_round, _lang())


@org_view(LEADERSHIP)
def round_export(request, access, scan_round_id):
    """CSV of the thresholded results: one row per group and dimension."""
    result = _closed_results(access, scan_round_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="scan-{result.round.public_id}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            _("group"),
            _("respondents"),
            _("dimension"),
            _("score"),
            _("95% interval low"),
            _("95% interval high"),
            _("share “don't know”"),
            _("note"),
        ]
    )
    for group in [result.overall] + result.layers:
        for d in result.dimensions:
            score = group.dimensions.get(d.id) if group.shown else None
            interval = group.intervals.get(d.id) or ("", "")
            share = group.dont_know.get(d.id)
            note = group.reason or _cell_note(group.cell_reasons.get(d.id), result.threshold)
            writer.writerow(
                [group.label, str(group.respondents), d.name, _blank(score), *interval, _percent(share), note]
            )
        interval = group.overall_interval or ("", "")
        note = group.reason or (group.level_text if group.shown else "")
        writer.writerow([group.label, str(group.respondents), _("Overall"), _blank(group.overall), *interval, "", note])
    return response


def _blank(value) -> str:
    return "" if value is None else str(value)


def _percent(share) -> str:
    return "" if share is None else f"{round(share * 100)}%"


def _cell_note(reason: str | None, minimum: int) -> str:
    if reason == "few":
        return _("fewer than %(n)s answered this dimension") % {"n": minimum}
    if reason == "complementary":
        return _("not shown, so that a smaller cell cannot be worked out")
    return ""


@org_view(LEADERSHIP)
def round_report(request, access, scan_round_id):
    result = _closed_results(access, scan_round_id)
    content = pdf.round_report(result, organization_name=access.organization.name)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="scan-{result.round.public_id}.pdf"'
    return response
