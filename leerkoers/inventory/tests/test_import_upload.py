"""Files as HR exports them, uploaded through the page and the API, end to end.

A real workbook (title rows above the header, date cells, several sheets) is stored and read
back by the import; values the table cannot hold are refused with their row and column;
a task that dies leaves its job and run failed, with a message, and its file removed.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from leerkoers.inventory.models import Activity, ImportRun, Participation
from leerkoers.inventory.tests.files import workbook_bytes, write_csv
from leerkoers.orgs.services import api_token_create

pytestmark = pytest.mark.django_db
API = "/api/v1/orgs/demo"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def writer(org, admin_user):
    _token, raw = api_token_create(organization=org, name="test", can_write=True, created_by=admin_user)
    return Client(headers={"authorization": f"Bearer {raw}", "accept-language": "en"})


def _upload(name="opleidingen.xlsx", data=None):
    return SimpleUploadedFile(name, workbook_bytes() if data is None else data)


def _assert_workbook_stored(org):
    first = Activity.objects.get(organization=org, external_id="X-1")
    assert first.title == "Excel-cursus gevorderd" and first.start_date == dt.date(2026, 2, 3)
    assert first.cost == Decimal("1250.50") and first.participants == 12
    second = Activity.objects.get(organization=org, external_id="X-2")
    assert second.start_date == dt.date(2026, 3, 10) and second.cost == Decimal("450.00")


def test_it_imports_a_real_workbook_through_the_page(admin_client, org, media):
    response = admin_client.post(
        reverse("inventory:import", kwargs={"org_slug": "demo"}), {"kind": "activities", "file": _upload()}
    )
    assert response.status_code == 302
    page = admin_client.get(response["Location"])
    assert page.status_code == 200 and "refused" not in page.context
    assert page.context["sheet"] == "Opleidingen 2026" and page.context["header_row"] == 3
    assert "Leeg" in page.context["sheets"]
    mapping = {f"map:{column}": field for column, field in page.context["mapping"]}
    report = admin_client.post(response["Location"], {"check": "1", **mapping})
    assert report.context["report"].valid_rows == 2 and report.context["report"].error_count == 0
    done = admin_client.post(response["Location"], {"import": "1"})
    assert done.status_code == 302
    run = ImportRun.objects.filter(organization=org).latest("created")
    assert run.status == "done" and run.summary["created"] == 2 and run.job.status == "done"
    _assert_workbook_stored(org)
    assert not any(Path(media).rglob("*.xlsx"))  # the upload is not kept


def test_it_imports_a_real_workbook_through_the_api(writer, org):
    checked = writer.post(f"{API}/imports", {"kind": "activities", "file": _upload(), "dry_run": "true"})
    assert checked.status_code == 200, checked.content
    assert checked.json()["valid_rows"] == 2 and not checked.json()["written"]
    response = writer.post(f"{API}/imports", {"kind": "activities", "file": _upload()})
    assert response.status_code == 202, response.content
    detail = writer.get(f"{API}/imports/{response.json()['id']}").json()
    assert detail["status"] == "done" and detail["summary"]["created"] == 2, detail
    assert writer.get(f"{API}/jobs/{response.json()['job']}").json()["status"] == "done"
    _assert_workbook_stored(org)


def test_it_reads_a_workbook_uploaded_under_another_name(writer, org):
    # The content decides: an HR system that names its export "export" still gets it read.
    response = writer.post(f"{API}/imports", {"kind": "activities", "file": _upload("export"), "dry_run": "true"})
    assert response.status_code == 200 and response.json()["valid_rows"] == 2, response.content


# --- values the table cannot hold -------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("Kosten", "99999999999999999999", "digits"),
        ("Uren", "99999999,99", "digits"),
        ("Deelnemers", "9223372036854775808", "less than or equal"),
        ("Kosten", "-5", "greater than or equal to 0"),
    ],
)
def test_it_refuses_values_the_model_cannot_hold_with_row_and_column(writer, org, tmp_path, column, value, message):
    rows = [["Titel", "Kosten", "Uren", "Deelnemers"], ["Goed", "10", "2", "3"], ["Te groot", "1", "1", "1"]]
    rows[2][rows[0].index(column)] = value
    data = Path(write_csv(tmp_path, rows)).read_bytes()
    response = writer.post(f"{API}/imports", {"kind": "activities", "file": SimpleUploadedFile("a.csv", data)})
    assert response.status_code == 202
    detail = writer.get(f"{API}/imports/{response.json()['id']}").json()
    assert detail["status"] == "failed"
    assert [(e["row"], e["column"]) for e in detail["errors"]] == [(3, column)]
    assert message in detail["errors"][0]["message"]
    assert writer.get(f"{API}/jobs/{response.json()['job']}").json()["status"] == "failed"
    assert not Activity.objects.filter(organization=org, title__in=["Goed", "Te groot"]).exists()


def test_it_refuses_participation_hours_the_model_cannot_hold(writer, org, tmp_path):
    rows = [["Medewerker", "Cursus", "Uren"], ["iemand@elders.nl", "Nieuwe cursus", "99999999,99"]]
    data = Path(write_csv(tmp_path, rows)).read_bytes()
    response = writer.post(f"{API}/imports", {"kind": "participations", "file": SimpleUploadedFile("p.csv", data)})
    detail = writer.get(f"{API}/imports/{response.json()['id']}").json()
    assert detail["status"] == "failed" and detail["errors"][0]["column"] == "Uren"
    assert not Participation.objects.filter(organization=org, activity__title="Nieuwe cursus").exists()


def test_it_keeps_every_page_working_after_a_refused_file_of_huge_numbers(admin_client, writer, tmp_path):
    rows = [["Titel", "Kosten", "Uren", "Deelnemers"], ["Enorm", "99999999999999999999", "99999999,99", "3"]]
    data = Path(write_csv(tmp_path, rows)).read_bytes()
    writer.post(
        f"{API}/imports", {"kind": "activities", "file": SimpleUploadedFile("a.csv", data), "skip_invalid": "true"}
    )
    for url in ("/o/demo/", "/o/demo/inventory/", "/o/demo/inventory/activities/", "/o/demo/alignment/"):
        assert admin_client.get(url).status_code == 200, url
    for url in (f"{API}/analysis", f"{API}/golden-thread"):
        assert writer.get(url).status_code == 200, url
    export = admin_client.get(reverse("inventory:export_analysis", kwargs={"org_slug": "demo"}), {"format": "csv"})
    assert b"".join(export.streaming_content)


def test_it_rounds_a_spreadsheet_fraction_to_the_stored_decimals(writer, org, tmp_path):
    rows = [["Titel", "Uren per deelnemer", "Code"], ["Breuk", "12,499999999", "R-1"]]
    data = Path(write_csv(tmp_path, rows)).read_bytes()
    response = writer.post(f"{API}/imports", {"kind": "activities", "file": SimpleUploadedFile("a.csv", data)})
    assert writer.get(f"{API}/imports/{response.json()['id']}").json()["status"] == "done"
    assert Activity.objects.get(organization=org, external_id="R-1").hours_per_participant == Decimal("12.50")


# --- a task that dies ---------------------------------------------------------------------


def test_a_task_that_dies_leaves_its_job_and_run_failed_and_its_file_removed(writer, org, tmp_path, monkeypatch, media):
    from leerkoers.inventory.importing import runs

    def explode(**kwargs):
        raise RuntimeError("the worker lost its database")

    monkeypatch.setattr(runs, "import_file", explode)
    data = Path(write_csv(tmp_path, [["Titel"], ["Wordt niet geschreven"]])).read_bytes()
    response = writer.post(f"{API}/imports", {"kind": "activities", "file": SimpleUploadedFile("a.csv", data)})
    assert response.status_code == 202
    run = ImportRun.objects.get(uuid=response.json()["id"])
    assert run.status == "failed" and "unexpectedly" in run.summary["refused"]
    assert run.job.status == "failed" and "unexpectedly" in run.job.message
    assert run.stored_path == "" and not any(Path(media).rglob("*.csv"))
    assert not Activity.objects.filter(organization=org, title="Wordt niet geschreven").exists()
