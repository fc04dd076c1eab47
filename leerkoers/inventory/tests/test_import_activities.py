import datetime as dt
from decimal import Decimal

import pytest

from leerkoers.inventory.importing.pipeline import import_file
from leerkoers.inventory.models import Activity, ActivityTeam
from leerkoers.inventory.tests.files import ACTIVITY_HEADER, activity_rows, write_csv, write_xlsx
from leerkoers.lib.tables import ImportRefused, RowError
from leerkoers.orgs.models import Team

pytestmark = pytest.mark.django_db


def _import(org, path, **options):
    return import_file(kind="activities", organization=org, path=path, filename=path, **options)


def test_it_imports_a_dutch_semicolon_csv(org, tmp_path):
    Team.objects.get_or_create(organization=org, name="Sales")
    result = _import(org, write_csv(tmp_path, activity_rows()))
    assert result.written and result.created == 2 and result.error_count == 0
    activity = Activity.objects.get(organization=org, external_id="A-1")
    assert activity.title == "Klantcontact op locatie"
    assert activity.start_date == dt.date(2026, 2, 3)
    assert activity.cost == Decimal("1250.00")
    assert activity.hours_per_participant == Decimal("12.5")
    assert activity.initiator == "manager"
    assert ActivityTeam.objects.filter(organization=org, activity=activity, team__name="Sales").exists()
    bhv = Activity.objects.get(organization=org, external_id="A-2")
    assert bhv.cost == Decimal("450") and bhv.mandatory and bhv.kind == "certification" and bhv.initiator == "hr"


@pytest.mark.parametrize(
    ("delimiter", "encoding", "newline"),
    [(",", "utf-8", "\n"), ("\t", "utf-8-sig", "\r\n"), (";", "cp1252", "\r"), ("|", "latin-1", "\n")],
)
def test_it_reads_every_common_dialect_and_encoding(org, tmp_path, delimiter, encoding, newline):
    rows = activity_rows()
    rows[1][0] = "Cursus Café-gesprekken, één dag"
    if encoding == "latin-1":
        rows[1][8] = "EUR 1.250,00"  # Latin-1 has no euro sign
    path = write_csv(tmp_path, rows, delimiter=delimiter, encoding=encoding, newline=newline)
    result = _import(org, path)
    assert result.error_count == 0, result.errors
    assert Activity.objects.get(organization=org, external_id="A-1").title == "Cursus Café-gesprekken, één dag"


def test_it_skips_blank_lines_but_keeps_spreadsheet_row_numbers(org, tmp_path):
    rows = activity_rows()
    rows.insert(2, [""])
    rows[3][5] = "31-2-2026"
    result = _import(org, write_csv(tmp_path, rows))
    assert not result.written
    assert result.errors == [RowError(4, "Startdatum", "“31-2-2026” is not an existing date.")]


def test_it_writes_nothing_when_any_row_is_invalid(org, tmp_path):
    rows = activity_rows()
    rows[2][8] = "veel geld"
    before = Activity.objects.filter(organization=org).count()
    result = _import(org, write_csv(tmp_path, rows))
    assert not result.written and result.invalid_rows == 1
    assert result.errors[0].row == 3 and result.errors[0].column == "Kosten"
    assert Activity.objects.filter(organization=org).count() == before


def test_it_imports_the_valid_rows_when_told_to_skip_invalid_ones(org, tmp_path):
    rows = activity_rows()
    rows[2][8] = "veel geld"
    result = _import(org, write_csv(tmp_path, rows), skip_invalid=True)
    assert result.written and result.created == 1 and result.invalid_rows == 1
    assert not Activity.objects.filter(organization=org, external_id="A-2").exists()


def test_it_updates_instead_of_duplicating_on_reimport(org, tmp_path):
    path = write_csv(tmp_path, activity_rows())
    _import(org, path)
    rows = activity_rows()
    rows[1][8] = "2000"
    second = _import(org, write_csv(tmp_path, rows, name="again.csv"))
    assert second.created == 0 and second.updated == 2
    assert Activity.objects.filter(organization=org, external_id="A-1").get().cost == Decimal("2000")


def test_it_matches_on_title_provider_and_start_without_external_id(org, tmp_path):
    rows = [row[:-1] for row in activity_rows()]
    _import(org, write_csv(tmp_path, rows))
    again = _import(org, write_csv(tmp_path, rows, name="again.csv"))
    assert again.updated == 2 and again.created == 0
    assert Activity.objects.filter(organization=org, title="BHV herhaling 2026").count() == 1


def test_it_rejects_an_end_date_before_the_start(org, tmp_path):
    rows = activity_rows()
    rows[1][6] = "1-1-2026"
    result = _import(org, write_csv(tmp_path, rows))
    assert result.errors[0].column == "Einddatum"


def test_it_reads_xlsx_with_title_rows_real_dates_and_several_sheets(org, tmp_path):
    rows = [
        ["Overzicht opleidingen 2026"],
        [],
        ACTIVITY_HEADER,
        [
            "Excel-training",
            "cursus",
            "Office BV",
            "medewerker",
            "",
            dt.datetime(2026, 5, 1),
            None,
            3.5,
            799.95,
            8,
            "",
            "",
            False,
            "X-1",
        ],
    ]
    path = write_xlsx(tmp_path, {"Toelichting": [["Dit blad uitleg"]], "Opleidingen": rows})
    result = _import(org, path)
    assert result.written, result.errors
    activity = Activity.objects.get(organization=org, external_id="X-1")
    assert activity.start_date == dt.date(2026, 5, 1)
    assert activity.cost == Decimal("799.95") and activity.kind == "course" and activity.initiator == "employee"


def test_it_reads_the_sheet_it_is_told(org, tmp_path):
    other = [ACTIVITY_HEADER, ["Tweede blad", "", "", "", "", "", "", "", "", "", "", "", "", "S-2"]]
    path = write_xlsx(tmp_path, {"Eerste": activity_rows(), "Tweede": other})
    _import(org, path, sheet="Tweede")
    assert Activity.objects.filter(organization=org, external_id="S-2").exists()
    assert not Activity.objects.filter(organization=org, external_id="A-1").exists()
    with pytest.raises(ImportRefused, match="no sheet"):
        _import(org, path, sheet="Derde")


def test_it_uses_a_given_mapping_for_unknown_headers(org, tmp_path):
    rows = [["Wat", "Wie levert", "Hoeveel"], ["Timemanagement op maat", "Tijd BV", "300"]]
    path = write_csv(tmp_path, rows)
    with pytest.raises(ImportRefused, match="Title"):
        _import(org, path)
    result = _import(org, path, mapping={"Wat": "title", "Wie levert": "provider", "Hoeveel": "cost"})
    assert result.created == 1
    assert Activity.objects.get(organization=org, title="Timemanagement op maat").cost == Decimal("300")


def test_it_stores_formula_like_text_as_text(org, tmp_path):
    rows = activity_rows()
    rows[1][0] = '=HYPERLINK("http://evil","klik")'
    _import(org, write_csv(tmp_path, rows))
    assert Activity.objects.get(organization=org, external_id="A-1").title.startswith("=HYPERLINK")
