"""Public pages: the anonymous scan, a round's respondent page (private link), results and PDF."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from leerkoers.orgs.models import Sector, SizeBand
from leerkoers.ratelimit.limiter import retry_after
from leerkoers.scan import forms, instrument, pdf, scoring
from leerkoers.scan.api import response_payload
from leerkoers.scan.models import ScanResponse
from leerkoers.scan.services import link_resolve, response_submit, start_issue, start_read, target_check


def _lang() -> str:
    return "en" if (translation.get_language() or "nl").startswith("en") else "nl"


def _kept_start(request) -> str | None:
    """The start posted with a form shown again (with errors): answering time keeps counting."""
    token = request.POST.get("started", "")
    return token if start_read(token)[0] is not None else None


def questionnaire_context(version: int, *, raw=None, missing=(), errors=(), profile=None, started=None) -> dict:
    lang = _lang()
    definition = instrument.definition(version)
    raw = raw or {}
    groups = []
    for d in definition["dimensions"]:
        groups.append(
            {
                "id": d["id"],
                "name": instrument.text(d["name"], lang),
                "intro": instrument.text(d["intro"], lang),
                "items": [
                    {
                        "id": i["id"],
                        "text": instrument.text(i["text"], lang),
                        "value": raw.get(i["id"], ""),
                        "missing": i["id"] in missing,
                    }
                    for i in d["items"]
                ],
            }
        )
    scale = [(str(n), label) for n, label in enumerate(definition["scale"][lang], start=1)]
    return {
        "version": version,
        "title": instrument.text(definition["title"], lang),
        "groups": groups,
        "scale": scale,
        "dont_know": forms.DONT_KNOW,
        "steps": len(groups) + (1 if profile is not None else 0),
        "errors": errors,
        "missing": bool(missing),
        "started": started or start_issue(),
        "profile": profile,
        "sectors": Sector.choices,
        "size_bands": SizeBand.choices,
    }


def _rate_limited(request, scope: str, limit: str, window: str) -> HttpResponse | None:
    """The 429 page once this client has posted too many answers to `scope`, else None."""
    wait = retry_after(request, scope, limit=limit, window=window)
    if wait is None:
        return None
    response = render(request, "scan/rate_limited.html", {"wait": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response


def _link_closed(request, exc: ValidationError) -> HttpResponse:
    return render(request, "scan/link_closed.html", {"message": " ".join(exc.messages)}, status=410)


def _with_missing(missing, errors) -> list:
    """The errors to show above the questionnaire, the unanswered statements first."""
    return ([_("Answer every statement, or choose “I don't know”.")] if missing else []) + list(errors)


def scan(request):
    """The public scan: one question group per screen on a phone (scan.js), result at once."""
    version = instrument.current_version()
    if request.method != "POST":
        context = questionnaire_context(version, profile={"sector": "", "size_band": ""})
        return render(request, "scan/scan.html", context)
    if limited := _rate_limited(request, "scan", "SCAN_RATE_LIMIT", "SCAN_RATE_WINDOW"):
        return limited
    answers, missing, raw = forms.read_answers(request.POST, version)
    sector, size_band, errors = forms.read_profile(request.POST)
    if not missing and not errors:
        started = request.POST.get("started", "")
        try:
            response = response_submit(answers=answers, sector=sector, size_band=size_band, started=started)
        except ValidationError as exc:
            errors = exc.messages
        else:
            return redirect("scan_public:result", response_id=response.public_id)
    context = questionnaire_context(
        version,
        raw=raw,
        missing=missing,
        errors=_with_missing(missing, errors),
        profile={"sector": sector, "size_band": size_band},
        started=_kept_start(request),
    )
    return render(request, "scan/scan.html", context, status=422)


def respond(request, token: str):
    """A round's respondent page, reached through a layer link or a personal link."""
    target = link_resolve(token, cached=request.method == "POST")
    if target is None:
        raise Http404
    try:
        target_check(target)
    except ValidationError as exc:
        return _link_closed(request, exc)
    version = target.round.instrument_id
    base = {"round": target.round, "organization": target.round.organization}
    if request.method != "POST":
        return render(request, "scan/scan.html", {**questionnaire_context(version), **base})
    # A personal link answers once anyway; a layer link is shared, so its posts are limited.
    if not target.invitation and (
        limited := _rate_limited(request, "scan-link", "SCAN_LINK_RATE_LIMIT", "SCAN_LINK_RATE_WINDOW")
    ):
        return limited
    answers, missing, raw = forms.read_answers(request.POST, version)
    errors = []
    if not missing:
        try:
            response = response_submit(answers=answers, target=target, started=request.POST.get("started", ""))
        except ValidationError as exc:
            if getattr(exc, "code", None) in ("closed", "used"):
                return _link_closed(request, exc)
            errors = exc.messages
        else:
            return redirect("scan_public:result", response_id=response.public_id)
    errors = _with_missing(missing, errors)
    context = questionnaire_context(version, raw=raw, missing=missing, errors=errors, started=_kept_start(request))
    return render(request, "scan/scan.html", {**context, **base}, status=422)


def _response(response_id) -> ScanResponse:
    return get_object_or_404(
        ScanResponse.objects.select_related("instrument", "round__organization"), public_id=response_id
    )


def result(request, response_id):
    response = _response(response_id)
    lang = _lang()
    payload = response_payload(response, lang)
    names = {d["id"]: d["name"] for d in payload["dimensions"]}
    return render(
        request,
        "scan/result.html",
        {
            "response": response,
            "result": payload,
            "level_description": scoring.LEVEL_DESCRIPTIONS.get(payload["level"] or "", ""),
            "starting": [names[key] for key in payload["starting_point"]],
            "chart": {
                "labels": [d["name"] for d in payload["dimensions"]],
                "scores": [d["score"] for d in payload["dimensions"]],
                "label": _("Score (0–100)"),
            },
            "levels": [(scoring.LEVEL_LABELS[key], lowest) for lowest, key in reversed(scoring.LEVEL_THRESHOLDS)],
            "booking_url": f"/sessie/?scan={response.public_id}",
            "contact_email": settings.CONTACT_EMAIL,
        },
    )


def report(request, response_id):
    response = _response(response_id)
    payload = response_payload(response, _lang())
    content = pdf.response_report(payload, title=instrument.text(response.instrument.definition["title"], _lang()))
    http = HttpResponse(content, content_type="application/pdf")
    http["Content-Disposition"] = f'attachment; filename="leerkoers-scan-{response.public_id}.pdf"'
    return http
