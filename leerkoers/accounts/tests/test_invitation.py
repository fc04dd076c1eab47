import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from leerkoers.accounts.models import User
from leerkoers.orgs.models import Invitation, Membership, Role, Team

PASSWORD = "Samen-leren-2026"  # noqa: S105


def _invite(admin_client, email, role="manager", team=""):
    response = admin_client.post(reverse("orgs:members", args=["demo"]), {"email": email, "role": role, "team": team})
    assert response.status_code == 302, response.content.decode()
    return response


def _link_path(mail) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/invitation/\S+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def test_it_turns_an_invitation_into_a_membership_with_its_role(client, admin_client, org, mailoutbox):
    team = Team.objects.get(organization=org, name="Zorg Zuid")
    _invite(admin_client, "Nieuw.Lid@Demo.example", role="manager", team=team.pk)
    assert mailoutbox[0].to == ["nieuw.lid@demo.example"]
    assert "Zorggroep Demo" in mailoutbox[0].subject
    link = _link_path(mailoutbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert "nieuw.lid@demo.example" in page.content.decode()

    response = client.post(link, {"full_name": "Nina Nieuw", "password1": PASSWORD, "password2": PASSWORD})
    assert response["Location"] == "/o/demo/"
    user = User.objects.get(email="nieuw.lid@demo.example")
    membership = Membership.objects.get(organization=org, user=user)
    assert (membership.role, membership.team, user.full_name) == (Role.MANAGER, team, "Nina Nieuw")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/o/demo/").status_code == 200


def test_it_uses_an_invitation_link_only_once(client, admin_client, mailoutbox):
    _invite(admin_client, "eenmalig@demo.example")
    link = _link_path(mailoutbox[0])
    client.post(link, {"full_name": "Eva", "password1": PASSWORD, "password2": PASSWORD})
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert "This invitation cannot be used" in response.content.decode()
    response = client.post(link, {"full_name": "Eva 2", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 410


def test_it_refuses_an_expired_invitation(client, admin_client, mailoutbox):
    _invite(admin_client, "te.laat@demo.example")
    Invitation.objects.filter(email="te.laat@demo.example").update(expires_at=timezone.now() - timedelta(minutes=1))
    link = _link_path(mailoutbox[0])
    response = client.post(link, {"full_name": "Te Laat", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 410
    assert not User.objects.filter(email="te.laat@demo.example").exists()


def test_it_answers_an_unknown_link_with_not_found(client, db):
    response = client.get("/accounts/invitation/made-up-token/")
    assert response.status_code == 404
    assert "This invitation cannot be used" in response.content.decode()


def test_it_asks_an_existing_account_to_sign_in_first(client, admin_client, outsider, org, mailoutbox):
    _invite(admin_client, outsider.email, role="employee")
    link = _link_path(mailoutbox[0])
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={link}"
    assert not Membership.objects.filter(organization=org, user=outsider).exists()

    response = client.post(
        response["Location"], {"email": outsider.email, "password": "leerkoers-demo", "next": link}, follow=True
    )
    assert response.redirect_chain[-1][0] == link
    assert "Accept the invitation" in response.content.decode()
    response = client.post(link)
    assert response["Location"] == "/o/demo/"
    assert Membership.objects.get(organization=org, user=outsider).role == Role.EMPLOYEE


def test_it_refuses_an_invitation_for_another_signed_in_account(employee_client, admin_client, org, mailoutbox):
    _invite(admin_client, "iemand.anders@demo.example")
    link = _link_path(mailoutbox[0])
    response = employee_client.post(link)
    assert response.status_code == 403
    assert "This invitation is for someone else" in response.content.decode()
    assert Invitation.objects.get(email="iemand.anders@demo.example").accepted_at is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"full_name": "", "password1": PASSWORD, "password2": PASSWORD}, "This field is required."),
        (
            {"full_name": "Nina", "password1": PASSWORD, "password2": PASSWORD + "x"},
            "The two passwords are not the same.",
        ),
        ({"full_name": "Nina", "password1": "12345678", "password2": "12345678"}, "This password is entirely numeric."),
    ],
)
def test_it_explains_bad_registration_input(client, admin_client, mailoutbox, data, message):
    _invite(admin_client, "nina@demo.example")
    response = client.post(_link_path(mailoutbox[0]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="nina@demo.example").exists()


def test_it_replaces_an_open_invitation_when_inviting_again(client, admin_client, org, mailoutbox):
    _invite(admin_client, "twee.keer@demo.example", role="employee")
    _invite(admin_client, "twee.keer@demo.example", role="manager")
    assert Invitation.objects.filter(organization=org, email="twee.keer@demo.example").count() == 1
    assert client.get(_link_path(mailoutbox[0])).status_code == 404
    response = client.post(
        _link_path(mailoutbox[1]), {"full_name": "Twee", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert Membership.objects.get(organization=org, user__email="twee.keer@demo.example").role == Role.MANAGER
