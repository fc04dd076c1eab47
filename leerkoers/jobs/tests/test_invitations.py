"""The shared e-mailing of personal links (scan and vision use the same service and task)."""

import pytest
from django.core import mail

from leerkoers.audit.models import AuditEvent
from leerkoers.jobs.invitations import invitations_send, invitations_send_task
from leerkoers.jobs.models import Job
from leerkoers.scan.services import PERSONAL_LINKS, round_open


@pytest.fixture
def scan_round(org, admin_user):
    return round_open(organization=org, title="Uitnodigingen", actor=admin_user)


def test_it_sends_in_chunks_reporting_progress_and_audits_once(scan_round, org, admin_user):
    members = org.memberships.count()
    calls = []
    sent = invitations_send(
        links=PERSONAL_LINKS, round_=scan_round, actor=admin_user, progress=lambda *a: calls.append(a), chunk=2
    )
    assert sent == members == len(mail.outbox)
    assert calls == [(min(n, members), members) for n in range(2, members + 2, 2)]
    event = AuditEvent.objects.get(action="scan.invitations_send")
    assert event.actor == admin_user and str(members) in event.summary


def test_a_closed_round_is_refused_on_the_page_and_sends_nothing(admin_client, scan_round):
    scan_round.status = scan_round.Status.CLOSED
    scan_round.save()
    response = admin_client.post(f"/o/demo/scan/rounds/{scan_round.public_id}/invite/", follow=True)
    assert "This round is closed; no more invitations can be sent." in response.content.decode()
    assert not Job.objects.filter(kind__startswith="scan-invite").exists() and not mail.outbox


def test_the_task_takes_only_a_description_of_personal_links(scan_round):
    with pytest.raises(TypeError):
        invitations_send_task.call("leerkoers.scan.services.round_open", scan_round.pk, "0", None, "nl")
