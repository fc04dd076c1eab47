"""A member's own data: the download (never their anonymous answers), and what removing a
member leaves behind (pseudonyms instead of their address; figures unchanged)."""

import json

import pytest
from django.urls import reverse

from leerkoers.audit.models import AuditEvent
from leerkoers.inventory.importing.keys import pseudonym
from leerkoers.inventory.models import Participation
from leerkoers.orgs.models import Membership

pytestmark = pytest.mark.django_db


def _download(client, org):
    response = client.get(reverse("portability:my_data_download", kwargs={"org_slug": org.slug}))
    return response, json.loads(response.content) if response.status_code == 200 else None


def _keys(value) -> set:
    if isinstance(value, dict):
        return set(value) | set().union(*(_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_keys(v) for v in value)) if value else set()
    return set()


def test_it_gives_a_member_their_own_data_without_answers_or_secrets(employee_client, employee_user, org):
    membership = Membership.objects.get(organization=org, user=employee_user)
    response, data = _download(employee_client, org)
    assert response["Content-Disposition"] == 'attachment; filename="my-data-demo.json"'
    assert data["profile"]["email"] == "employee@demo.example"
    assert data["membership"]["role"] == "employee"
    participations = data["tables"].get("inventory.participation", {}).get("rows", [])
    assert len(participations) == Participation.objects.filter(membership=membership).count()
    for label in ("scan.scanresponse", "vision.visionanswer", "vision.visionrating", "vision.visionparticipant"):
        assert label not in data["tables"]
    for label in ("scan.scaninvitation", "vision.visioninvitation"):
        if label in data["tables"]:
            assert set(data["tables"][label]) <= {"count", "used"}
    assert not [k for k in _keys(data) if "token" in k or "hash" in k or "salt" in k]


def test_it_shows_a_member_what_is_kept_about_them(employee_client, org):
    page = employee_client.get(reverse("portability:my_data", kwargs={"org_slug": org.slug}))
    assert page.status_code == 200
    assert "employee@demo.example" in page.content.decode()


def test_it_never_shows_another_members_data(employee_client, outsider_client, advisor_client, org):
    _response, data = _download(employee_client, org)
    assert "admin@demo.example" not in json.dumps(data)
    assert _download(outsider_client, org)[0].status_code == 404
    # An advisor has no membership here: the page says so, there is nothing to download.
    page = advisor_client.get(reverse("portability:my_data", kwargs={"org_slug": org.slug}))
    assert "it keeps no membership of yours" in page.content.decode()
    assert _download(advisor_client, org)[0].status_code == 404


def test_it_pseudonymises_a_removed_member_and_keeps_the_figures(admin_client, org):
    membership = (
        Membership.objects.filter(organization=org, participations__isnull=False, role="employee")
        .select_related("user")
        .first()
    )
    email = membership.user.email
    theirs = list(Participation.objects.filter(membership=membership).values_list("pk", "team_id", "hours"))
    assert theirs
    people_before = Participation.objects.filter(organization=org).values("person_key").distinct().count()

    url = reverse("orgs:member_remove", kwargs={"org_slug": org.slug, "membership_id": membership.pk})
    assert admin_client.post(url).status_code == 302

    after = list(
        Participation.objects.filter(pk__in=[pk for pk, _t, _h in theirs]).values_list("pk", "team_id", "hours")
    )
    assert after == theirs  # same rows, same teams, same hours
    keys = set(Participation.objects.filter(pk__in=[pk for pk, _t, _h in theirs]).values_list("person_key", flat=True))
    assert keys == {pseudonym(email)}
    assert Participation.objects.filter(organization=org).values("person_key").distinct().count() == people_before
    assert not Participation.objects.filter(person_key__iexact=email).exists()
    events = AuditEvent.objects.filter(organization=org)
    assert not events.filter(summary__icontains=email).exists()
    assert not events.filter(actor_label=email).exists()
    assert events.filter(action="membership.remove", summary=pseudonym(email)).exists()


def test_it_includes_the_members_development_plan_with_its_goals(org, client):
    from leerkoers.ownership.models import Pop, PopGoal

    pop = Pop.objects.filter(organization=org, goals__isnull=False).select_related("member__user").first()
    assert pop is not None, "the demo has a development plan with goals"
    client.force_login(pop.member.user)
    _response, data = _download(client, org)
    assert [row["id"] for row in data["tables"]["ownership.pop"]["rows"]] == [pop.pk]
    goals = {row["id"] for row in data["tables"]["ownership.popgoal"]["rows"]}
    assert goals == set(PopGoal.objects.filter(pop=pop).values_list("pk", flat=True))
    others = PopGoal.objects.filter(organization=org).exclude(pop__member=pop.member)
    assert not goals & set(others.values_list("pk", flat=True))
