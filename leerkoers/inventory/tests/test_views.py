import csv
import io
from pathlib import Path
from unittest import mock

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from leerkoers.inventory.models import Activity, ImportRun, Participation
from leerkoers.inventory.tests.files import activity_rows, write_csv

pytestmark = pytest.mark.django_db


def _url(name, **kwargs):
    return reverse(f"inventory:{name}", kwargs={"org_slug": "demo", **kwargs})


def test_it_shows_the_analysis_with_a_bounded_number_of_queries(admin_client, org, django_assert_max_num_queries):
    from leerkoers.inventory.selectors import bump_revision

    bump_revision(org)
    # Recomputing (normally the worker's job): a fixed set of aggregate queries, whatever the
    # size of the inventory (the participations per activity and team, for the completed hours,
    # are one more cached aggregate; the result is kept as current and as the latest).
    with django_assert_max_num_queries(42):
        assert admin_client.get(_url("index")).status_code == 200
    # From the cache: the session, the access check and a few cache reads.
    with django_assert_max_num_queries(12):
        response = admin_client.get(_url("index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Starting point" in content and "Overlapping activities" in content
    assert "Klantgericht" in content  # the demo's overlapping purchase


def test_it_lets_directors_read_but_not_employees(director_client, employee_client, outsider_client):
    assert director_client.get(_url("index")).status_code == 200
    assert employee_client.get(_url("index")).status_code == 403
    assert outsider_client.get(_url("index")).status_code == 404


def test_it_lists_activities_with_filters_and_pinned_queries(admin_client, org, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = admin_client.get(_url("activities"), {"q": "klant", "sort": "-cost"})
    assert response.status_code == 200
    titles = [a.title for a in response.context["page"]]
    assert titles
    assert all("lant" in a.title.lower() or "lant" in a.provider.lower() for a in response.context["page"])
    costs = [a.cost for a in response.context["page"]]
    assert costs == sorted(costs, reverse=True)


def test_it_keeps_the_list_query_count_flat_as_activities_grow(admin_client, org, django_assert_max_num_queries):
    Activity.objects.bulk_create(
        [Activity(organization=org, title=f"Extra {i}", natural_key=str(i)) for i in range(60)]
    )
    with django_assert_max_num_queries(12):
        assert admin_client.get(_url("activities")).status_code == 200


def test_it_creates_and_edits_an_activity_by_hand(admin_client, org):
    response = admin_client.post(
        _url("activity_create"),
        {
            "title": "Nieuwe training",
            "kind": "training",
            "initiator": "hr",
            "cost": "1250.50",
            "evaluation_level": "0",
            "start_date": "2026-02-03",
            "end_date": "2026-02-01",
        },
    )
    assert response.status_code == 200
    assert "The end date lies before the start date." in response.content.decode()
    response = admin_client.post(
        _url("activity_create"),
        {"title": "Nieuwe training", "kind": "training", "initiator": "hr", "cost": "1250.50", "evaluation_level": "2"},
    )
    assert response.status_code == 302
    activity = Activity.objects.get(organization=org, title="Nieuwe training")
    response = admin_client.post(
        _url("activity_edit", activity_id=activity.pk),
        {"title": "Hernoemd", "kind": "workshop", "evaluation_level": "1", "goal": "Beter werk"},
    )
    activity.refresh_from_db()
    assert response.status_code == 302 and activity.title == "Hernoemd" and activity.goal == "Beter werk"


def test_it_refuses_editing_to_a_manager(manager_client, org):
    activity = Activity.objects.filter(organization=org).first()
    assert manager_client.get(_url("activity_edit", activity_id=activity.pk)).status_code == 403


def test_it_lists_participations_without_counting_them(admin_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = admin_client.get(_url("participations"), {"status": "completed"})
    assert response.status_code == 200
    assert all(p.status == "completed" for p in response.context["items"])


def test_it_runs_the_whole_import_flow(admin_client, org, tmp_path):
    rows = activity_rows()
    rows[2][8] = "veel"
    data = Path(write_csv(tmp_path, rows)).read_bytes()
    response = admin_client.post(
        _url("import"), {"kind": "activities", "file": SimpleUploadedFile("opleidingen.csv", data)}
    )
    run = ImportRun.objects.filter(organization=org).latest("created")
    assert response.status_code == 302 and response["Location"].endswith(f"/import/{run.uuid}/")
    page = admin_client.get(response["Location"])
    assert page.status_code == 200
    assert ("Titel", "title") in page.context["mapping"]
    # Check: one invalid row; nothing is imported unless the user chooses so.
    mapping = {f"map:{column}": field for column, field in page.context["mapping"]}
    report = admin_client.post(response["Location"], {"check": "1", "save_as": "Ons HR-systeem", **mapping})
    assert report.status_code == 200 and report.context["report"].error_count == 1
    assert "Row" in report.content.decode()
    errors = admin_client.get(_url("import_errors", import_run_uuid=run.uuid))
    lines = list(csv.reader(io.StringIO(b"".join(errors.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert lines[1][:2] == ["3", "Kosten"]
    done = admin_client.post(response["Location"], {"import": "1", "skip_invalid": "on"})
    assert done.status_code == 302
    stored = run.stored_path
    run.refresh_from_db()
    assert run.status == "done" and run.summary["created"] == 1 and run.job.status == "done"
    assert run.stored_path == "" and not Path(stored).exists()  # the upload is not kept
    assert Activity.objects.filter(organization=org, external_id="A-1").exists()
    summary = admin_client.get(done["Location"])
    assert "Added" in summary.content.decode()


def test_it_explains_a_refused_upload(admin_client, org):
    response = admin_client.post(_url("import"), {"kind": "activities", "file": SimpleUploadedFile("x.csv", b"")})
    assert response.status_code == 200  # Django refuses empty uploads in the form already
    junk = SimpleUploadedFile("x.csv", bytes(range(256)) * 50)
    response = admin_client.post(_url("import"), {"kind": "activities", "file": junk})
    page = admin_client.get(response["Location"])
    assert "binary data" in page.content.decode()


def test_it_neutralises_formulas_in_exports(admin_client, org):
    Activity.objects.create(organization=org, title="=cmd|' /C calc'!A0", provider="@evil", natural_key="x")
    response = admin_client.get(_url("export_activities"), {"format": "csv", "q": "cmd"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=cmd" in text and "'@evil" in text
    response = admin_client.get(_url("export_activities"), {"format": "xlsx", "q": "cmd"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [c.value for row in workbook.active.iter_rows() for c in row]
    assert "'=cmd|' /C calc'!A0" in values and "'@evil" in values


def test_it_exports_the_analysis(admin_client):
    response = admin_client.get(_url("export_analysis"), {"format": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert "Overlap" in workbook.sheetnames
    response = admin_client.get(_url("export_analysis"), {"format": "csv"})
    assert "Starting point" in b"".join(response.streaming_content).decode("utf-8-sig")


def test_it_exports_participations(admin_client, org):
    response = admin_client.get(_url("export_participations"), {"format": "csv"})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == Participation.objects.filter(organization=org).count() + 1


def test_it_counts_activities_linked_to_learning_goals_and_notices_new_links(admin_client, org):
    from django.apps import apps

    learning_goal_model = apps.get_model("alignment", "LearningGoal")
    link_model = learning_goal_model._meta.get_field("activities").remote_field.through
    link_model.objects.filter(organization=org).delete()
    before = admin_client.get(_url("index")).context["data"].shares.linked_to_goal
    assert before is not None and before.count == 0
    goal = learning_goal_model.objects.create(organization=org, title="Klantvragen samenvatten")
    activity = Activity.objects.filter(organization=org).first()
    link_model.objects.create(organization=org, learning_goal=goal, activity=activity)
    after = admin_client.get(_url("index")).context["data"].shares.linked_to_goal
    assert after.count == 1 and after.total == Activity.objects.filter(organization=org).count()


def test_it_finds_a_pseudonymised_participant_by_the_address_typed(admin_client, org):
    from leerkoers.inventory.services import participation_save

    activity = Activity.objects.filter(organization=org).first()
    saved = participation_save(
        organization=org, participation=Participation(activity=activity), person="Gast@Elders.nl"
    )
    response = admin_client.get(_url("participations"), {"person": "gast@elders.nl"})
    assert [p.pk for p in response.context["items"]] == [saved.pk]


def test_it_refreshes_the_analysis_after_changes_to_activities_and_participations(admin_client, org):
    from leerkoers.inventory import selectors
    from leerkoers.inventory.services import activity_save, participation_save

    def figures():
        data = selectors.analysis(org)
        return data.shares.with_goal.count, sum(t.participations for t in data.teams)

    goals, participations = figures()
    activity = Activity.objects.filter(organization=org, goal="").first()
    activity.goal = "Nu met een doel"
    activity_save(organization=org, activity=activity)
    assert figures() == (goals + 1, participations)
    participation_save(organization=org, participation=Participation(activity=activity), person="nieuw@elders.nl")
    assert figures() == (goals + 1, participations + 1)


def test_after_a_change_the_page_shows_the_previous_figures_until_the_worker_has_recomputed(
    admin_client, org, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """The change enqueues the recomputation; until it has run, no visitor waits for it."""
    from leerkoers.inventory import selectors

    before = admin_client.get(_url("index")).context["data"].activity_count
    busy_worker = mock.patch("leerkoers.inventory.selectors.refresh_analysis")
    with busy_worker as task, django_capture_on_commit_callbacks(execute=True):
        Activity.objects.create(organization=org, title="Nieuw")
        selectors.bump_revision(org, participations=False)
    task.enqueue.assert_called_once_with(org.pk)
    with django_assert_max_num_queries(14):  # no recomputation in the request
        response = admin_client.get(_url("index"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["data"].activity_count == before
    assert "The figures are being updated after a recent change" in response.content.decode()
    assert admin_client.get(f"/api/v1/orgs/{org.slug}/analysis").json()["updating"] is True
    selectors.refresh_analysis.call(org.pk)  # what the worker does
    response = admin_client.get(_url("index"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["data"].activity_count == before + 1
    assert "being updated" not in response.content.decode()
