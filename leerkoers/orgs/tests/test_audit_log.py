import pytest
from django.urls import reverse

from leerkoers.audit.models import AuditEvent
from leerkoers.audit.services import audit_record
from leerkoers.orgs.models import ApiToken, Team

AUDIT = reverse("orgs:audit_log", args=["demo"])


def test_it_shows_the_recorded_changes(admin_client, org, other_org, django_assert_max_num_queries):
    admin_client.post(reverse("orgs:teams", args=["demo"]), {"name": "Innovatieteam"})
    audit_record(organization=other_org, actor=None, action="team.create", summary="Geheim team")
    with django_assert_max_num_queries(8):
        response = admin_client.get(AUDIT)
    page = response.content.decode()
    assert "team.create" in page and "Innovatieteam" in page and "admin@demo.example" in page
    assert "Geheim team" not in page


def test_it_pages_a_long_trail(admin_client, org):
    AuditEvent.objects.bulk_create(
        AuditEvent(organization=org, action="test.event", summary=f"e{i}") for i in range(60)
    )
    assert "Page 1 of 2" in admin_client.get(AUDIT).content.decode()
    assert admin_client.get(AUDIT, {"page": "2"}).status_code == 200
    assert admin_client.get(AUDIT, {"page": "abc"}).status_code == 200
    assert admin_client.get(AUDIT, {"page": "9999"}).status_code == 200


def test_it_names_an_api_token_as_the_actor(org):
    token = ApiToken.objects.get(organization=org, name="LMS (demo)")
    team = Team.objects.filter(organization=org).first()
    event = audit_record(organization=org, actor=token, action="team.update", target=team)
    assert event.actor is None and event.actor_label.startswith("API token LMS (demo)")
    assert (event.object_type, event.object_id) == ("orgs.Team", str(team.pk))


@pytest.mark.parametrize("cast", ["director_client", "manager_client", "employee_client"])
def test_it_refuses_the_trail_to_other_roles(request, db, cast):
    assert request.getfixturevalue(cast).get(AUDIT).status_code == 403


def test_it_filters_the_trail_by_action_and_person(admin_client, org, director_user):
    audit_record(organization=org, actor=director_user, action="team.create", summary="Team van de directeur")
    audit_record(organization=org, actor=None, action="test.other", summary="Iets anders")
    page = admin_client.get(AUDIT, {"action": "team.create"}).content.decode()
    assert "Team van de directeur" in page and "Iets anders" not in page
    assert '<option value="team.create" selected>Team added</option>' in page
    page = admin_client.get(AUDIT, {"who": "DIRECTOR@"}).content.decode()
    assert "Team van de directeur" in page and "Iets anders" not in page
    # An unknown action is ignored rather than an error.
    page = admin_client.get(AUDIT, {"action": "<script>"}).content.decode()
    assert "Iets anders" in page and "Team van de directeur" in page
