import pytest
from django.urls import reverse

from leerkoers.audit.models import AuditEvent
from leerkoers.orgs.models import Membership, Team

TEAMS = reverse("orgs:teams", args=["demo"])


def test_it_shows_the_team_tree_with_managers(employee_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = employee_client.get(TEAMS)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Wijkteam Noord" in page and "Marieke Jansen" in page
    # Children follow their parent.
    assert page.index("Zorg Noord") < page.index("Verpleeghuis De Linde") < page.index("Zorg Zuid")
    assert "Add a team" not in page


def test_it_refuses_an_employee_who_posts_a_team(employee_client, org):
    assert employee_client.post(TEAMS, {"name": "Stiekem"}).status_code == 403
    assert not Team.objects.filter(organization=org, name="Stiekem").exists()


def test_it_adds_a_team_in_the_tree_with_a_manager(admin_client, admin_user, org):
    parent = Team.objects.get(organization=org, name="Zorg Noord")
    manager = Membership.objects.get(organization=org, user__email="manager@demo.example")
    response = admin_client.post(
        TEAMS, {"name": "Wijkteam Oost", "parent": parent.pk, "manager": manager.pk}, follow=True
    )
    assert "Team Wijkteam Oost added." in response.content.decode()
    team = Team.objects.get(organization=org, name="Wijkteam Oost")
    assert (team.parent, team.manager) == (parent, manager)
    assert AuditEvent.objects.get(organization=org, action="team.create").actor == admin_user


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "   "}, "This field is required."),
        ({"name": "x" * 201}, "Ensure this value has at most 200 characters"),
        ({"name": "Zorg Noord"}, "There is already a team with this name."),
        ({"name": "zorg noord"}, "There is already a team with this name."),
        ({"name": "Nieuw", "parent": "999999"}, "Select a valid choice."),
        ({"name": "Nieuw", "parent": "abc"}, "Select a valid choice."),
        ({"name": "Nieuw", "manager": "999999"}, "Select a valid choice."),
        ({"name": "Nieuw\x00team"}, "Null characters are not allowed."),
    ],
)
def test_it_explains_bad_team_input(admin_client, org, data, message):
    count = Team.objects.filter(organization=org).count()
    response = admin_client.post(TEAMS, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Team.objects.filter(organization=org).count() == count


def test_it_refuses_a_parent_or_manager_of_another_organisation(admin_client, org, other_org):
    foreign_team = Team.objects.filter(organization=other_org).first()
    foreign_member = Membership.objects.filter(organization=other_org).first()
    response = admin_client.post(TEAMS, {"name": "Nieuw", "parent": foreign_team.pk, "manager": foreign_member.pk})
    assert response.content.decode().count("Select a valid choice.") == 2
    assert not Team.objects.filter(name="Nieuw").exists()


def test_it_allows_the_same_team_name_in_another_organisation(admin_client, org):
    response = admin_client.post(TEAMS, {"name": "Werkplaats"})  # demo-other has one
    assert response.status_code == 302
    assert Team.objects.filter(organization=org, name="Werkplaats").exists()


def _edit_url(team):
    return reverse("orgs:team_edit", args=["demo", team.pk])


def test_it_edits_a_team_and_records_the_change(admin_client, org):
    team = Team.objects.get(organization=org, name="Dagbesteding")
    noord = Team.objects.get(organization=org, name="Zorg Noord")
    manager = Membership.objects.get(organization=org, user__email="manager@demo.example")
    page = admin_client.get(_edit_url(team)).content.decode()
    assert 'value="Dagbesteding"' in page
    response = admin_client.post(
        _edit_url(team), {"name": "Dagbesteding Noord", "parent": noord.pk, "manager": manager.pk}, follow=True
    )
    assert "Team Dagbesteding Noord saved." in response.content.decode()
    team.refresh_from_db()
    assert (team.name, team.parent, team.manager) == ("Dagbesteding Noord", noord, manager)
    event = AuditEvent.objects.get(organization=org, action="team.update")
    assert event.changes["name"] == ["Dagbesteding", "Dagbesteding Noord"]


def test_it_refuses_to_put_a_team_under_its_own_sub_team(admin_client, org):
    zuid = Team.objects.get(organization=org, name="Zorg Zuid")
    child = Team.objects.get(organization=org, name="Wijkteam Zuid")
    response = admin_client.post(_edit_url(zuid), {"name": "Zorg Zuid", "parent": child.pk})
    assert response.status_code == 200
    assert "A team cannot be part of itself or of one of its own sub-teams." in response.content.decode()
    zuid.refresh_from_db()
    assert zuid.parent is None


def test_it_does_not_offer_a_team_as_its_own_parent(admin_client, org):
    zuid = Team.objects.get(organization=org, name="Zorg Zuid")
    response = admin_client.post(_edit_url(zuid), {"name": "Zorg Zuid", "parent": zuid.pk})
    assert "Select a valid choice." in response.content.decode()


def test_it_explains_a_duplicate_name_when_renaming(admin_client, org):
    zuid = Team.objects.get(organization=org, name="Zorg Zuid")
    response = admin_client.post(_edit_url(zuid), {"name": "ZORG NOORD"})
    assert "There is already a team with this name." in response.content.decode()


def test_it_refuses_team_editing_to_other_roles(manager_client, org):
    team = Team.objects.get(organization=org, name="Zorg Zuid")
    assert manager_client.get(_edit_url(team)).status_code == 403
    assert manager_client.post(_edit_url(team), {"name": "Nee"}).status_code == 403
