"""The access mechanism itself: who gets in, with which role, and what lookups see."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from leerkoers.jobs.models import Job
from leerkoers.orgs.access import EVERYONE, STEERING, org_view, resolve_access
from leerkoers.orgs.models import ADVISOR, AdvisorGrant, Role, Team


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_it_gives_members_their_role(admin_user, employee_user):
    assert resolve_access(_request(admin_user), "demo").role == Role.ADMIN
    assert resolve_access(_request(employee_user), "demo").role == Role.EMPLOYEE


def test_it_gives_a_granted_advisor_the_advisor_role(advisor_user):
    access = resolve_access(_request(advisor_user), "demo", STEERING)
    assert access.role == ADVISOR and access.is_admin and access.membership is None


def test_it_hides_the_organisation_from_an_advisor_without_a_grant(advisor_user, org):
    AdvisorGrant.objects.filter(organization=org, advisor=advisor_user).delete()
    with pytest.raises(Http404):
        resolve_access(_request(advisor_user), "demo")


def test_it_refuses_a_member_without_the_role(employee_user):
    with pytest.raises(PermissionDenied):
        resolve_access(_request(employee_user), "demo", STEERING)


def test_it_gives_the_same_answer_for_missing_and_foreign_organisations(outsider):
    for slug in ("demo", "no-such-org"):
        with pytest.raises(Http404):
            resolve_access(_request(outsider), slug)


def test_it_only_finds_the_organisations_own_rows(admin_user, other_org):
    access = resolve_access(_request(admin_user), "demo")
    foreign = Team.objects.get(organization=other_org, name="Werkplaats")
    with pytest.raises(Http404):
        access.get(Team, pk=foreign.pk)
    assert not access.filter(Team, name="Werkplaats").exists()


@pytest.mark.parametrize(
    ("model", "lookup"), [(Team, {"pk": "abc"}), (Job, {"pk": "not-a-uuid"}), (Team, {"pk": None})]
)
def test_it_answers_a_malformed_id_with_not_found(admin_user, model, lookup):
    access = resolve_access(_request(admin_user), "demo")
    with pytest.raises(Http404):
        access.get(model, **lookup)


def test_it_refuses_a_view_that_names_no_role_rule():
    with pytest.raises(TypeError):
        org_view()
    with pytest.raises(TypeError):
        org_view(read=EVERYONE)
    with pytest.raises(TypeError):
        org_view(EVERYONE, write=EVERYONE)
