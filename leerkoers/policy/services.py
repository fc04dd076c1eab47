"""Workflows of the policy document: the layout of its sections, and exports (a background
task with progress, or at once from the command line), each kept as a version."""

from collections.abc import Callable
from dataclasses import asdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from leerkoers.audit.services import audit_record
from leerkoers.jobs.services import job_create
from leerkoers.orgs.models import Organization
from leerkoers.policy import render_docx, render_pdf
from leerkoers.policy import sections as s
from leerkoers.policy.document import SectionLayout, build
from leerkoers.policy.models import Format, Language, PolicyExport, PolicySection

EXPORT_JOB = "policy_export"
RENDERERS = {Format.DOCX: render_docx.render, Format.PDF: render_pdf.render}
FILE_NAMES = {"nl": "leerbeleidsplan", "en": "learning-policy-plan"}


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def layout_for(organization) -> list[SectionLayout]:
    """The organisation's sections in their order; sections without a row follow in the
    default order, switched on."""
    rows = {row.key: row for row in PolicySection.objects.filter(organization=organization)}
    ordered = sorted(s.ORDER, key=lambda key: rows[key].position if key in rows else 1000 + s.ORDER.index(key))
    return [
        SectionLayout(key, rows[key].enabled, rows[key].intro, rows[key].closing) if key in rows else SectionLayout(key)
        for key in ordered
    ]


def policy_layout_update(*, organization, actor, layout: list[SectionLayout]) -> list[SectionLayout]:
    """Store the order (as given), the switches and the texts of every section.

    Refuses (ValidationError) a list that is not each section exactly once, or a text over
    the limit; nothing is stored then."""
    keys = [item.key for item in layout]
    if sorted(keys) != sorted(s.ORDER):
        raise ValidationError(_("Give every section of the document exactly once."))
    if not any(item.enabled for item in layout):
        raise ValidationError(_("Keep at least one section in the document."))
    with transaction.atomic():
        existing = {row.key: row for row in PolicySection.objects.select_for_update().filter(organization=organization)}
        for position, item in enumerate(layout):
            row = existing.get(item.key) or PolicySection(organization=organization, key=item.key)
            row.position, row.enabled, row.intro, row.closing = position, item.enabled, item.intro, item.closing
            row.full_clean()
            row.save()
        audit_record(
            organization=organization,
            actor=actor,
            action="policy.layout_update",
            summary=_("Sections of the policy document: %(keys)s")
            % {"keys": ", ".join(item.key for item in layout if item.enabled)},
        )
    return layout_for(organization)


def _validate_request(format: str, language: str, sections: list[str] | None) -> None:
    errors = {}
    if format not in Format.values:
        errors["format"] = _("Choose DOCX or PDF.")
    if language not in Language.values:
        errors["language"] = _("Choose Dutch or English.")
    if sections is not None:
        unknown = sorted(set(sections) - set(s.ORDER))
        if unknown:
            errors["sections"] = _("Unknown sections: %(keys)s.") % {"keys": ", ".join(unknown)}
        elif not sections:
            errors["sections"] = _("Choose at least one section.")
    if errors:
        raise ValidationError(errors)


def policy_export_create(
    *,
    organization,
    actor,
    format: str,
    language: str,
    sections: list[str] | None = None,
    progress: Callable[..., None] | None = None,
) -> PolicyExport:
    """Build the document now, render it in `format` and keep it as the next version, with
    its figures. `sections` narrows the organisation's layout to those keys.

    Refuses (ValidationError) an unknown format, language or section."""
    _validate_request(format, language, sections)
    total = len(s.STEP_BUILDERS) + 3

    def step(done, _total=None):
        if progress:
            progress(done, total)

    document = build(
        organization, language=language, layout=layout_for(organization), only=set(sections) if sections else None,
        progress=step,
    )  # fmt: skip
    step(total - 1)
    with translation.override(language):
        content = RENDERERS[format](document)
    step(total)
    stamp = document.date.isoformat()
    with transaction.atomic():
        # Numbering reads then writes, so two exports of one organisation at once must not
        # both read the same highest number: the organisation's row is locked (PostgreSQL;
        # SQLite's transactions are IMMEDIATE and so serialised already).
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        number = (PolicyExport.objects.filter(organization=organization).aggregate(n=Max("number"))["n"] or 0) + 1
        export = PolicyExport(
            organization=organization,
            number=number,
            format=format,
            language=language,
            created_by=_user(actor),
            as_of=document.date,
            filename=f"{slugify(organization.name) or 'leerkoers'}-{FILE_NAMES[language]}-v{number}-{stamp}.{format}",
            content=content,
            size=len(content),
            sections=[{"key": x.key, "title": x.title, "has_data": x.has_data} for x in document.sections],
            figures=[asdict(figure) for figure in document.figures],
        )
        export.full_clean(exclude=["content"])
        export.save()
        audit_record(
            organization=organization,
            actor=actor,
            action="policy.export",
            target=export,
            summary=f"v{number} {format} {language}",
        )
    return export


def policy_export_start(*, organization, actor, format: str, language: str, sections: list[str] | None = None):
    """Queue an export as a background task; returns its job. Refuses (ValidationError) an
    unknown format, language or section before anything is queued."""
    from leerkoers.policy.tasks import export_task

    _validate_request(format, language, sections)
    with transaction.atomic():
        job = job_create(
            organization=organization,
            kind=EXPORT_JOB,
            title=_("Policy document (%(format)s, %(language)s)")
            % {"format": Format(format).label, "language": Language(language).label},
            created_by=_user(actor),
            total=len(s.STEP_BUILDERS) + 3,
        )
        actor_id = actor.pk if _user(actor) else None
        token_id = None if _user(actor) or actor is None else actor.pk
        transaction.on_commit(
            lambda: export_task.enqueue(str(job.pk), organization.pk, actor_id, token_id, format, language, sections)
        )
    return job
