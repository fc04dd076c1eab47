"""The organisation's API: the organisation, teams (read and write) and members."""

import pytest
from django.test import Client

from leerkoers.audit.models import AuditEvent
from leerkoers.orgs.models import ApiToken, Membership, Team
from leerkoers.orgs.services import api_token_create

API = "/api/v1/orgs/demo"


def _token_client(org, user, *, can_write):
    _token, raw = api_token_create(organization=org, name="test", can_write=can_write, created_by=user)
    return Client(headers={"authorization": f"Bearer {raw}", "accept-language": "en"})


@pytest.fixture
def writer(org, admin_user):
    return _token_client(org, admin_user, can_write=True)


@pytest.fixture
def reader(org, admin_user):
    return _token_client(org, admin_user, can_write=False)


def test_it_describes_the_organisation_and_the_callers_role(employee_client, reader):
    assert employee_client.get(f"{API}/").json() == {
        "slug": "demo",
        "name": "Zorggroep Demo",
        "sector": "care",
        "size_band": "50-249",
        "role": "employee",
    }
    assert reader.get(f"{API}/").json()["role"] == "admin"


def test_it_lists_teams_as_a_page(reader, org, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        body = reader.get(f"{API}/teams", {"limit": 3}).json()
    assert body["count"] == Team.objects.filter(organization=org).count()
    assert [team["name"] for team in body["items"]] == ["Bestuur en staf", "Dagbesteding", "Facilitair en ICT"]
    assert set(body["items"][0]) == {"id", "name", "parent", "manager"}
    rest = reader.get(f"{API}/teams", {"limit": 3, "offset": 3}).json()["items"]
    assert rest[0]["name"] == "HR en Opleidingen"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"limit": 0}, "limit must be between 1 and 500."),
        ({"limit": 501}, "limit must be between 1 and 500."),
        ({"offset": -1}, "offset cannot be negative."),
    ],
)
def test_it_explains_bad_paging(reader, query, message):
    response = reader.get(f"{API}/teams", query)
    assert response.status_code == 422
    assert response.json()["detail"] == message


@pytest.mark.parametrize("offset", [11, 10**6, 2**63, 10**30])
def test_it_answers_an_offset_past_the_end_with_an_empty_page(reader, org, offset):
    response = reader.get(f"{API}/teams", {"offset": offset})
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": Team.objects.filter(organization=org).count()}


def test_it_explains_a_paging_value_that_is_not_a_number(reader):
    response = reader.get(f"{API}/members", {"limit": "veel"})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "The request is not valid."
    assert body["errors"][0]["field"] == "limit"


