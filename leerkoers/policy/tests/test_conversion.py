"""The files open in other programs: LibreOffice converts the DOCX, poppler renders the PDF.

Both tools are installed by .ci/run; on a machine without them these tests are skipped."""

import io
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
