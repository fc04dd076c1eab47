"""The demo organisation's document in both formats and both languages, read back with
python-docx and pypdf: headings, tables, charts with alternative text, header, figures."""

import datetime
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from docx import Document as read_docx
from pypdf import PdfReader

from leerkoers.alignment import journey as alignment_journey
from leerkoers.inventory import selectors as inventory_selectors
from leerkoers.lib import formatting
from leerkoers.policy import sections as s
from leerkoers.policy.content import Bullets, Heading
from leerkoers.policy.document import build
from leerkoers.policy.models import PolicyExport
from leerkoers.policy.render_pdf import MARGIN

TITLES = {
    "nl": ["Samenvatting voor het bestuur", "Gereedheid", "Vertrekpunt", "Onze visie op leren", "Routekaart"],
    "en": ["Summary for the board", "Readiness", "Starting point", "Our vision on learning", "Roadmap"],
}


def _plain(text: str) -> str:
    # pypdf reads the no-break spaces of "€ 30.450" back as plain spaces
    return text.replace("\xa0", " ").replace("\u202f", " ")


def _export(tmp_path, fmt, lang):
    path = tmp_path / f"plan.{fmt}"
    call_command("export_policy", "--org", "demo", "--format", fmt, "--lang", lang, "--output", str(path))
    return path.read_bytes()


def _key_figures(org, lang):
    """The figures the steps' own pages and journey cards show, in `lang`."""
    with translation.override(lang):
        analysis = inventory_selectors.analysis(org)
        aligned = next(f.value for f in alignment_journey.report(org).figures if f.label == str(_aligned_label()))
        return [formatting.money(analysis.total_spend, cents=False), aligned]


def _aligned_label():
    from django.utils.translation import gettext

    return gettext("Aligned spend")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_it_writes_a_docx_with_headings_toc_tables_charts_and_header(tmp_path, org, lang):
    data = _export(tmp_path, "docx", lang)
    docx = read_docx(io.BytesIO(data))

    headings = [p.text for p in docx.paragraphs if p.style.name == "Heading 1"]
    for title in TITLES[lang]:
        assert title in headings
    with translation.override(lang):
        assert [str(s.TITLES[key]) for key in s.ORDER] == headings  # every section, in the default order

    body = docx.element.body.xml
    assert "TOC \\o" in body  # the table of contents field
    assert 'w:updateFields w:val="true"' in docx.settings.element.xml  # Word fills it in on opening
    assert docx.tables and all("w:tblHeader" in table.rows[0]._tr.xml for table in docx.tables)

    pictures = docx.inline_shapes
    assert len(pictures) >= 3  # readiness, spend by initiator, vision support, alignment
    for picture in pictures:
        assert picture._inline.docPr.get("descr", "").strip()

    header = docx.sections[0].header.paragraphs[0].text
    assert org.name in header
    with translation.override(lang):
        assert formatting.date(PolicyExport.objects.filter(organization=org).latest("number").as_of, "long") in header
    assert "PAGE" in docx.sections[0].footer._element.xml

    text = "\n".join(p.text for p in docx.paragraphs) + "\n".join(
        cell.text for table in docx.tables for row in table.rows for cell in row.cells
    )
    for figure in _key_figures(org, lang):
        assert figure in text
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_it_writes_a_pdf_with_every_heading_and_the_steps_figures(tmp_path, org, lang):
    reader = PdfReader(io.BytesIO(_export(tmp_path, "pdf", lang)))
    text = _plain("\n".join(page.extract_text() for page in reader.pages))
    with translation.override(lang):
        for key in s.ORDER:
            assert str(s.TITLES[key]) in text
    for figure in _key_figures(org, lang):
        assert _plain(figure) in text
    assert org.name in reader.pages[1].extract_text()  # the running header
    assert reader.metadata.title.endswith(org.name)
    assert "/Lang" in reader.trailer["/Root"]
    assert [item.title for item in reader.outline if not isinstance(item, list)][:2] == [
        str(TITLES[lang][0]),
        str(TITLES[lang][1]),
    ]
    used = set()
    for page in reader.pages:
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: text.strip() and used.add(font["/BaseFont"]))
    assert used and all("DejaVuSans" in name for name in used)  # every line in the fonts shipped with the project


@pytest.mark.django_db
def test_it_keeps_every_line_of_the_pdf_inside_the_page_margins(org):
    from leerkoers.policy import render_pdf

    document = build(org, language="nl")
    reader = PdfReader(io.BytesIO(render_pdf.render(document)))
    outside = []
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)

        def visit(text, cm, tm, font, size, page_number=number, width=width, height=height):
            if not text.strip():
                return
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            # the running header and the page number sit between the body margin and the edge
            if not (MARGIN * 0.9 <= x <= width - MARGIN * 0.9 and 28 <= y <= height - 28):
                outside.append((page_number, round(x), round(y), text[:30]))

        page.extract_text(visitor_text=visit)
    assert outside == []


