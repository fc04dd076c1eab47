"""Personal links to evaluation forms, and the attacks on anonymity they answer (issue 10, A):
padding a form through its shared link, joining links to responses in the database, and
using one link twice — each through the URLs, against the real database."""

import hashlib
import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client as Client_
from django.urls import reverse

from leerkoers.audit.models import AuditEvent
from leerkoers.jobs.models import Job
from leerkoers.orgs.models import Membership, Team
from leerkoers.pilots.demo import FINISHED, RUNNING
from leerkoers.pilots.models import EvaluationForm, EvaluationInvitation, EvaluationResponse, Pilot

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(org):
    return Pilot.objects.get(organization=org, title=RUNNING)


@pytest.fixture
def form(running, admin_client):
    admin_client.post(
        reverse("pilots:form_new", args=["demo", running.public_id]), {"level": "1", "audience": "participant"}
    )
    return EvaluationForm.objects.get(pilot=running, level=1, audience="participant")


def _invite(admin_client, form, emails=(), teams=()):
    url = reverse("pilots:form_invite", args=["demo", form.public_id])
    return admin_client.post(url, {"emails": "\n".join(emails), "teams": [str(t) for t in teams]}, follow=True)


def _tokens():
    return [re.search(r"/pilot/f/(p-[\w-]+)/", m.body).group(1) for m in mail.outbox]


def _answer(client, token, useful, recommend):
    return client.post(
        reverse("pilots_public:respond", args=[token]), {"useful": str(useful), "recommend": str(recommend)}
    )


def _forms_api(admin_client, pilot):
    return {f["id"]: f for f in admin_client.get(f"/api/v1/orgs/demo/pilots/{pilot.public_id}/forms").json()}


ADDRESSES = [f"deelnemer{i}@zorg.example" for i in range(1, 9)]


def test_it_emails_personal_links_to_team_members_and_typed_addresses_once(admin_client, form, running, org):
    team = Team.objects.get(pk=running.teams.filter(arm="pilot").first().team_id)
    member = Membership.objects.filter(organization=org, role="employee").select_related("user").first()
    Membership.objects.filter(pk=member.pk).update(team=team)
    in_team = Membership.objects.filter(organization=org, team=team).count()
    page = _invite(admin_client, form, emails=ADDRESSES[:3] + [member.user.email.upper()], teams=[team.pk])
    assert "The personal links are being e-mailed" in page.content.decode()
    assert len(mail.outbox) == in_team + 3  # the member's own address is that member, not a second link
    assert {m.to[0] for m in mail.outbox} >= {member.user.email, *ADDRESSES[:3]}
    # E-mails go out in the default language (Dutch).
    assert "/pilot/f/p-" in mail.outbox[0].body and "werkt één keer" in mail.outbox[0].body
    job = Job.objects.get(kind=f"pilot-invite:{form.public_id}")
    assert job.status == Job.Status.DONE and job.result == {"sent": in_team + 3}
    # Only the hash is kept: no raw token is in the database.
    stored = set(EvaluationInvitation.objects.filter(form=form).values_list("token_hash", flat=True))
    assert stored == {hashlib.sha256(t.encode()).hexdigest() for t in _tokens()}
    assert AuditEvent.objects.filter(action="pilots.invitations_send", organization=org).exists()
    # The page shows the progress and how many links went out; nobody is invited twice.
    page = admin_client.get(reverse("pilots:pilot", args=["demo", running.public_id])).content.decode()
    assert f"({in_team + 3} sent)" in page and f"{in_team + 3} / {in_team + 3}" in page
    _invite(admin_client, form, emails=ADDRESSES[:4], teams=[team.pk])
    assert len(mail.outbox) == in_team + 4


def test_it_refuses_teams_outside_the_pilot_bad_addresses_and_closed_forms(admin_client, form, org, running):
    outside = Team.objects.filter(organization=org).exclude(pk__in=running.teams.values("team_id")).first()
    assert "Select a valid choice" in _invite(admin_client, form, teams=[outside.pk]).content.decode()
    assert "Not an e-mail address: nobody" in _invite(admin_client, form, emails=["nobody"]).content.decode()
    EvaluationForm.objects.filter(pk=form.pk).update(closed=True)
    assert "This form is closed" in _invite(admin_client, form, emails=ADDRESSES[:1]).content.decode()
    assert not mail.outbox and not EvaluationInvitation.objects.filter(form=form).exists()


