"""Rows of one file that update an earlier row of the same file are counted and shown, in the
check before anything is written and in the summary after."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from leerkoers.inventory.models import ImportRun, Participation
from leerkoers.inventory.tests.files import write_csv

pytestmark = pytest.mark.django_db
ROWS = [
    ["Medewerker", "Cursus", "Afgerond op"],
    ["a@elders.nl", "BHV herhaling", "1-3-2025"],
    ["b@elders.nl", "BHV herhaling", "1-3-2025"],
    ["a@elders.nl", "BHV herhaling", "2-3-2026"],  # the yearly refresher of the same person
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_it_counts_and_shows_rows_that_update_an_earlier_row_of_the_file(admin_client, org, tmp_path):
    data = Path(write_csv(tmp_path, ROWS)).read_bytes()
    response = admin_client.post(
        reverse("inventory:import", kwargs={"org_slug": "demo"}),
        {"kind": "participations", "file": SimpleUploadedFile("p.csv", data)},
    )
    url = response["Location"]
    page = admin_client.get(url)
    report = admin_client.post(url, {"check": "1", **{f"map:{c}": f for c, f in page.context["mapping"]}})
    assert report.context["report"].merged == 1
    assert "1 row updates an earlier row of the same file" in report.content.decode()
    assert not Participation.objects.filter(organization=org, activity__title="BHV herhaling").exists()
    admin_client.post(url, {"import": "1"})
    run = ImportRun.objects.get(organization=org, uuid=page.context["run"].uuid)
    assert run.status == "done" and run.summary["merged"] == 1 and run.summary["created"] == 2
    assert "1 row updates an earlier row of the same file" in admin_client.get(url).content.decode()
