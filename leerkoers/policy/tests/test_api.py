import io

import pytest
from docx import Document as read_docx

from leerkoers.orgs.services import api_token_create
from leerkoers.policy.models import PolicyExport

BASE = "/api/v1/orgs/demo/policy"


@pytest.fixture
def token(org, admin_user):
    _row, raw = api_token_create(organization=org, name="HR-systeem", created_by=admin_user, can_write=True)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.django_db
def test_it_makes_a_version_through_the_api_and_serves_its_file(client, token, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{BASE}/exports",
            {"format": "docx", "language": "en", "sections": ["goals", "summary"]},
            content_type="application/json",
            **token,
        )
    assert response.status_code == 202, response.content
    status = client.get(response.json()["status_url"], **token).json()
    assert status["status"] == "done"
    export = PolicyExport.objects.get(organization=org, public_id=status["result"]["export"])
    assert [section["key"] for section in export.sections] == ["summary", "goals"]

    listed = client.get(f"{BASE}/exports", **token).json()
    assert listed[0]["id"] == str(export.public_id) and listed[0]["created_by"] is None

    detail = client.get(f"{BASE}/exports/{export.public_id}", **token).json()
    assert {"key": "goals.strategic_goals"}.items() <= next(
        f for f in detail["figures"] if f["key"] == "goals.strategic_goals"
    ).items()

    file = client.get(listed[0]["file_url"], **token)
    assert file.status_code == 200
    docx = read_docx(io.BytesIO(file.content))
    assert [p.text for p in docx.paragraphs if p.style.name == "Heading 1"] == [
        "Summary for the board",
        "Goals and the golden thread",
    ]


@pytest.mark.django_db
def test_it_refuses_an_unknown_section_or_format(client, token):
    bad = client.post(f"{BASE}/exports", {"format": "odt"}, content_type="application/json", **token)
    assert bad.status_code == 422
    unknown = client.post(
        f"{BASE}/exports", {"format": "pdf", "sections": ["budget"]}, content_type="application/json", **token
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"].startswith("sections")


@pytest.mark.django_db
def test_it_lists_the_changed_figures_between_two_versions(client, token, next_version):
    first, second = next_version("goals.kpis", "0", 0)
    response = client.get(f"{BASE}/compare", {"older": second.public_id, "newer": first.public_id}, **token)
    assert [(c["key"], c["new"]) for c in response.json()] == [("goals.kpis", "0")]
    assert client.get(f"{BASE}/compare", **token).status_code == 422


@pytest.mark.django_db
def test_it_gives_another_organisation_nothing(outsider_client, org):
    export = PolicyExport.objects.filter(organization=org).first()
    assert outsider_client.get(f"{BASE}/exports").status_code == 404
    assert outsider_client.get(f"/api/v1/orgs/demo-other/policy/exports/{export.public_id}/file").status_code == 404
