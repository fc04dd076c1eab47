"""The policy document as PDF (reportlab): the same content and charts as the DOCX, in the
DejaVu Sans fonts shipped in `policy/fonts` (so the output does not depend on the machine),
a table of contents with page numbers, PDF bookmarks per heading, the document's language
and title in its metadata, and the organisation's name, the date and the page number on
every page.

Limit: reportlab's open-source edition writes no structure tree (no tagged PDF); each chart
is followed by its alternative text as a caption, so the figures are in the text as well.
"""

from functools import lru_cache
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    Image,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Paragraph as PdfParagraph
from reportlab.platypus import Table as PdfTable
from reportlab.platypus.tableofcontents import TableOfContents

from leerkoers.policy import charts
from leerkoers.policy.content import Bullets, Chart, Definitions, Document, Heading, Paragraph, Table

BRAND = colors.HexColor("#0b5563")
INK = colors.HexColor("#1c2433")
MUTED = colors.HexColor("#4a5568")
LINE = colors.HexColor("#d5dbe3")
SOFT = colors.HexColor("#e6f1f3")
MARGIN = 2.2 * cm
FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"


@lru_cache(maxsize=1)
def _register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(FONT, str(charts.REGULAR)))
    pdfmetrics.registerFont(TTFont(BOLD, str(charts.BOLD)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body", fontName=FONT, bulletFontName=FONT, fontSize=9.5, leading=13.5, textColor=INK, spaceAfter=6
    )
    return {
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=24, leading=30, textColor=BRAND),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=14, leading=20, spaceAfter=4),
        "h1": ParagraphStyle("h1", parent=body, fontName=BOLD, fontSize=16, leading=21, textColor=BRAND, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=body, fontName=BOLD, fontSize=12, leading=16, textColor=BRAND, spaceBefore=8),
        "h3": ParagraphStyle("h3", parent=body, fontName=BOLD, fontSize=10.5, leading=14, spaceBefore=4),
        "body": body,
        "note": ParagraphStyle("note", parent=body, fontSize=8.5, leading=12, textColor=MUTED),
        "bullet": ParagraphStyle("bullet", parent=body, leftIndent=12, bulletIndent=2),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=11, spaceAfter=0),
        "cell_right": ParagraphStyle(
            "cell_right", parent=body, fontSize=8.5, leading=11, spaceAfter=0, alignment=TA_RIGHT
        ),
        "head": ParagraphStyle("head", parent=body, fontName=BOLD, fontSize=8.5, leading=11, spaceAfter=0),
        "toc1": ParagraphStyle("toc1", parent=body, fontSize=10.5, leading=16, leftIndent=0),
        "toc2": ParagraphStyle("toc2", parent=body, fontSize=9, leading=13, leftIndent=14, textColor=MUTED),
    }


class _Template(BaseDocTemplate):
    def __init__(self, buffer, document: Document):
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=f"{document.title} — {document.organization}",
            author="Leerkoers",
            subject=document.title,
            lang=document.language,
            displayDocTitle=True,
            initialFontName=FONT,  # else every page names Helvetica, a font the PDF does not embed
        )
        self.document = document
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate("page", [frame], onPage=self._decorate)])
        self._heading = 0

    def _decorate(self, canvas, doc) -> None:
        width, height = A4
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(MUTED)
        header = f"{self.document.organization} · {self.document.title} · {self.document.date_text}"
        canvas.drawRightString(width - MARGIN, height - 1.4 * cm, header)
        canvas.setStrokeColor(LINE)
        canvas.line(MARGIN, height - 1.6 * cm, width - MARGIN, height - 1.6 * cm)
        canvas.drawCentredString(width / 2, 1.3 * cm, str(doc.page))
        canvas.restoreState()

    def afterFlowable(self, flowable) -> None:
        # Headings become entries of the table of contents and PDF bookmarks.
        if not isinstance(flowable, PdfParagraph) or flowable.style.name not in ("h1", "h2"):
            return
        level = 0 if flowable.style.name == "h1" else 1
        text = flowable.getPlainText()
        self._heading += 1
        key = f"heading-{self._heading}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
        self.notify("TOCEntry", (level, text, self.page, key))

    def handle_documentBegin(self):
        self._heading = 0  # multiBuild runs the story more than once
        super().handle_documentBegin()


def _text(text: str) -> str:
    return escape(text).replace("\n", "<br/>")


def _table(block: Table, width: float) -> list:
    styles = _styles()
    count = len(block.columns)
    first = width if count == 1 else max(width * 0.34, width / count)
    widths = [first] + [(width - first) / (count - 1)] * (count - 1) if count > 1 else [first]

    def cell(text, index, head=False):
        style = styles["head"] if head else styles["cell_right" if index in block.numeric else "cell"]
        return PdfParagraph(_text(text), style)

    rows = [[cell(text, i, head=True) for i, text in enumerate(block.columns)]]
    rows += [[cell(text, i) for i, text in enumerate(values)] for values in block.rows]
    table = PdfTable(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), SOFT),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, LINE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    flowables = [PdfParagraph(_text(block.caption), styles["h3"])] if block.caption else []
    return [*flowables, table, Spacer(0, 0.35 * cm)]


def _chart(block: Chart, png: bytes, width_cm: float) -> list:
    width, height = charts.size_cm(png, width_cm)
    image = Image(BytesIO(png), width=width * cm, height=height * cm)
    return [KeepTogether([image, PdfParagraph(_text(block.alt), _styles()["note"])]), Spacer(0, 0.25 * cm)]


def story(document: Document, images: dict[int, bytes] | None = None, width: float | None = None) -> list:
    images = images or {}
    styles = _styles()
    width = width or A4[0] - 2 * MARGIN
    width_cm = min(16.0, width / cm)
    toc = TableOfContents()
    toc.levelStyles = [styles["toc1"], styles["toc2"]]
    flowables = [
        Spacer(0, 3 * cm),
        PdfParagraph(_text(document.title), styles["title"]),
        PdfParagraph(_text(document.organization), styles["subtitle"]),
        PdfParagraph(_text(document.date_text), styles["body"]),
        Spacer(0, 1 * cm),
        PdfParagraph(_text(document.contents_title), ParagraphStyle("contents", parent=styles["h2"], fontSize=14)),
        toc,
        PageBreak(),
    ]
    for number, section in enumerate(document.sections):
        if number:
            flowables.append(PageBreak())
        flowables.append(PdfParagraph(_text(section.title), styles["h1"]))
        for block in section.blocks:
            if isinstance(block, Heading):
                flowables.append(PdfParagraph(_text(block.text), styles["h2" if block.level <= 2 else "h3"]))
            elif isinstance(block, Paragraph):
                flowables.append(PdfParagraph(_text(block.text), styles["note" if block.note else "body"]))
            elif isinstance(block, Bullets):
                flowables += [PdfParagraph(_text(item), styles["bullet"], bulletText="•") for item in block.items]
            elif isinstance(block, Table):
                flowables += _table(block, width)
            elif isinstance(block, Chart):
                flowables += _chart(block, images.get(id(block)) or charts.render_png(block), width_cm)
            elif isinstance(block, Definitions):
                flowables += [
                    PdfParagraph(f"<b>{_text(term)}</b> — {_text(text)}", styles["body"]) for term, text in block.items
                ]
    return flowables


def render(document: Document, images: dict[int, bytes] | None = None) -> bytes:
    """The PDF bytes of `document`. `images` maps id(chart) → PNG (rendered here if absent)."""
    _register_fonts()
    buffer = BytesIO()
    template = _Template(buffer, document)
    template.multiBuild(story(document, images, template.width))
    return buffer.getvalue()