def test_one_personal_link_answers_once_on_the_page_and_in_the_api(admin_client, client, form):
    _invite(admin_client, form, emails=ADDRESSES[:2])
    first, second = _tokens()
    assert _answer(client, first, 4, 5).status_code == 200
    again = _answer(client, first, 1, 1)
    assert again.status_code == 410 and "already been used" in again.content.decode()
    api = client.post(
        f"/api/v1/pilot-forms/{first}/responses", {"answers": {"useful": 1, "recommend": 1}}, "application/json"
    )
    assert api.status_code == 409
    assert list(EvaluationResponse.objects.filter(form=form).values_list("answers", "verified")) == [
        ({"useful": 4, "recommend": 5}, True)
    ]
    # The API takes the other personal link once too, and it counts as verified.
    body = {"answers": {"useful": 3, "recommend": 3}}
    assert client.post(f"/api/v1/pilot-forms/{second}/responses", body, "application/json").status_code == 201
    assert client.post(f"/api/v1/pilot-forms/{second}/responses", body, "application/json").status_code == 409
    assert EvaluationResponse.objects.filter(form=form, verified=True).count() == 2
    assert EvaluationInvitation.objects.filter(form=form, used=True).count() == 2


def test_a_personal_link_is_not_stopped_by_the_shared_links_cookie(admin_client, client, form):
    _answer(client, form.token, 3, 3)
    _invite(admin_client, form, emails=ADDRESSES[:1])
    (token,) = _tokens()
    assert "stored without your name" in _answer(client, token, 4, 4).content.decode()
    assert list(
        EvaluationResponse.objects.filter(form=form).order_by("verified").values_list("verified", flat=True)
    ) == [
        False,
        True,
    ]


@pytest.mark.parametrize("through", ["shared", "personal"])
def test_padding_a_form_through_its_shared_link_no_longer_recovers_the_person(
    admin_client, client, form, running, through
):
    real = {"useful": 1, "recommend": 5}
    if through == "personal":
        _invite(admin_client, form, emails=ADDRESSES[:1])
        _answer(client, _tokens()[0], **real)
    else:
        _answer(client, form.token, **real)
    for _n in range(4):  # the attacker: four fakes, every answer 3, through the shared link
        _answer(Client_(), form.token, 3, 3)  # each fake from a fresh browser
    assert EvaluationResponse.objects.filter(form=form).count() == 5
    # Before: n = 5 and 5 · mean − 4 · 3 gave the person's answers. Now the form is hidden.
    row = _forms_api(admin_client, running)[str(form.public_id)]
    assert row["responses"] is None and row["hidden"] == "distinct"
    assert all(q["mean"] is None for q in row["questions"])
    page = admin_client.get(reverse("pilots:pilot", args=["demo", running.public_id])).content.decode()
    assert "hidden: fewer than 5 distinct respondents" in page and "cannot be filled up with copies" in page


def test_five_people_through_personal_links_are_shown_even_when_they_agree(admin_client, client, form, running):
    _invite(admin_client, form, emails=ADDRESSES[:5])
    for token in _tokens():
        _answer(client, token, 4, 4)
    _answer(client, form.token, 2, 2)
    row = _forms_api(admin_client, running)[str(form.public_id)]
    assert row["responses"] == 6 and row["personal_links"] == 5 and row["hidden"] == ""
    assert {q["key"]: q["mean"] for q in row["questions"]} == {
        "useful": pytest.approx(22 / 6),
        "recommend": pytest.approx(22 / 6),
    }


def _columns(table):
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


