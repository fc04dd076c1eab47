"""Importing KPI measurements from CSV and XLSX: all or nothing, with row-numbered errors."""

from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from leerkoers.alignment.models import Kpi, Measurement, StrategicGoal

pytestmark = pytest.mark.django_db


@pytest.fixture
def kpi(org):
    goal = StrategicGoal.objects.create(organization=org, title="Tevreden cliënten", theme="customer_satisfaction")
    return Kpi.objects.create(
        organization=org,
        strategic_goal=goal,
        name="Cliënttevredenheid",
        unit="percent",
        direction="higher",
        baseline_value=Decimal(60),
        baseline_date=timezone.localdate() - timedelta(days=300),
        target_value=Decimal(80),
        target_date=timezone.localdate() + timedelta(days=300),
    )


def _day(kpi, days):
    return (kpi.baseline_date + timedelta(days=days)).strftime("%d-%m-%Y")


def _upload(client, org, name, content, kpi=None):
    data = {"file": SimpleUploadedFile(name, content)}
    if kpi is not None:
        data["kpi"] = kpi.pk
    return client.post(reverse("alignment:measurement_import", kwargs={"org_slug": org.slug}), data)


def test_it_imports_a_dutch_csv_with_semicolons_and_decimal_commas(admin_client, org, kpi):
    csv = (
        "KPI;Datum;Waarde;Team;Eenheid\n"
        f"Cliënttevredenheid;{_day(kpi, 30)};61,5;;%\n"
        f"Cliënttevredenheid;{_day(kpi, 60)};63,25;Wijkteam Noord;procent\n"
        f"{kpi.pk};{_day(kpi, 60)};64;;\n"
    ).encode("cp1252")
    response = _upload(admin_client, org, "metingen.csv", csv)
    assert response.status_code == 302, response.content.decode()[-2000:]
    values = set(Measurement.objects.filter(kpi=kpi).values_list("value", "team__name"))
    assert values == {(Decimal("61.5"), None), (Decimal("64"), None), (Decimal("63.25"), "Wijkteam Noord")}


def test_it_imports_an_xlsx_for_the_chosen_kpi(admin_client, org, kpi, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Metingen cliënttevredenheid"])  # a title row above the header
    sheet.append(["Date", "Value"])
    sheet.append([kpi.baseline_date + timedelta(days=10), 62])
    sheet.append([kpi.baseline_date + timedelta(days=40), 65.5])
    path = tmp_path / "m.xlsx"
    workbook.save(path)
    response = _upload(admin_client, org, "m.xlsx", path.read_bytes(), kpi=kpi)
    assert response.status_code == 302, (response.context["result"], response.context["form"].errors)
    assert Measurement.objects.filter(kpi=kpi).count() == 2


def test_a_file_with_bad_rows_imports_nothing_and_names_every_row(admin_client, org, kpi):
    Measurement.objects.create(organization=org, kpi=kpi, date=kpi.baseline_date + timedelta(days=5), value=60)
    csv = (
        "kpi,date,value,unit\n"
        f"Cliënttevredenheid,{_day(kpi, 1)},61,%\n"  # row 2 fine
        f"Onbekende KPI,{_day(kpi, 2)},61,\n"  # row 3 unknown KPI
        f"Cliënttevredenheid,{_day(kpi, 3)},61,dagen\n"  # row 4 wrong unit
        f"Cliënttevredenheid,{_day(kpi, -3)},61,\n"  # row 5 before the baseline
        f"Cliënttevredenheid,{_day(kpi, 1)},62,\n"  # row 6 duplicate of row 2
        f"Cliënttevredenheid,{_day(kpi, 5)},62,\n"  # row 7 already stored
        f"Cliënttevredenheid,{_day(kpi, 8)},veel,\n"  # row 8 not a number
        f"Cliënttevredenheid,{_day(kpi, 9)},140,\n"  # row 9 not a percentage
    ).encode()
    response = _upload(admin_client, org, "m.csv", csv)
    assert response.status_code == 200
    errors = response.context["result"].errors
    rows = {error.where for error in errors}
    assert rows == {"row 3", "row 4", "row 5", "row 6", "row 7", "row 8", "row 9"}, errors
    content = response.content.decode()
    assert "Unknown KPI" in content and "does not match the KPI’s unit" in content
    assert "Nothing was imported" in content
    assert Measurement.objects.filter(kpi=kpi).count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("leeg.csv", b"", "file is empty"),
        ("plaatje.csv", b"\x89PNG\r\n\x1a\n\x00\x00binary", "not a CSV"),
        ("kapot.xlsx", b"PK\x03\x04 this is no zip", "not a valid Excel"),
        ("kolommen.csv", b"foo;bar\n1;2\n", "no column for"),
    ],
)
def test_a_broken_file_gets_a_clear_error(admin_client, org, kpi, name, content, message):
    response = _upload(admin_client, org, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Measurement.objects.filter(kpi=kpi).exists()


def test_an_employee_cannot_import(employee_client, org, kpi):
    response = _upload(employee_client, org, "m.csv", b"kpi,date,value\n")
    assert response.status_code == 403


def test_a_check_shows_the_rows_and_stores_nothing(admin_client, org, kpi):
    csv = f"kpi;datum;waarde\nCliënttevredenheid;{_day(kpi, 30)};61,5\nCliënttevredenheid;{_day(kpi, 60)};62\n".encode()
    response = admin_client.post(
        reverse("alignment:measurement_import", kwargs={"org_slug": org.slug}),
        {"file": SimpleUploadedFile("m.csv", csv), "action": "check"},
    )
    assert response.status_code == 200
    assert "All 2 rows are correct" in response.content.decode()
    assert [item.value for item in response.context["result"].preview] == [Decimal("61.5"), Decimal("62")]
    assert not Measurement.objects.filter(kpi=kpi).exists()


def test_it_finds_the_header_below_lines_that_look_like_one(admin_client, org, kpi):
    csv = (
        "Rapportage;kwaliteit\n"  # two filled cells, but not our columns
        "Afdeling;Zorg\n"
        "KPI;Datum;Waarde\n"
        f"Cliënttevredenheid;{_day(kpi, 30)};61\n"
    ).encode()
    response = _upload(admin_client, org, "m.csv", csv)
    assert response.status_code == 302, response.context["result"].errors
    assert Measurement.objects.filter(kpi=kpi).count() == 1
