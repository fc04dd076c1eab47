import io
import json

import pytest
from django.core.management import CommandError, call_command

from leerkoers.inventory.models import Activity, Participation
from leerkoers.inventory.tests.files import activity_rows, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def test_import_activities_writes_nothing_on_a_dry_run(org, tmp_path):
    out = io.StringIO()
    call_command("import_activities", write_csv(tmp_path, activity_rows()), "--org", "demo", "--dry-run", stdout=out)
    assert "nothing written" in out.getvalue()
    assert not Activity.objects.filter(organization=org, external_id="A-1").exists()


def test_import_activities_fails_and_writes_nothing_with_an_invalid_row(org, tmp_path):
    rows = activity_rows()
    rows[1][7] = "veel"
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_activities", write_csv(tmp_path, rows), "--org", "demo", stderr=err, stdout=io.StringIO())
    assert "row 2, column Uren per deelnemer" in err.getvalue()
    assert not Activity.objects.filter(organization=org, external_id="A-2").exists()
    call_command(
        "import_activities",
        write_csv(tmp_path, rows),
        "--org",
        "demo",
        "--skip-invalid",
        stderr=io.StringIO(),
        stdout=io.StringIO(),
    )
    assert Activity.objects.filter(organization=org, external_id="A-2").exists()


def test_import_participations_takes_a_mapping_and_a_sheet(org, tmp_path):
    rows = [["Wie", "Wat"], ["E1", "Cursus via commando"]]
    path = write_xlsx(tmp_path, {"Leeg": [["niets"]], "Data": rows})
    call_command(
        "import_participations",
        path,
        "--org",
        "demo",
        "--sheet",
        "Data",
        "--mapping",
        json.dumps({"Wie": "person", "Wat": "activity"}),
        stdout=io.StringIO(),
    )
    assert Participation.objects.filter(organization=org, activity__title="Cursus via commando").count() == 1


def test_the_commands_explain_bad_input(tmp_path):
    with pytest.raises(CommandError, match="No organisation"):
        call_command("import_activities", "x.csv", "--org", "nope")
    with pytest.raises(CommandError, match="not found"):
        call_command("import_activities", str(tmp_path / "missing.csv"), "--org", "demo")
    with pytest.raises(CommandError, match="JSON"):
        call_command("import_activities", "x.csv", "--org", "demo", "--mapping", "{")