@pytest.mark.django_db
def test_it_says_what_to_do_first_for_steps_without_data():
    from leerkoers.orgs.models import Organization

    empty = Organization.objects.create(slug="empty-org", name="Lege Organisatie")
    document = build(empty, language="en")
    by_key = {section.key: section for section in document.sections}
    for key in (s.READINESS, s.STARTING_POINT, s.VISION, s.GOALS, s.OWNERSHIP, s.PILOTS, s.ROADMAP, s.SUMMARY):
        section = by_key[key]
        assert not section.has_data
        texts = [block.text for block in section.blocks]
        assert any(text.startswith("What to do first:") for text in texts), key
        assert not [block for block in section.blocks if block.__class__.__name__ == "Table"]
    assert document.figures == []


@pytest.mark.django_db
def test_it_leaves_out_the_layers_the_scan_hides(org):
    from leerkoers.scan import results as scan_results
    from leerkoers.scan.models import ScanRound

    latest = ScanRound.objects.filter(organization=org, status="closed").order_by("-closed_at").first()
    result = scan_results.round_results(latest, "en")
    hidden = [group.label for group in result.layers if not group.shown]
    shown = [group.label for group in result.layers if group.shown]
    assert hidden, "the demo's scan hides a small layer"
    section = s.readiness(org, latest.closed_at.date())
    table = next(block for block in section.blocks if block.__class__.__name__ == "Table")
    assert table.columns[2:] == shown
    assert not set(hidden) & set(table.columns)


@pytest.mark.django_db
def test_it_refuses_an_unknown_organisation_on_the_command_line(tmp_path):
    with pytest.raises(CommandError, match="No organisation"):
        call_command("export_policy", "--org", "nope", "--format", "pdf", "--output", str(tmp_path / "x.pdf"))


@pytest.mark.django_db
def test_it_shows_every_pilot_with_its_effects_and_decision(org):
    from leerkoers.pilots.selectors import policy_summary

    with translation.override("en"):
        summary = policy_summary(org)
        section = s.pilots(org, datetime.date.today())
    assert summary.pilots and section.has_data
    headings = [block.text for block in section.blocks if isinstance(block, Heading)]
    assert [pilot.title for pilot in summary.pilots] == headings[: len(summary.pilots)]
    bullets = [item for block in section.blocks if isinstance(block, Bullets) for item in block.items]
    for pilot in summary.pilots:
        for effect in pilot.effects:
            assert f"{effect.kpi}: {effect.verdict}. {effect.explanation}" in bullets
    decided = sum(1 for pilot in summary.pilots if pilot.decision)
    assert {f.key: f.number for f in section.figures} == {
        "pilots.count": len(summary.pilots),
        "pilots.decided": decided,
    }


@pytest.mark.django_db
def test_it_shows_ownership_with_the_small_counts_hidden(org):
    from leerkoers.ownership.selectors import policy_summary

    today = datetime.date.today()
    with translation.override("en"):
        summary = policy_summary(org, today.year)
        section = s.ownership(org, today)
    assert section.has_data
    tables = [block for block in section.blocks if block.__class__.__name__ == "Table"]
    states, raci = tables[:2]
    assert raci.columns[1:] == [label for _key, label in summary.layers]
    assert [row[0] for row in raci.rows] == [row.process for row in summary.matrix]
    for (state, count), row in zip(summary.pop_states.items(), states.rows, strict=True):
        assert row[1] == (f"fewer than {summary.pops.minimum}" if count is None else str(count)), state
    figures = {f.key: f.number for f in section.figures}
    assert figures["ownership.team_plans"] == summary.team_plans.value


@pytest.mark.django_db
def test_it_reads_the_pilots_analysis_once_per_document(org, monkeypatch):
    from leerkoers.pilots import selectors as pilots_selectors

    calls = []
    original = pilots_selectors.policy_summary

    def counted(organization):
        calls.append(organization.pk)
        return original(organization)

    monkeypatch.setattr(pilots_selectors, "policy_summary", counted)
    document = build(org, language="en")
    assert calls == [org.pk]
    keys = [section.key for section in document.sections]
    assert s.PILOTS in keys and s.ROADMAP in keys
    pilot = original(org).pilots[0]
    text = " ".join(str(block) for section in document.sections for block in section.blocks)
    assert pilot.title in text  # both sections still drew on it
