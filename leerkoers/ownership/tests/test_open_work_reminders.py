"""The matrix is used: the members of the Responsible layer of each process see its open
work on the step page and get it by e-mail (a background task, each piece at most once per
person); moving an R moves both."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

from leerkoers.accounts.models import User
from leerkoers.orgs.models import Membership, Role, Team
from leerkoers.ownership.models import OpenWorkReminder, TeamPlan
from leerkoers.ownership.reminders import open_work_reminders_task
from leerkoers.ownership.tests.test_matrix import _letters

YEAR = datetime.date.today().year


@pytest.fixture
def sub_team(org, noord):
    """A team below the demo manager's team, with a member and a draft plan without a budget."""
    team = Team.objects.create(organization=org, name="Wijkteam Noord-Oost", parent=noord)
    user = User.objects.create(email="noordoost@demo.example", full_name="Nora Oost")
    Membership.objects.create(organization=org, user=user, role=Role.EMPLOYEE, team=team)
    TeamPlan.objects.create(organization=org, team=team, year=YEAR)
    return team


def _run() -> dict[str, str]:
    """Run the background task; the e-mails it sent, by recipient."""
    mail.outbox.clear()
    open_work_reminders_task.enqueue()
    sent = {}
    for message in mail.outbox:
        assert len(message.to) == 1
        assert message.to[0] not in sent  # one e-mail per person per run
        sent[message.to[0]] = message.body
    return sent


def _nl(text: str) -> str:
    """The e-mails are in the site's language (Dutch); the pages here in English."""
    with translation.override("nl"):
        return gettext(text)


def _open_work(client) -> dict[str, int]:
    """The step page's open work: label → number."""
    page = client.get("/o/demo/ownership/").content.decode()
    section = page[page.index('id="open-work"') : page.index("</section>", page.index('id="open-work"'))]
    return {label: int(n) for label, n in re.findall(r'<a href="[^"]+">([^<]+)</a></td><td class="num">(\d+)', section)}


def test_each_responsible_member_gets_the_open_work_of_the_page_once(
    sub_team, admin_client, manager_client, employee_client, manager_user, employee_user, admin_user, org
):
    pages = {
        manager_user.email: _open_work(manager_client),
        employee_user.email: _open_work(employee_client),
        admin_user.email: _open_work(admin_client),
    }
    # Template: managers R for needs analysis, planning and evaluation; employees for
    # choosing activities; HR for the budget.
    assert set(pages[manager_user.email]) == {
        "Teams without a learning plan this year", "Team plans still in draft", "Team plans past their review date",
    }  # fmt: skip
    assert pages[manager_user.email]["Team plans still in draft"] >= 1
    sent = _run()
    for email, work in pages.items():
        for label, count in work.items():
            assert (_nl(label) in sent.get(email, "")) == (count > 0), (email, label)
    assert f"- Wijkteam Noord-Oost {YEAR}" in sent[manager_user.email]  # the draft plan, by name
    assert "/o/demo/ownership/plans/" in sent[manager_user.email]
    assert "director@demo.example" not in sent  # the board is R for nothing that has open work
    assert "Nora Oost" not in "".join(sent.values())  # a plain member of the team is not Responsible for it

    assert _run() == {}  # nothing new: every piece went once
    assert _open_work(manager_client) == pages[manager_user.email]  # the page still lists it all


def test_moving_the_r_moves_the_reminders(sub_team, admin_client, manager_user, admin_user, org):
    first = _run()
    no_budget = _nl("Team plans without a budget")
    assert no_budget in first[admin_user.email]  # HR is R for the budget
    assert no_budget not in first[manager_user.email]

    response = admin_client.post("/o/demo/ownership/matrix/", _letters(budget="ACRI"))  # R to the managers
    assert response.status_code == 302
    second = _run()
    assert admin_user.email not in second
    body = second[manager_user.email]
    assert no_budget in body and f"- Wijkteam Noord-Oost {YEAR}" in body
    assert _nl("Team plans still in draft") not in body  # already told about on the first run

    admin_client.post("/o/demo/ownership/matrix/", _letters(planning="RACI"))  # the board does the planning
    third = _run()
    assert f"- Wijkteam Noord-Oost {YEAR}" in third["director@demo.example"]  # the whole organisation's drafts


def test_the_command_enqueues_the_task_and_a_second_run_sends_nothing(sub_team, org):
    mail.outbox.clear()
    call_command("send_open_work_reminders")
    assert mail.outbox
    claimed = OpenWorkReminder.objects.filter(organization=org).count()
    mail.outbox.clear()
    call_command("send_open_work_reminders")
    assert mail.outbox == [] and OpenWorkReminder.objects.filter(organization=org).count() == claimed


def test_another_organisations_work_goes_to_its_own_people_only(sub_team, other_org):
    sent = _run()
    other = set(Membership.objects.filter(organization=other_org).values_list("user__email", flat=True))
    assert all("Wijkteam Noord-Oost" not in body for email, body in sent.items() if email in other)