def test_it_lists_members_for_admins(reader, org, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        body = reader.get(f"{API}/members", {"limit": 500}).json()
    assert body["count"] == Membership.objects.filter(organization=org).count() == len(body["items"])
    admin = next(item for item in body["items"] if item["email"] == "admin@demo.example")
    assert (admin["name"], admin["role"]) == ("Hanneke de Wit", "admin")


def test_it_filters_members_by_role(reader):
    body = reader.get(f"{API}/members", {"role": "director"}).json()
    assert [item["email"] for item in body["items"]] == ["director@demo.example"]
    response = reader.get(f"{API}/members", {"role": "baas"})
    assert response.status_code == 422
    assert "role must be one of" in response.json()["detail"]


@pytest.mark.parametrize("cast", ["director_client", "manager_client", "employee_client"])
def test_it_refuses_the_member_list_to_other_roles(request, db, cast):
    response = request.getfixturevalue(cast).get(f"{API}/members")
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission to do this."}


def test_it_answers_a_missing_team_with_json_not_found(reader):
    response = reader.get(f"{API}/teams/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_it_adds_a_team_with_a_read_write_token_and_records_it(writer, org):
    parent = Team.objects.get(organization=org, name="Zorg Zuid")
    response = writer.post(
        f"{API}/teams", {"name": "Wijkteam West", "parent": parent.pk}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["parent"], body["manager"]) == ("Wijkteam West", parent.pk, None)
    event = AuditEvent.objects.get(organization=org, action="team.create")
    assert event.actor_label.startswith("API token test")


def test_it_refuses_writes_with_a_read_only_token(reader, org):
    response = reader.post(f"{API}/teams", {"name": "Nee"}, content_type="application/json")
    assert response.status_code == 403
    team = Team.objects.get(organization=org, name="Zorg Zuid")
    response = reader.patch(f"{API}/teams/{team.pk}", {"name": "Nee"}, content_type="application/json")
    assert response.status_code == 403
    # Even a malformed body gets 403, not a 422 about the body.
    assert reader.post(f"{API}/teams", "{", content_type="application/json").status_code == 403
    assert not Team.objects.filter(name="Nee").exists()


def test_it_refuses_team_writes_to_members_who_are_not_admins(manager_client, org):
    response = manager_client.post(f"{API}/teams", {"name": "Nee"}, content_type="application/json")
    assert response.status_code == 403


def test_it_renames_and_moves_a_team(writer, org):
    team = Team.objects.get(organization=org, name="Dagbesteding")
    noord = Team.objects.get(organization=org, name="Zorg Noord")
    response = writer.patch(
        f"{API}/teams/{team.pk}", {"name": "Dagbesteding Noord", "parent": noord.pk}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    team.refresh_from_db()
    assert (team.name, team.parent) == ("Dagbesteding Noord", noord)
    event = AuditEvent.objects.get(organization=org, action="team.update")
    assert event.changes["name"] == ["Dagbesteding", "Dagbesteding Noord"]


def test_it_changes_only_the_fields_sent(writer, org):
    team = Team.objects.get(organization=org, name="Wijkteam Noord")
    manager, parent = team.manager_id, team.parent_id
    writer.patch(f"{API}/teams/{team.pk}", {"name": "Wijkteam Noord-Oost"}, content_type="application/json")
    team.refresh_from_db()
    assert (team.name, team.manager_id, team.parent_id) == ("Wijkteam Noord-Oost", manager, parent)
    writer.patch(f"{API}/teams/{team.pk}", {"manager": None, "parent": None}, content_type="application/json")
    team.refresh_from_db()
    assert (team.manager_id, team.parent_id) == (None, None)


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"name": "Zorg Noord"}, "name", "There is already a team with this name."),
        ({"name": ""}, "name", "String should have at least 1 character"),
        ({"name": None}, "", "A team's name cannot be empty."),
        ({"name": "  "}, "name", "Give the team a name."),
        ({"name": "x" * 201}, "name", "String should have at most 200 characters"),
        ({"parent": 999999}, "parent", "Choose one of the organisation's teams."),
        ({"parent": "abc"}, "parent", "Input should be a valid integer"),
        ({"manager": 999999}, "manager", "Choose one of the organisation's members."),
        ({"parent": "self"}, "parent", "A team cannot be part of itself"),
        ({"parent": "child"}, "parent", "A team cannot be part of itself"),
    ],
)
def test_it_explains_a_bad_team_change(writer, org, payload, field, message):
    team = Team.objects.get(organization=org, name="Zorg Zuid")
    child = Team.objects.get(organization=org, name="Wijkteam Zuid")
    payload = {key: {"self": team.pk, "child": child.pk}.get(value, value) for key, value in payload.items()}
    response = writer.patch(f"{API}/teams/{team.pk}", payload, content_type="application/json")
    assert response.status_code == 422, response.content
    body = response.json()
    text = body["detail"] + " ".join(error["message"] for error in body.get("errors", []))
    assert message in text
    if field:
        assert body["errors"][0]["field"] == field
    team.refresh_from_db()
    assert (team.name, team.parent_id) == ("Zorg Zuid", None)


@pytest.mark.parametrize(
    "body",
    ["", "{", "[]", "null", '{"name": 5}', '{"name": ["a"]}', '{"parent": 1.5}', "\xff\xfe"],
)
def test_it_answers_a_broken_body_with_json_422(writer, org, body):
    response = writer.post(f"{API}/teams", body, content_type="application/json")
    assert response.status_code in (400, 422), response.content
    assert "detail" in response.json()
    assert not Team.objects.filter(organization=org, name="5").exists()


def test_it_refuses_a_parent_from_another_organisation(writer, other_org):
    foreign = Team.objects.get(organization=other_org, name="Werkplaats")
    response = writer.post(f"{API}/teams", {"name": "Nieuw", "parent": foreign.pk}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "parent", "message": "Choose one of the organisation's teams."}]


def test_it_keeps_token_bookkeeping_cheap(reader, org):
    token = ApiToken.objects.get(organization=org, name="test")
    assert token.last_used is None
    reader.get(f"{API}/")
    token.refresh_from_db()
    first = token.last_used
    assert first is not None
    reader.get(f"{API}/")
    token.refresh_from_db()
    assert token.last_used == first  # not rewritten within the minute


@pytest.mark.parametrize("body", ['{"name": "Team\\u0000X"}', b'{"name": "Team\x00X"}'])
def test_it_refuses_null_characters_which_postgresql_cannot_store(writer, org, body):
    response = writer.post(f"{API}/teams", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {"detail": "Text cannot contain null characters."}
    assert not Team.objects.filter(organization=org, name__startswith="Team").exists()
