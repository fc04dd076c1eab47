"""The reports' PDF building blocks: an A4 page with the title in its metadata, and tables."""

from io import BytesIO

import pypdf
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm

from leerkoers.lib.pdf import document, table


def test_a_document_is_a4_with_its_title_and_a_table_repeats_its_header_on_every_page():
    buffer = BytesIO()
    doc = document(buffer, "Ronde: april")
    rows = [["Naam", "Score"]] + [[f"rij {n}", str(n)] for n in range(120)]
    doc.build([table(rows, [8 * cm, 3 * cm])])
    reader = pypdf.PdfReader(BytesIO(buffer.getvalue()))
    assert reader.metadata.title == "Ronde: april" and reader.metadata.author == "Leerkoers"
    assert len(reader.pages) > 1
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [round(A4[0]), round(A4[1])]
    texts = [page.extract_text().split() for page in reader.pages]
    assert all(words[:2] == ["Naam", "Score"] for words in texts)
    assert texts[-1][-3:] == ["rij", "119", "119"]
