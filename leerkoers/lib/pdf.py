"""Building blocks of the reports' PDFs (reportlab): the page, the table, the brand colour.

Every report is an A4 document with the same margins and author, and tables with a bold
header row repeated on each page. The scan's and the vision round's reports use these.
"""

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

BRAND = colors.HexColor("#0b5563")
RULE = colors.HexColor("#d5dbe3")


def document(buffer, title: str) -> SimpleDocTemplate:
    """An A4 document writing into `buffer`, with the report's title in its metadata."""
    return SimpleDocTemplate(
        buffer, pagesize=A4, title=title, author="Leerkoers", leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm
    )


def table(rows, widths) -> Table:
    """A table of `rows` (the first is the header, repeated on every page) with column `widths`."""
    result = Table(rows, colWidths=widths, repeatRows=1)
    result.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return result
