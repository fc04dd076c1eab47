"""The files open in other programs: LibreOffice converts the DOCX, poppler renders the PDF.

Both tools are installed by .ci/run; on a machine without them these tests are skipped."""

import io
import re
import shutil
import subprocess

import pytest
from django.utils import translation
from pypdf import PdfReader

from leerkoers.policy import render_docx, render_pdf
from leerkoers.policy import sections as s
from leerkoers.policy.document import build


@pytest.mark.django_db
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_it_writes_a_docx_that_libreoffice_converts_without_errors(org, tmp_path):
    source = tmp_path / "plan.docx"
    source.write_bytes(render_docx.render(build(org, language="nl")))
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    converted = PdfReader(str(tmp_path / "plan.pdf"))
    text = "\n".join(page.extract_text() for page in converted.pages)
    with translation.override("nl"):
        for key in s.ORDER:
            assert str(s.TITLES[key]) in text


@pytest.mark.django_db
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
def test_it_writes_a_pdf_that_renders_page_by_page(org, tmp_path):
    data = render_pdf.render(build(org, language="en"))
    (tmp_path / "plan.pdf").write_bytes(data)
    done = subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(tmp_path / "plan.pdf"), str(tmp_path / "page")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
    assert len(list(tmp_path.glob("page-*.png"))) == len(PdfReader(io.BytesIO(data)).pages)


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
EDGE = 16  # points: the header's and page number's band, less room for their glyphs
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_it_keeps_every_word_of_the_pdf_inside_the_page(org, tmp_path, language):
    """Every word's whole box (poppler's -bbox, so also where a line ends, not only where it
    starts) stays inside the page margins; the running header and page number sit between the
    body margin and the edge, in a band at least EDGE from the top and bottom."""
    (tmp_path / "plan.pdf").write_bytes(render_pdf.render(build(org, language=language)))
    done = subprocess.run(
        ["pdftotext", "-bbox", str(tmp_path / "plan.pdf"), str(tmp_path / "words.html")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    outside, words = [], 0
    for number, (width, height, body) in enumerate(PAGE.findall((tmp_path / "words.html").read_text()), start=1):
        width, height = float(width), float(height)
        for x_min, y_min, x_max, y_max, text in WORD.findall(body):
            words += 1
            box = float(x_min), float(y_min), float(x_max), float(y_max)
            left, right = render_pdf.MARGIN * 0.9, width - render_pdf.MARGIN * 0.9
            if not (left <= box[0] and box[2] <= right and box[1] >= EDGE and box[3] <= height - EDGE):
                outside.append((number, [round(v) for v in box], text[:30]))
    assert words > 500  # the document was read
    assert outside == []