def test_a_database_join_cannot_tie_personal_links_to_responses(admin_client, client, form):
    _invite(admin_client, form, emails=ADDRESSES)
    tokens = _tokens()
    invitations, responses = EvaluationInvitation._meta.db_table, EvaluationResponse._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {invitations} ORDER BY id")  # noqa: S608
        before = cursor.fetchall()
    truth = {}  # invitation id → response id, answered in the order the links were sent
    for index, token in enumerate(tokens):
        invitation = EvaluationInvitation.objects.get(token_hash=hashlib.sha256(token.encode()).hexdigest())
        seen = set(EvaluationResponse.objects.filter(form=form).values_list("pk", flat=True))
        _answer(client, token, 1 + index % 5, 1 + index // 5)
        (truth[invitation.pk],) = set(EvaluationResponse.objects.filter(form=form).values_list("pk", flat=True)) - seen
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {invitations} ORDER BY id")  # noqa: S608
        after = cursor.fetchall()
        # 1. Using a link changed nothing but its flag: no time of use to join on.
        names = _columns(invitations)
        changed = {
            names[i] for old, new in zip(before, after, strict=True) for i in range(len(names)) if old[i] != new[i]
        }
        assert changed == {"used"}
        # 2. Pairing the used links with the responses by order (of id, and on SQLite of the
        #    storage order, the rowid) does not give the true pairs: the ids are random.
        order_by = ["id"] + (["rowid"] if connection.vendor == "sqlite" else [])
        for column in order_by:
            cursor.execute(
                f"SELECT i.id, r.id FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM {invitations} "  # noqa: S608
                f"WHERE used AND form_id = %s) i JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY {column}) AS n "
                f"FROM {responses} WHERE form_id = %s) r ON i.n = r.n",
                [form.pk, form.pk],
            )
            pairs = cursor.fetchall()
            assert len(pairs) == len(tokens) == 8
            assert sum(truth[i] == r for i, r in pairs) < len(tokens)
        if connection.vendor == "sqlite":  # the key is the rowid itself: no hidden sequence beside it
            cursor.execute(f"SELECT COUNT(*) FROM {responses} WHERE rowid != id")  # noqa: S608
            assert cursor.fetchone()[0] == 0
    assert sorted(truth.values()) != list(truth.values())
    # 3. No column of a response refers to an invitation, a member or a time.
    assert set(_columns(responses)) == {"id", "organization_id", "form_id", "answers", "verified"}
    # 4. Every join on a shared value matches nobody: the tables share no column but the form.
    shared = set(_columns(invitations)) & set(_columns(responses)) - {"id", "organization_id", "form_id"}
    assert not shared


def test_the_demo_shows_a_form_answered_through_personal_links(admin_client, org):
    pilot = Pilot.objects.get(organization=org, title=FINISHED)
    reaction = EvaluationForm.objects.get(pilot=pilot, level=1, audience="participant")
    assert EvaluationInvitation.objects.filter(form=reaction).count() == 18
    assert EvaluationResponse.objects.filter(form=reaction, verified=True).count() == 15
    row = _forms_api(admin_client, pilot)[str(reaction.public_id)]
    assert row["personal_links"] == 18 and row["responses"] == 15 and row["response_rate"] == pytest.approx(15 / 18)


def test_the_api_invites_to_a_form_and_reports_the_progress(admin_client, form, running, org):
    url = f"/api/v1/orgs/demo/pilots/forms/{form.public_id}/invitations"
    assert admin_client.get(url).json() == {"personal_links": 0, "job": None}
    response = admin_client.post(url, {"emails": ADDRESSES[:2]}, "application/json")
    assert response.status_code == 202
    body = admin_client.get(url).json()
    assert body["personal_links"] == 2 and body["job"]["status"] == "done" and body["job"]["result"] == {"sent": 2}
    assert len(mail.outbox) == 2
    outside = Team.objects.filter(organization=org).exclude(pk__in=running.teams.values("team_id")).first()
    assert admin_client.post(url, {"teams": [outside.pk]}, "application/json").status_code == 422
    assert admin_client.post(url, {"emails": ["not an address"]}, "application/json").status_code == 422
    assert admin_client.post(url, {}, "application/json").status_code == 422
    EvaluationForm.objects.filter(pk=form.pk).update(closed=True)
    assert admin_client.post(url, {"emails": ADDRESSES[2:3]}, "application/json").status_code == 409
    assert len(mail.outbox) == 2


def test_another_organisations_member_cannot_invite_to_a_form(outsider_client, form):
    url = f"/api/v1/orgs/demo/pilots/forms/{form.public_id}/invitations"
    assert outsider_client.post(url, {"emails": ADDRESSES[:1]}, "application/json").status_code in (403, 404)
    page = outsider_client.post(reverse("pilots:form_invite", args=["demo", form.public_id]), {"emails": ADDRESSES[0]})
    assert page.status_code in (403, 404)
    assert not mail.outbox and not EvaluationInvitation.objects.filter(form=form).exists()
