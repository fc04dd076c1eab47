"""Text encodings through the API: UTF-16/32 by their byte-order mark, Windows-1252 as a
whole, a UTF-8 file with a bad byte refused where it is, NUL refused anywhere."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from leerkoers.inventory.models import Activity
from leerkoers.orgs.services import api_token_create

pytestmark = pytest.mark.django_db
API = "/api/v1/orgs/demo"
TEXT = "Titel;Aanbieder;Kosten\r\nCafé-training;Brasserie Ö;10\r\nTweede;Acme;20\r\n"


@pytest.fixture
def writer(org, admin_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _token, raw = api_token_create(organization=org, name="test", can_write=True, created_by=admin_user)
    return Client(headers={"authorization": f"Bearer {raw}", "accept-language": "en"})


def _post(writer, data: bytes, dry_run=True):
    fields = {"kind": "activities", "file": SimpleUploadedFile("a.csv", data)}
    return writer.post(f"{API}/imports", {**fields, "dry_run": "true"} if dry_run else fields)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_it_reads_text_with_a_byte_order_mark(writer, org, encoding):
    data = TEXT.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    response = _post(writer, data, dry_run=False)
    assert response.status_code == 202, response.content
    assert writer.get(f"{API}/imports/{response.json()['id']}").json()["status"] == "done"
    assert Activity.objects.get(organization=org, title="Café-training").provider == "Brasserie Ö"


def test_it_reads_a_windows_1252_file_as_a_whole(writer, org):
    response = _post(writer, TEXT.encode("cp1252"), dry_run=False)
    assert writer.get(f"{API}/imports/{response.json()['id']}").json()["status"] == "done"
    assert Activity.objects.filter(organization=org, title="Café-training").exists()


def test_it_refuses_a_utf8_file_with_a_bad_byte_and_says_where(writer, org):
    data = TEXT.encode("utf-8") + b"Derde;Acme;30\r\nVierde;Caf" + b"\xe9;40\r\n"
    response = _post(writer, data)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "0xE9" in detail and "row 5, column 2" in detail, detail
    assert not Activity.objects.filter(organization=org, title__startswith="Caf").exists()


def test_it_refuses_a_nul_character_after_the_first_64_kb(writer):
    rows = "".join(f"Cursus {i};Acme;{i}\r\n" for i in range(8000))
    data = ("Titel;Aanbieder;Kosten\r\n" + rows).encode() + b"Nul\x00;Acme;1\r\n"
    assert len(data) > 64 * 1024
    response = _post(writer, data)
    assert response.status_code == 422
    assert "NUL" in response.json()["detail"] and "row 8002" in response.json()["detail"]


def test_it_refuses_a_nul_character_in_utf16_text(writer):
    response = _post(writer, "Titel;Kosten\r\nA\x00B;1\r\n".encode("utf-16"))
    assert response.status_code == 422 and "NUL" in response.json()["detail"]
