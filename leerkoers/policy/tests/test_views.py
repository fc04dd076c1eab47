import io

import pytest
from docx import Document as read_docx
from pypdf import PdfReader

from leerkoers.audit.models import AuditEvent
from leerkoers.jobs.models import Job
from leerkoers.policy.models import PolicyExport, PolicySection
from leerkoers.policy.sections import ORDER

INDEX = "/o/demo/policy/"


def _layout_post(**overrides):
    data = {}
    for position, key in enumerate(ORDER, start=1):
        data[f"{key}-position"] = str(position)
        data[f"{key}-enabled"] = "on"
        data[f"{key}-intro"] = ""
        data[f"{key}-closing"] = ""
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.django_db
def test_it_shows_the_versions_and_the_sections(admin_client, org, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = admin_client.get(INDEX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Learning policy plan" in page and "Summary for the board" in page
    export = PolicyExport.objects.filter(organization=org).first()
    assert f"/o/demo/policy/exports/{export.public_id}/file/" in page


@pytest.mark.django_db
def test_it_makes_a_version_in_the_background_with_progress(
    director_client, director_user, org, django_capture_on_commit_callbacks
):
    before = PolicyExport.objects.filter(organization=org).count()
    with django_capture_on_commit_callbacks(execute=True):
        response = director_client.post(f"{INDEX}exports/", {"format": "pdf", "language": "en"})
    assert response.status_code == 302
    job = Job.objects.filter(organization=org, kind="policy_export").latest("created")
    assert job.status == Job.Status.DONE and job.done == job.total
    export = PolicyExport.objects.filter(organization=org).latest("number")
    assert PolicyExport.objects.filter(organization=org).count() == before + 1
    assert (export.format, export.language, export.created_by) == ("pdf", "en", director_user)
    assert job.result_url == f"/o/demo/policy/exports/{export.public_id}/file/"
    assert AuditEvent.objects.filter(organization=org, action="policy.export").exists()

    page = director_client.get(INDEX).content.decode()
    assert f'id="job-{job.id}"' in page  # the progress component

    download = director_client.get(job.result_url)
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(download.content)).pages)
    assert "Summary for the board" in text and "Where we stand" in text


@pytest.mark.django_db
def test_it_refuses_an_unknown_format_in_the_users_language(admin_client, org):
    before = Job.objects.filter(organization=org).count()
    response = admin_client.post(f"{INDEX}exports/", {"format": "odt", "language": "nl"}, follow=True)
    assert "Choose DOCX or PDF." in response.content.decode()
    assert Job.objects.filter(organization=org).count() == before
    dutch = admin_client.post(
        f"{INDEX}exports/", {"format": "odt", "language": "nl"}, follow=True, headers={"accept-language": "nl"}
    )
    assert "Kies DOCX of PDF." in dutch.content.decode()


@pytest.mark.django_db
def test_it_follows_the_chosen_order_switches_and_texts(admin_client, org, tmp_path):
    from django.core.management import call_command

    data = _layout_post(**{
        "goals-position": "1",
        "summary-position": "2",
        "readiness-enabled": None,  # switched off
        "goals-intro": "Onze doelen voor 2027.",
        "goals-closing": "Zo houden we koers.",
    })  # fmt: skip
    response = admin_client.post(f"{INDEX}sections/", data)
    assert response.status_code == 302
    assert PolicySection.objects.get(organization=org, key="readiness").enabled is False

    path = tmp_path / "plan.docx"
    call_command("export_policy", "--org", "demo", "--format", "docx", "--lang", "en", "--output", str(path))
    docx = read_docx(str(path))
    headings = [p.text for p in docx.paragraphs if p.style.name == "Heading 1"]
    assert headings[:2] == ["Goals and the golden thread", "Summary for the board"]
    assert "Readiness" not in headings
    texts = [p.text for p in docx.paragraphs]
    goals = texts.index("Goals and the golden thread")
    assert texts[goals + 1] == "Onze doelen voor 2027."
    assert "Zo houden we koers." in texts[goals : texts.index("Summary for the board")]


@pytest.mark.django_db
def test_it_keeps_at_least_one_section(admin_client, org):
    data = _layout_post(**{f"{key}-enabled": None for key in ORDER})
    response = admin_client.post(f"{INDEX}sections/", data, follow=True)
    assert "Keep at least one section in the document." in response.content.decode()
    assert not PolicySection.objects.filter(organization=org, enabled=False).exists()


@pytest.mark.django_db
def test_it_refuses_a_missing_position(admin_client, org):
    response = admin_client.post(f"{INDEX}sections/", _layout_post(**{"goals-position": "first"}), follow=True)
    assert "Give every section a position number." in response.content.decode()
    assert not PolicySection.objects.filter(organization=org).exists()


@pytest.mark.django_db
def test_it_lists_the_figures_that_changed_between_two_versions(admin_client, next_version):
    first, second = next_version("goals.aligned_spend", "99%", 0.99)
    old = next(f["value"] for f in first.figures if f["key"] == "goals.aligned_spend")
    page = admin_client.get(f"{INDEX}compare/", {"from": second.public_id, "to": first.public_id}).content.decode()
    assert f"From v{first.number} to v{second.number}" in page
    assert old in page and "99%" in page
    assert page.count("<tr>") == 2  # the header and the one figure that changed


@pytest.mark.django_db
def test_it_does_not_download_another_organisations_version(admin_client, other_org):
    export = PolicyExport.objects.filter(organization=other_org).first()
    assert admin_client.get(f"{INDEX}exports/{export.public_id}/file/").status_code == 404


@pytest.mark.django_db
def test_it_refuses_managers_and_employees(manager_client, employee_client):
    assert manager_client.get(INDEX).status_code == 403
    assert employee_client.post(f"{INDEX}exports/", {"format": "pdf", "language": "en"}).status_code == 403
