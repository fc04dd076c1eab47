"""The responsibility matrix: shown as an accessible table, changed by HR, validated."""

import pytest

from leerkoers.ownership.models import LearningProcess


def _letters(**rows):
    data = {"rows": []}
    for key, letters in rows.items():
        data["rows"].append(f"row-{key}")
        for layer, letter in zip(("board", "hr", "managers", "employees"), letters, strict=True):
            data[f"row-{key}-{layer}"] = letter.strip()
    return data


def test_it_shows_the_matrix_as_a_table_with_headers(employee_client):
    page = employee_client.get("/o/demo/ownership/matrix/").content.decode()
    assert '<th scope="col">Board</th>' in page
    assert '<th scope="row">Learning budget</th>' in page or "Learning budget" in page
    assert "<select" not in page  # reading only


def test_hr_changes_a_letter(admin_client, org):
    response = admin_client.post("/o/demo/ownership/matrix/", _letters(budget="ARCI"), follow=True)
    assert "Responsibility matrix saved." in response.content.decode()
    row = LearningProcess.objects.get(organization=org, key="budget")
    assert (row.board, row.hr, row.managers, row.employees) == ("A", "R", "C", "I")


@pytest.mark.parametrize(("letters", "message"), [("RRCI", "now 0"), ("AARI", "now 2")])
def test_it_refuses_zero_or_two_accountables_and_saves_nothing(admin_client, org, letters, message):
    before = LearningProcess.objects.get(organization=org, key="needs_analysis").letters()
    data = _letters(budget="ARCI", needs_analysis=letters)
    response = admin_client.post("/o/demo/ownership/matrix/", data, follow=True)
    assert f"exactly one layer must be Accountable (A); {message}." in response.content.decode()
    assert LearningProcess.objects.get(organization=org, key="needs_analysis").letters() == before


def test_the_api_refuses_two_accountables_with_the_same_message(admin_client):
    response = admin_client.put(
        "/api/v1/orgs/demo/ownership/matrix",
        {"rows": {"budget": {"board": "A", "hr": "A", "managers": "R", "employees": "I"}}},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "exactly one layer must be Accountable (A); now 2." in str(response.json()["errors"])


def test_hr_adds_and_removes_an_own_process(admin_client, org):
    admin_client.post(
        "/o/demo/ownership/matrix/processes/",
        {"name": "Mentoring", "board": "", "hr": "A", "managers": "R", "employees": "C"},
    )
    process = LearningProcess.objects.get(organization=org, name="Mentoring")
    admin_client.post(f"/o/demo/ownership/matrix/processes/{process.public_id}/delete/")
    assert not LearningProcess.objects.filter(pk=process.pk).exists()


def test_the_template_processes_stay(admin_client, org):
    process = LearningProcess.objects.get(organization=org, key="budget")
    response = admin_client.post(f"/o/demo/ownership/matrix/processes/{process.public_id}/delete/", follow=True)
    assert "The processes of the template stay in the matrix" in response.content.decode()
    assert LearningProcess.objects.filter(pk=process.pk).exists()


def test_the_responsible_layer_sees_the_open_work_of_its_processes(manager_client, employee_client, org):
    # Template: managers are R for needs analysis, planning and evaluation; employees R for
    # choosing activities.
    manager_page = manager_client.get("/o/demo/ownership/").content.decode()
    assert "Teams without a learning plan this year" in manager_page
    assert "Your plans still to share" not in manager_page
    employee_page = employee_client.get("/o/demo/ownership/").content.decode()
    assert "Your plans still to share" in employee_page
    assert "Teams without a learning plan this year" not in employee_page


def test_moving_the_r_moves_the_open_work(admin_client, manager_client, org):
    admin_client.post("/o/demo/ownership/matrix/", _letters(activity_choice="ICAR".replace("C", "C")))
    admin_client.post("/o/demo/ownership/matrix/", _letters(activity_choice="ICRA"))
    assert "Plans waiting for your agreement" in manager_client.get("/o/demo/ownership/").content.decode()


def test_the_step_page_answers_within_a_fixed_number_of_queries(
    admin_client, manager_client, django_assert_max_num_queries
):
    for client in (admin_client, manager_client):
        with django_assert_max_num_queries(17):
            assert client.get("/o/demo/ownership/").status_code == 200
