"""The policy document as DOCX (python-docx): Word's own heading styles, a table of contents
field that Word fills in when the file is opened, tables whose header row repeats on every
page, charts as pictures with alternative text, page numbers, and the organisation's name
and the date in the page header."""

from io import BytesIO

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from leerkoers.policy import charts
from leerkoers.policy.content import Bullets, Chart, Definitions, Document, Heading, Paragraph, Table

BRAND = RGBColor(0x0B, 0x55, 0x63)
MUTED = RGBColor(0x4A, 0x55, 0x68)
LANGUAGES = {"nl": "nl-NL", "en": "en-GB"}


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (TOC, PAGE): begin, instruction, separate, what shows until it is
    updated, end — each part in its own run, as Word writes them."""

    def char(kind: str):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    char("separate")
    paragraph.add_run(placeholder)
    char("end")


def _update_fields_on_open(docx) -> None:
    element = OxmlElement("w:updateFields")
    element.set(qn("w:val"), "true")
    docx.settings.element.append(element)


def _styles(docx, language: str) -> None:
    normal = docx.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), LANGUAGES.get(language, language))
    normal.element.get_or_add_rPr().append(lang)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        docx.styles[name].font.color.rgb = BRAND


def _header_and_footer(docx, document: Document) -> None:
    section = docx.sections[0]
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.2)
    header = section.header.paragraphs[0]
    header.text = f"{document.organization} · {document.title} · {document.date_text}"
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for run in header.runs:
        run.font.size = Pt(8.5)
        run.font.color.rgb = MUTED
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(footer, "PAGE", "1")


def _repeat_header_row(row) -> None:
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _table(docx, block: Table) -> None:
    if block.caption:
        caption = docx.add_paragraph(block.caption, style="Caption")
        caption.paragraph_format.keep_with_next = True
    table = docx.add_table(rows=1, cols=len(block.columns))
    table.style = "Light List Accent 1"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    _repeat_header_row(table.rows[0])
    for index, (cell, text) in enumerate(zip(table.rows[0].cells, block.columns, strict=True)):
        cell.text = text
        run = cell.paragraphs[0].runs[0]
        run.bold = True
        if index in block.numeric:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for values in block.rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
            cell.text = text
            if index in block.numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    docx.add_paragraph()


def _chart(docx, block: Chart, png: bytes) -> None:
    width, _height = charts.size_cm(png, 16)
    docx.add_picture(BytesIO(png), width=Cm(width))
    picture = docx.inline_shapes[-1]
    properties = picture._inline.docPr
    properties.set("descr", block.alt)  # what a screen reader says for the picture
    properties.set("title", block.title)
    docx.paragraphs[-1].paragraph_format.keep_with_next = True
    note = docx.add_paragraph(block.alt, style="Caption")
    note.paragraph_format.space_after = Pt(10)


def render(document: Document, images: dict[int, bytes] | None = None) -> bytes:
    """The DOCX bytes of `document`. `images` maps id(chart) → PNG (rendered here if absent)."""
    images = images or {}
    docx = new_docx()
    docx.core_properties.title = f"{document.title} — {document.organization}"
    docx.core_properties.author = "Leerkoers"
    docx.core_properties.language = LANGUAGES.get(document.language, document.language)
    _styles(docx, document.language)
    _header_and_footer(docx, document)
    _update_fields_on_open(docx)

    docx.add_paragraph(document.title, style="Title")
    docx.add_paragraph(document.organization, style="Subtitle")
    docx.add_paragraph(document.date_text)
    contents = docx.add_paragraph(document.contents_title)
    contents.runs[0].bold = True
    contents.runs[0].font.size = Pt(14)
    contents.runs[0].font.color.rgb = BRAND
    # Until Word updates the field (it asks on opening), the section titles stand in for it.
    _field(docx.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', "\n".join(s.title for s in document.sections))
    docx.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    for number, section in enumerate(document.sections):
        if number:
            docx.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        docx.add_heading(section.title, level=1)
        for block in section.blocks:
            if isinstance(block, Heading):
                docx.add_heading(block.text, level=block.level)
            elif isinstance(block, Paragraph):
                paragraph = docx.add_paragraph(block.text)
                if block.note:
                    for run in paragraph.runs:
                        run.italic = True
                        run.font.color.rgb = MUTED
            elif isinstance(block, Bullets):
                for item in block.items:
                    docx.add_paragraph(item, style="List Bullet")
            elif isinstance(block, Table):
                _table(docx, block)
            elif isinstance(block, Chart):
                _chart(docx, block, images.get(id(block)) or charts.render_png(block))
            elif isinstance(block, Definitions):
                for term, text in block.items:
                    paragraph = docx.add_paragraph()
                    paragraph.add_run(term).bold = True
                    paragraph.add_run(f" — {text}")
    buffer = BytesIO()
    docx.save(buffer)
    return buffer.getvalue()
