"""The HR cycle in the ownership section of the policy document: which conversations the
organisation holds with their learning agenda, how many were held with a learning
follow-up (small kinds hidden), the onboarding template, and where the figures come from —
read back from the DOCX (python-docx) and the PDF (pdftotext)."""

import datetime
import io
import subprocess

import pytest
from django.core.management import call_command
from django.utils import translation
from docx import Document as read_docx

from leerkoers.orgs.models import Membership
from leerkoers.ownership.models import Conversation, ConversationKind
from leerkoers.ownership.selectors import cycle_summary, policy_summary

YEAR = datetime.date.today().year


@pytest.fixture
def cycle(org):
    """This year: 6 planning conversations held (5 with a follow-up), 7 progress conversations
    held (2 with a follow-up) and 1 planned, 2 onboarding conversations after a week held —
    each with another member (a figure is hidden by the members it describes)."""
    Conversation.objects.filter(organization=org).delete()
    members = iter(Membership.objects.filter(organization=org).order_by("pk"))

    def make(kind, number, follow_ups, held=True):
        for day in range(number):
            Conversation.objects.create(
                organization=org, member=next(members), kind=kind, planned_on=datetime.date(YEAR, 1, 1 + day),
                held_on=datetime.date(YEAR, 1, 1 + day) if held else None,
                follow_up="Cursus in mei" if day < follow_ups else "",
            )  # fmt: skip

    make(ConversationKind.PLANNING, 6, 5)
    make(ConversationKind.PROGRESS, 7, 2)
    make(ConversationKind.PROGRESS, 1, 0, held=False)
    make(ConversationKind.ONBOARDING_WEEK, 2, 2)
    # last year's conversations are not this year's cycle
    Conversation.objects.create(
        organization=org, member=next(members), kind=ConversationKind.APPRAISAL,
        planned_on=datetime.date(YEAR - 1, 6, 1), held_on=datetime.date(YEAR - 1, 6, 1), follow_up="x",
    )  # fmt: skip


def test_it_counts_the_conversations_held_and_hides_the_small_kinds(cycle, org):
    with translation.override("en"):
        summary = cycle_summary(org, YEAR)
    counts = {kind.kind: (kind.held, kind.with_follow_up) for kind in summary.kinds}
    # Onboarding (2) is below the threshold; planning (6), the smallest other kind, is hidden
    # too, or onboarding would follow from the total of 15 held.
    assert counts == {"planning": (None, None), "progress": (7, 2), "onboarding_week": (None, None)}
    assert [days for _label, days in summary.onboarding] == [7, 30, 91]


def test_many_conversations_of_few_members_are_hidden(org):
    """Seven progress conversations with one member describe one person: no count, and the
    document gives no share of follow-ups either."""
    Conversation.objects.filter(organization=org).delete()
    member = Membership.objects.filter(organization=org).order_by("pk").first()
    for day in range(7):
        Conversation.objects.create(
            organization=org, member=member, kind=ConversationKind.PROGRESS,
            planned_on=datetime.date(YEAR, 1, 1 + day), held_on=datetime.date(YEAR, 1, 1 + day), follow_up="x",
        )  # fmt: skip
    summary = cycle_summary(org, YEAR)
    assert [(kind.kind, kind.held, kind.with_follow_up) for kind in summary.kinds] == [("progress", None, None)]
    assert policy_summary(org, YEAR).conversations is None
    assert len(summary.starter_goals) == 2
    progress = next(kind for kind in summary.kinds if kind.kind == "progress")
    assert any("What have you learned since the last conversation" in prompt for prompt in progress.prompts)


def _export(tmp_path, fmt):
    path = tmp_path / f"plan.{fmt}"
    call_command("export_policy", "--org", "demo", "--format", fmt, "--lang", "en", "--output", str(path))
    return path.read_bytes()


def _docx_text(data: bytes) -> str:
    document = read_docx(io.BytesIO(data))
    rows = [" | ".join(cell.text for cell in row.cells) for table in document.tables for row in table.rows]
    return "\n".join([p.text for p in document.paragraphs] + rows)


def _pdf_text(data: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


EXPECTED = [
    "Learning in the HR cycle",
    "9 of the 15 conversations held this year had a learning follow-up (60%).",
    "What have you learned since the last conversation",  # the progress conversation's agenda
    "Onboarding template",
    "Onboarding: after 1 week (day 7), Onboarding: after 1 month (day 30), Onboarding: after 3 months (day 91)",
    "Know the way in the team and the organisation",  # a starter POP goal
    "as recorded in step 4 (Learning in the HR cycle)",  # the appendix says where it comes from
]


@pytest.mark.django_db
def test_the_docx_shows_the_hr_cycle(cycle, tmp_path):
    text = _docx_text(_export(tmp_path, "docx"))
    for expected in EXPECTED:
        assert expected in text
    assert "Progress conversation | 7 | 2" in text
    assert "Planning conversation | hidden (small group) | –" in text
    assert "Onboarding: after 1 week | hidden (small group) | –" in text
    assert "Appraisal conversation" not in text  # held last year only


@pytest.mark.django_db
def test_the_pdf_shows_the_hr_cycle(cycle, tmp_path):
    text = _pdf_text(_export(tmp_path, "pdf"))
    for expected in EXPECTED:
        assert " ".join(expected.split()) in text
    assert "Progress conversation 7 2" in text
    assert "Planning conversation hidden (small group)" in text


def test_hidden_kinds_that_share_their_members_hide_one_more(org):
    """Planning and progress conversations with the same 3 members: 6 by their counts, but 3
    different members, so the total minus the shown kinds would describe 3 people. The
    appraisal kind (8 other members) is hidden too; onboarding (9 others) stays."""
    Conversation.objects.filter(organization=org).delete()
    members = list(Membership.objects.filter(organization=org).order_by("pk"))
    assert len(members) >= 20
    day = datetime.date(YEAR, 2, 3)

    def held(member, kind):
        Conversation.objects.create(organization=org, member=member, kind=kind, planned_on=day, held_on=day)

    for member in members[:3]:
        held(member, ConversationKind.PLANNING)
        held(member, ConversationKind.PROGRESS)
    for member in members[3:11]:
        held(member, ConversationKind.APPRAISAL)
    for member in members[11:20]:
        held(member, ConversationKind.ONBOARDING_WEEK)
    counts = {kind.kind: kind.held for kind in cycle_summary(org, YEAR).kinds}
    assert counts == {"planning": None, "progress": None, "appraisal": None, "onboarding_week": 9}
