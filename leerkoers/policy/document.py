"""The whole policy document: every section built, then laid out as the organisation chose
(order, switched off, own texts), with the summary and the appendix made from the rest."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from leerkoers.lib import formatting
from leerkoers.policy import sections as s
from leerkoers.policy.content import Document, Paragraph, Section


@dataclass(frozen=True)
class SectionLayout:
    key: str
    enabled: bool = True
    intro: str = ""
    closing: str = ""


def default_layout() -> list[SectionLayout]:
    return [SectionLayout(key) for key in s.ORDER]


def _paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph(part.strip()) for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def _with_texts(section: Section, layout: SectionLayout) -> Section:
    section.blocks = _paragraphs(layout.intro) + section.blocks + _paragraphs(layout.closing)
    return section


def build(
    organization,
    *,
    language: str,
    layout: list[SectionLayout] | None = None,
    only: set[str] | None = None,
    today: datetime.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Document:
    """The document of `organization` in `language`: the sections of `layout` that are
    switched on (and in `only`, when given), in its order. Every step's section is built
    whether or not it is shown, because the summary draws on all of them."""
    layout = layout or default_layout()
    today = today or timezone.localdate()
    total = len(s.STEP_BUILDERS) + 1
    with translation.override(language):
        built: dict[str, Section] = {}
        reads = s.Reads(organization)
        for done, builder in enumerate(s.STEP_BUILDERS):
            if progress:
                progress(done, total)
            built[builder.key] = builder(organization, today, reads)
        built[s.SUMMARY] = s.summary(built, today)
        chosen = [item for item in layout if item.enabled and (only is None or item.key in only)]
        included = [_with_texts(built[item.key], item) for item in chosen if item.key != s.DEFINITIONS]
        ordered = []
        for item in chosen:
            if item.key == s.DEFINITIONS:
                ordered.append(_with_texts(s.definitions(included, today), item))
            else:
                ordered.append(next(section for section in included if section.key == item.key))
        if progress:
            progress(total, total)
        return Document(
            title=_("Learning policy plan"),
            organization=organization.name,
            date=today,
            date_text=formatting.date(today, "long"),
            language=language,
            sections=ordered,
            contents_title=_("Contents"),
        )
