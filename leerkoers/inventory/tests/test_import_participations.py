import datetime as dt
from decimal import Decimal

import pytest

from leerkoers.inventory.importing.keys import pseudonym
from leerkoers.inventory.importing.pipeline import import_file
from leerkoers.inventory.models import Activity, Participation
from leerkoers.inventory.tests.files import write_csv, write_xlsx
from leerkoers.orgs.models import Membership

pytestmark = pytest.mark.django_db
HEADER = ["Personeelsnummer", "Cursus", "Afdeling", "Status", "Afgerond op", "Uren", "Score"]


def _import(org, path, **options):
    return import_file(kind="participations", organization=org, path=path, filename=path, **options)


def test_it_imports_participations_and_pseudonymises_non_members(org, tmp_path):
    member = Membership.objects.filter(organization=org).select_related("user", "team").first()
    rows = [
        HEADER,
        [member.user.email.upper(), "Nieuwe cursus X", "", "afgerond", "3-2-2026", "1,5", "7,5"],
        ["E999999", "Nieuwe cursus X", "Onbekend team", "bezig", "", "2", ""],
    ]
    result = _import(org, write_csv(tmp_path, rows))
    assert result.written and result.created == 2 and result.details["new_activities"] == 1
    assert result.details["unknown_teams"] == ["Onbekend team"]
    activity = Activity.objects.get(organization=org, title="Nieuwe cursus X")
    assert activity.participation_count == 2
    mine = Participation.objects.get(organization=org, activity=activity, membership=member)
    assert mine.person_key == member.user.email.lower()
    assert mine.team_id == member.team_id
    assert mine.completion_date == dt.date(2026, 2, 3) and mine.hours == Decimal("1.5") and mine.score == Decimal("7.5")
    stranger = Participation.objects.get(organization=org, activity=activity, membership=None)
    assert stranger.person_key == pseudonym("e999999") and "E999999" not in stranger.person_key
    assert stranger.status == "in_progress"


def test_it_updates_on_reimport_without_duplicates(org, tmp_path):
    rows = [HEADER, ["E1", "Herhaalcursus", "", "bezig", "", "", ""], ["E2", "Herhaalcursus", "", "bezig", "", "", ""]]
    _import(org, write_csv(tmp_path, rows))
    rows[1][3], rows[1][4] = "afgerond", "2026-01-05"
    again = _import(org, write_csv(tmp_path, rows, name="again.csv"))
    assert again.created == 0 and again.updated == 2 and again.details["new_activities"] == 0
    records = Participation.objects.filter(organization=org, activity__title="Herhaalcursus")
    assert records.count() == 2
    assert records.get(person_key=pseudonym("e1")).status == "completed"


def test_it_reports_bad_rows_with_spreadsheet_numbers_and_writes_nothing(org, tmp_path):
    rows = [
        HEADER,
        ["E1", "Cursus A", "", "afgerond", "31-02-2026", "", ""],
        ["", "Cursus A", "", "vaag", "", "-3", ""],
    ]
    before = Participation.objects.count()
    result = _import(org, write_csv(tmp_path, rows))
    assert not result.written and Participation.objects.count() == before
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "Afgerond op"),
        (3, "Personeelsnummer"),
        (3, "Status"),
        (3, "Uren"),
    ]
    assert not Activity.objects.filter(organization=org, title="Cursus A").exists()


def test_it_reads_participations_from_xlsx_with_real_dates(org, tmp_path):
    rows = [["LMS-export"], HEADER, ["E5", "Excel-cursus", "", "Completed", dt.datetime(2025, 11, 30), 2, 80]]
    result = _import(org, write_xlsx(tmp_path, {"Export": rows}))
    assert result.written, result.errors
    record = Participation.objects.get(organization=org, activity__title="Excel-cursus")
    assert record.completion_date == dt.date(2025, 11, 30) and record.score == Decimal("80")


def test_it_needs_an_activity_column(org, tmp_path):
    from leerkoers.lib.tables import ImportRefused

    with pytest.raises(ImportRefused, match="Activity"):
        _import(org, write_csv(tmp_path, [["Personeelsnummer", "Uren"], ["E1", "2"]]))


def test_it_updates_changed_values_leaves_unchanged_rows_and_recounts_many_activities(org, tmp_path):
    # More than 500 activities: the counts are refreshed with one aggregate, not one by one.
    rows = [HEADER] + [[f"E{i}", f"Veel cursus {i}", "", "bezig", "", "2", "7,5"] for i in range(510)]
    rows.append(["E9", "Veel cursus 0", "", "bezig", "", "1,5", ""])
    assert _import(org, write_csv(tmp_path, rows)).created == 511
    records = Participation.objects.filter(organization=org, activity__title__startswith="Veel cursus ")
    untouched = records.get(person_key=pseudonym("e1"))
    rows[1][3:7] = ["afgerond", "2026-01-05", "3", ""]  # E0: status, date, hours and score change
    rows[-1][6] = "8"  # E9: only the score changes
    again = _import(org, write_csv(tmp_path, rows, name="again.csv"))
    assert again.created == 0 and again.updated == 511 and records.count() == 511
    changed = records.get(person_key=pseudonym("e0"))
    assert (changed.status, changed.completion_date, changed.hours, changed.score) == (
        "completed",
        dt.date(2026, 1, 5),
        Decimal("3"),
        None,
    )
    assert records.get(person_key=pseudonym("e9"), activity__title="Veel cursus 0").score == Decimal("8")
    assert records.get(person_key=pseudonym("e1")).updated == untouched.updated
    counts = dict(
        Activity.objects.filter(organization=org, title__startswith="Veel cursus ").values_list(
            "title", "participation_count"
        )
    )
    assert len(counts) == 510 and counts["Veel cursus 0"] == 2 and set(counts.values()) == {1, 2}
