"""export_org and import_org from the shell: a copy beside the original, and clear refusals."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from leerkoers.booking.models import Booking
from leerkoers.orgs.models import Membership, Organization
from leerkoers.portability.exporting import SCHEMA_VERSION
from leerkoers.scan.models import ScanRound
from leerkoers.vision.models import VisionParticipant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def exported(org, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    path = tmp_path / "demo.json"
    call_command("export_org", "--org", "demo", "--output", str(path), stdout=io.StringIO())
    return path


def test_it_restores_a_copy_under_another_short_name_beside_the_original(exported, org, tmp_path):
    call_command("import_org", str(exported), "--slug", "demo-copy", stdout=io.StringIO())
    copy = Organization.objects.get(slug="demo-copy")
    assert copy.name == org.name
    assert Membership.objects.filter(organization=copy).count() == Membership.objects.filter(organization=org).count()
    # The same people (matched by e-mail), no new accounts.
    assert set(Membership.objects.filter(organization=copy).values_list("user__email", "role")) == set(
        Membership.objects.filter(organization=org).values_list("user__email", "role")
    )
    # Values unique to the installation are new in the copy, so the original's links stay its own.
    original = set(ScanRound.objects.filter(organization=org).values_list("public_id", flat=True))
    copied = set(ScanRound.objects.filter(organization=copy).values_list("public_id", flat=True))
    assert copied and not original & copied
    assert (
        VisionParticipant.objects.filter(organization=copy).count()
        == VisionParticipant.objects.filter(organization=org).count()
    )
    # An advisor's sessions stay the original's: the advisor cannot be booked twice for one.
    assert Booking.objects.filter(organization=org).exists()
    assert not Booking.objects.filter(organization=copy).exists()


def test_it_writes_an_xlsx_when_the_output_says_so(org, tmp_path):
    path = tmp_path / "demo.xlsx"
    call_command("export_org", "--org", "demo", "--output", str(path), stdout=io.StringIO())
    assert path.read_bytes()[:2] == b"PK"


def test_it_refuses_a_slug_that_exists(exported):
    with pytest.raises(CommandError, match="An organisation with the short name demo exists already"):
        call_command("import_org", str(exported))


def test_it_refuses_an_unknown_schema_version_and_writes_nothing(exported, tmp_path):
    data = json.loads(exported.read_text())
    data["schema_version"] = SCHEMA_VERSION + 1
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(data))
    with pytest.raises(CommandError, match=f"schema version {SCHEMA_VERSION + 1}"):
        call_command("import_org", str(newer), "--slug", "demo-new")
    assert not Organization.objects.filter(slug="demo-new").exists()


def test_it_refuses_a_table_it_does_not_know(exported, tmp_path):
    data = json.loads(exported.read_text())
    data["tables"]["nosuchapp.gadget"] = {"columns": ["id"], "rows": []}
    other = tmp_path / "other.json"
    other.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="nosuchapp.gadget"):
        call_command("import_org", str(other), "--slug", "demo-new")


def test_it_undoes_everything_when_a_file_is_damaged(exported, tmp_path, org, admin_user):
    data = json.loads(exported.read_text())
    data["files"] = [
        {"table": "inventory.importrun", "row": 1, "field": "stored_path", "path": "imports/1/x.csv",
         "size": 1, "sha256": "0" * 64, "content_base64": "eA=="}
    ]  # fmt: skip
    damaged = tmp_path / "damaged.json"
    damaged.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="damaged"):
        call_command("import_org", str(damaged), "--slug", "demo-new")
    assert not Organization.objects.filter(slug="demo-new").exists()


def test_it_refuses_an_unknown_organisation_or_format(tmp_path):
    with pytest.raises(CommandError, match="No organisation"):
        call_command("export_org", "--org", "nope", "--output", str(tmp_path / "x.json"))
    with pytest.raises(CommandError, match="--format"):
        call_command("export_org", "--org", "demo", "--output", str(tmp_path / "x.csv"))
