"""Participations keep their history: a retake or a yearly refresher on another date is a
participation of its own, an open enrolment is completed rather than duplicated, rows of one
file with the same key are counted (in the check before anything is written, and in the
summary), and importing the same file again changes nothing. Through the page and the API."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from leerkoers.inventory.importing.keys import pseudonym
from leerkoers.inventory.models import NO_DATE, Activity, ImportRun, Participation
from leerkoers.inventory.tests.files import write_csv
from leerkoers.orgs.services import api_token_create

pytestmark = pytest.mark.django_db
API = "/api/v1/orgs/demo"
HEADER = ["Medewerker", "Cursus", "Status", "Inschrijfdatum", "Afgerond op", "Uren"]
FIRST = [
    HEADER,
    ["a@elders.nl", "BHV herhaling", "afgerond", "", "1-3-2025", "4"],
    ["a@elders.nl", "BHV herhaling", "afgerond", "", "2-3-2026", "4"],  # the yearly refresher
    ["b@elders.nl", "BHV herhaling", "afgerond", "", "1-3-2025", "4"],
    ["b@elders.nl", "BHV herhaling", "afgerond", "", "01-03-2025", "5"],  # the same one again: merged
    ["c@elders.nl", "Excel gevorderd", "niet gehaald", "", "10-1-2026", "2"],
    ["c@elders.nl", "Excel gevorderd", "afgerond", "", "20-2-2026", "2"],  # the retake
    ["d@elders.nl", "Excel gevorderd", "ingeschreven", "5-1-2026", "", ""],  # open, enrolled on a date
    ["e@elders.nl", "Excel gevorderd", "ingeschreven", "", "", ""],  # open, no date at all
]
LATER = [  # the next export of the same LMS
    HEADER,
    ["d@elders.nl", "Excel gevorderd", "afgerond", "5-1-2026", "15-3-2026", "2"],
    ["e@elders.nl", "Excel gevorderd", "afgerond", "", "1-4-2026", "2"],
    ["a@elders.nl", "BHV herhaling", "afgerond", "", "2-3-2026", "4"],
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def writer(org, admin_user):
    _token, raw = api_token_create(organization=org, name="test", can_write=True, created_by=admin_user)
    return Client(headers={"authorization": f"Bearer {raw}", "accept-language": "en"})


def _records(org):
    rows = Participation.objects.filter(organization=org, activity__title__in=["BHV herhaling", "Excel gevorderd"])
    return {
        (p.activity.title, p.person_key, p.completion_date): (p.pk, p.status, p.enrolled_on, p.hours, p.updated)
        for p in rows.select_related("activity")
    }


def _api_import(writer, tmp_path, rows, name, **options):
    data = Path(write_csv(tmp_path, rows, name=name)).read_bytes()
    response = writer.post(
        f"{API}/imports", {"kind": "participations", "file": SimpleUploadedFile(name, data), **options}
    )
    assert response.status_code in (200, 202), response.content
    return response.json()


def test_it_keeps_retakes_and_refreshers_and_counts_repeated_rows_through_the_page(admin_client, org, tmp_path):
    data = Path(write_csv(tmp_path, FIRST)).read_bytes()
    response = admin_client.post(
        reverse("inventory:import", kwargs={"org_slug": "demo"}),
        {"kind": "participations", "file": SimpleUploadedFile("p.csv", data)},
    )
    url = response["Location"]
    page = admin_client.get(url)
    assert dict(page.context["mapping"])["Inschrijfdatum"] == "enrolled_on"
    report = admin_client.post(url, {"check": "1", **{f"map:{c}": f for c, f in page.context["mapping"]}})
    # Before anything is written: one row repeats an earlier one, two are further participations.
    assert (report.context["report"].merged, report.context["report"].details["retakes"]) == (1, 2)
    content = report.content.decode()
    assert "1 row updates an earlier row of the same file" in content
    assert "2 participations are further ones of a person in the same activity on another date" in content
    assert not Participation.objects.filter(organization=org, activity__title="BHV herhaling").exists()

    admin_client.post(url, {"import": "1"})
    run = ImportRun.objects.get(organization=org, uuid=page.context["run"].uuid)
    assert run.status == "done"
    assert (run.summary["created"], run.summary["merged"], run.summary["retakes"]) == (7, 1, 2)
    summary = admin_client.get(url).content.decode()
    assert "1 row updates an earlier row of the same file" in summary and "2 participations are further" in summary

    records = _records(org)
    a, b, c = pseudonym("a@elders.nl"), pseudonym("b@elders.nl"), pseudonym("c@elders.nl")
    assert {date for title, person, date in records if person == a} == {dt.date(2025, 3, 1), dt.date(2026, 3, 2)}
    assert records[("BHV herhaling", b, dt.date(2025, 3, 1))][3] == 5  # the last of the repeated rows
    assert records[("Excel gevorderd", c, dt.date(2026, 1, 10))][1] == "failed"
    assert records[("Excel gevorderd", c, dt.date(2026, 2, 20))][1] == "completed"
    bhv = Activity.objects.get(organization=org, title="BHV herhaling")
    assert bhv.participation_count == 3  # participations, not people: a twice, b once
    assert Participation.objects.filter(activity=bhv).values("person_key").distinct().count() == 2
    open_ones = Participation.objects.filter(organization=org, completion_date=None, activity__title="Excel gevorderd")
    assert sorted((p.enrolled_on or NO_DATE, p.occasion) for p in open_ones) == [
        (NO_DATE, NO_DATE),
        (dt.date(2026, 1, 5), dt.date(2026, 1, 5)),
    ]


def test_it_changes_nothing_when_the_same_file_comes_again_through_the_api(writer, org, tmp_path):
    first = _api_import(writer, tmp_path, FIRST, "p.csv")
    assert writer.get(f"{API}/imports/{first['id']}").json()["summary"]["created"] == 7
    before = _records(org)
    check = _api_import(writer, tmp_path, FIRST, "again.csv", dry_run="true")
    assert (check["merged"], check["retakes"], check["written"]) == (1, 2, False)
    again = _api_import(writer, tmp_path, FIRST, "again.csv")
    summary = writer.get(f"{API}/imports/{again['id']}").json()["summary"]
    assert (summary["created"], summary["updated"], summary["merged"]) == (0, 7, 1)
    assert _records(org) == before  # same rows, same values, not even `updated` touched


def test_an_open_enrolment_is_completed_by_the_next_export_not_duplicated(writer, org, tmp_path):
    _api_import(writer, tmp_path, FIRST, "p.csv")
    before = _records(org)
    d, e = pseudonym("d@elders.nl"), pseudonym("e@elders.nl")
    d_open = before[("Excel gevorderd", d, None)][0]
    e_open = before[("Excel gevorderd", e, None)][0]
    later = _api_import(writer, tmp_path, LATER, "later.csv")
    summary = writer.get(f"{API}/imports/{later['id']}").json()["summary"]
    assert (summary["created"], summary["updated"]) == (0, 3)
    after = _records(org)
    assert len(after) == len(before) == 7
    assert after[("Excel gevorderd", d, dt.date(2026, 3, 15))][:3] == (d_open, "completed", dt.date(2026, 1, 5))
    assert after[("Excel gevorderd", e, dt.date(2026, 4, 1))][:2] == (e_open, "completed")
    assert Participation.objects.get(pk=d_open).occasion == dt.date(2026, 3, 15)
    # Importing the later file again changes nothing; a completion on yet another date is a retake.
    _api_import(writer, tmp_path, LATER, "later-again.csv")
    assert _records(org) == after
    _api_import(
        writer, tmp_path, [HEADER, ["d@elders.nl", "Excel gevorderd", "afgerond", "", "2-3-2027", "2"]], "x.csv"
    )
    assert Participation.objects.filter(organization=org, person_key=d).count() == 2
    assert (
        Activity.objects.get(organization=org, title="Excel gevorderd").participation_count == 5
    )  # c twice, d twice, e


def test_an_enrolment_the_file_still_lists_as_open_stays_open_beside_a_completion(writer, org, tmp_path):
    rows = [HEADER, ["d@elders.nl", "Excel gevorderd", "ingeschreven", "5-1-2026", "", ""]]
    _api_import(writer, tmp_path, rows, "p.csv")
    rows.append(["d@elders.nl", "Excel gevorderd", "afgerond", "", "15-12-2025", "2"])  # an earlier attempt
    _api_import(writer, tmp_path, rows, "q.csv")
    statuses = sorted(
        Participation.objects.filter(person_key=pseudonym("d@elders.nl")).values_list("status", flat=True)
    )
    assert statuses == ["completed", "enrolled"]
