import pytest
from django.urls import reverse

from leerkoers.audit.models import AuditEvent
from leerkoers.orgs.models import Invitation, Membership, Role, Team

MEMBERS = reverse("orgs:members", args=["demo"])


def _member(org, email):
    return Membership.objects.get(organization=org, user__email=email)


def test_it_lists_the_members_with_their_roles(admin_client, org, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = admin_client.get(MEMBERS)
    assert response.status_code == 200
    page = response.content.decode()
    assert "manager@demo.example" in page and "medewerker020@demo.example" in page
    assert "nieuw@demo.example" in page  # the open invitation


def test_it_keeps_the_number_of_queries_flat_as_members_grow(admin_client, org, django_assert_max_num_queries):
    from leerkoers.accounts.models import User

    for i in range(30):
        user = User.objects.create_user(email=f"extra{i}@demo.example", password=None)
        Membership.objects.create(organization=org, user=user, role=Role.EMPLOYEE)
    with django_assert_max_num_queries(10):
        assert admin_client.get(MEMBERS).status_code == 200


@pytest.mark.parametrize("cast", ["director_client", "manager_client", "employee_client"])
def test_it_refuses_the_members_page_to_other_roles(request, db, cast, org):
    client = request.getfixturevalue(cast)
    assert client.get(MEMBERS).status_code == 403
    employee = _member(org, "employee@demo.example")
    assert client.post(reverse("orgs:member_role", args=["demo", employee.pk]), {"role": "admin"}).status_code == 403
    assert client.post(reverse("orgs:member_remove", args=["demo", employee.pk])).status_code == 403
    assert _member(org, "employee@demo.example").role == Role.EMPLOYEE


def test_it_lets_an_advisor_manage_members(advisor_client):
    assert advisor_client.get(MEMBERS).status_code == 200


def test_it_changes_a_role_and_records_it(admin_client, admin_user, org):
    employee = _member(org, "employee@demo.example")
    response = admin_client.post(
        reverse("orgs:member_role", args=["demo", employee.pk]), {"role": "manager"}, follow=True
    )
    assert "Role of Sven Bakker changed." in response.content.decode()
    assert _member(org, "employee@demo.example").role == Role.MANAGER
    event = AuditEvent.objects.get(organization=org, action="membership.change_role")
    assert (event.actor, event.changes) == (admin_user, {"role": ["employee", "manager"]})


@pytest.mark.parametrize("role", ["", "owner", "ADMIN", "x" * 500])
def test_it_explains_a_role_that_does_not_exist(admin_client, org, role):
    employee = _member(org, "employee@demo.example")
    response = admin_client.post(reverse("orgs:member_role", args=["demo", employee.pk]), {"role": role}, follow=True)
    assert response.status_code == 200
    assert "Choose one of the roles." in response.content.decode()
    assert _member(org, "employee@demo.example").role == Role.EMPLOYEE


def test_it_keeps_the_last_admin(admin_client, org):
    admin = _member(org, "admin@demo.example")
    response = admin_client.post(
        reverse("orgs:member_role", args=["demo", admin.pk]), {"role": "employee"}, follow=True
    )
    assert "An organisation needs at least one HR / L&amp;D admin." in response.content.decode()
    response = admin_client.post(reverse("orgs:member_remove", args=["demo", admin.pk]), follow=True)
    assert "An organisation needs at least one HR / L&amp;D admin." in response.content.decode()
    assert _member(org, "admin@demo.example").role == Role.ADMIN


def test_it_lets_an_admin_step_down_when_another_admin_remains(admin_client, org):
    director = _member(org, "director@demo.example")
    admin_client.post(reverse("orgs:member_role", args=["demo", director.pk]), {"role": "admin"})
    admin = _member(org, "admin@demo.example")
    response = admin_client.post(reverse("orgs:member_role", args=["demo", admin.pk]), {"role": "employee"})
    assert _member(org, "admin@demo.example").role == Role.EMPLOYEE
    assert response["Location"] == "/o/demo/"  # the members page is no longer theirs


def test_it_sends_an_admin_who_removed_themselves_away(admin_client, org):
    director = _member(org, "director@demo.example")
    admin_client.post(reverse("orgs:member_role", args=["demo", director.pk]), {"role": "admin"})
    admin = _member(org, "admin@demo.example")
    response = admin_client.post(reverse("orgs:member_remove", args=["demo", admin.pk]))
    assert response["Location"] == reverse("landing")
    assert admin_client.get("/o/demo/").status_code == 404


def test_it_removes_a_member_and_clears_the_teams_they_managed(admin_client, org):
    manager = _member(org, "manager@demo.example")
    team = Team.objects.get(organization=org, name="Wijkteam Noord")
    assert team.manager == manager
    response = admin_client.post(reverse("orgs:member_remove", args=["demo", manager.pk]), follow=True)
    assert "no longer has access" in response.content.decode()
    assert not Membership.objects.filter(pk=manager.pk).exists()
    team.refresh_from_db()
    assert team.manager is None
    assert AuditEvent.objects.filter(organization=org, action="membership.remove").exists()


def test_it_refuses_get_on_the_change_addresses(admin_client, org):
    employee = _member(org, "employee@demo.example")
    assert admin_client.get(reverse("orgs:member_role", args=["demo", employee.pk])).status_code == 405
    assert admin_client.get(reverse("orgs:member_remove", args=["demo", employee.pk])).status_code == 405


def test_it_answers_an_unknown_member_with_not_found(admin_client):
    assert admin_client.post(reverse("orgs:member_role", args=["demo", 999999]), {"role": "admin"}).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "role": "employee"}, "This field is required."),
        ({"email": "geen-adres", "role": "employee"}, "Enter a valid email address."),
        (
            {"email": "a@demo.example", "role": "owner"},
            "Select a valid choice. owner is not one of the available choices.",
        ),
        ({"email": "a@demo.example", "role": "employee", "team": "999999"}, "Select a valid choice."),
        ({"email": "a@demo.example", "role": "employee", "team": "abc"}, "Select a valid choice."),
        ({"email": "Employee@demo.example", "role": "employee"}, "This person is already a member."),
    ],
)
def test_it_explains_a_bad_invitation(admin_client, mailoutbox, data, message):
    response = admin_client.post(MEMBERS, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert mailoutbox == []


def test_it_refuses_a_team_of_another_organisation_in_an_invitation(admin_client, other_org, mailoutbox):
    foreign = Team.objects.filter(organization=other_org).first()
    response = admin_client.post(MEMBERS, {"email": "a@demo.example", "role": "employee", "team": foreign.pk})
    assert "Select a valid choice." in response.content.decode()
    assert mailoutbox == []


def test_it_withdraws_an_open_invitation(admin_client, org):
    invitation = Invitation.objects.get(organization=org, email="nieuw@demo.example")
    response = admin_client.post(reverse("orgs:invitation_revoke", args=["demo", invitation.pk]), follow=True)
    assert "Invitation withdrawn." in response.content.decode()
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    assert AuditEvent.objects.filter(organization=org, action="invitation.revoke").exists()


def test_it_moves_a_member_to_another_team_and_records_it(admin_client, org):
    employee = _member(org, "employee@demo.example")
    zuid = Team.objects.get(organization=org, name="Wijkteam Zuid")
    response = admin_client.post(
        reverse("orgs:member_team", args=["demo", employee.pk]), {"team": zuid.pk}, follow=True
    )
    assert "Team of Sven Bakker changed." in response.content.decode()
    assert _member(org, "employee@demo.example").team == zuid
    event = AuditEvent.objects.get(organization=org, action="membership.change_team")
    assert event.changes == {"team": ["Wijkteam Noord", "Wijkteam Zuid"]}
    admin_client.post(reverse("orgs:member_team", args=["demo", employee.pk]), {"team": ""})
    assert _member(org, "employee@demo.example").team is None


@pytest.mark.parametrize("team", ["999999", "abc", "other"])
def test_it_explains_a_team_that_is_not_the_organisations(admin_client, org, other_org, team):
    if team == "other":
        team = Team.objects.get(organization=other_org, name="Werkplaats").pk
    employee = _member(org, "employee@demo.example")
    response = admin_client.post(reverse("orgs:member_team", args=["demo", employee.pk]), {"team": team}, follow=True)
    assert "Choose one of the organisation&#x27;s teams." in response.content.decode()
    assert _member(org, "employee@demo.example").team.name == "Wijkteam Noord"


def test_it_refuses_team_changes_to_other_roles(manager_client, org):
    employee = _member(org, "employee@demo.example")
    assert manager_client.post(reverse("orgs:member_team", args=["demo", employee.pk]), {"team": ""}).status_code == 403
