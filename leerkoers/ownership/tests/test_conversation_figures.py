"""The share of HR-cycle conversations held with a learning follow-up: overall, per team of
the member and per quarter held, hidden where it describes fewer than 5 members — by hand
on plain data, then through the step page and the API."""

import datetime

import pytest

from leerkoers.accounts.models import User
from leerkoers.orgs.models import Membership, Organization, Role, Team
from leerkoers.ownership import indicators
from leerkoers.ownership.models import Conversation, ConversationKind
from leerkoers.ownership.tests.conftest import client_for

YEAR = datetime.date.today().year


def _apart(members: dict[str, int]):
    """`together` for quarters that share no member: the different members are the sum."""
    return lambda labels: sum(members.get(label, 0) for label in labels)


def test_a_team_of_few_members_with_a_conversation_is_hidden_with_the_next_smallest():
    # Members with a conversation held: A 7, B 5, C 2. C is below 5; B, the smallest other,
    # is hidden too, or C's counts would follow from the total. Quarters: Q1 by 9 members,
    # Q2 by 3 (hidden; Q1 with it, as the year's total would give Q2 away).
    found = indicators.conversation_follow_up(
        [("A", 7, 10, 4), ("B", 5, 5, 5), ("C", 2, 3, 0)],
        [("Q1", 9, 14, 7), ("Q2", 3, 4, 2), ("Q3", 0, 0, 0)],
        minimum=5,
        together=_apart({"Q1": 9, "Q2": 3}),
    )
    assert (found.overall.part, found.overall.whole) == (9, 18)
    rows = {row.team: row for row in found.teams}
    assert (rows["A"].people, rows["A"].follow_up.part, rows["A"].follow_up.whole) == (7, 4, 10)
    assert (rows["B"].people, rows["B"].reason) == (None, "complementary")
    assert (rows["C"].people, rows["C"].follow_up, rows["C"].reason) == (None, None, "primary")
    assert found.by_quarter == [("Q1", None), ("Q2", None)]  # Q3: none held, not listed


def test_a_quarter_is_shown_when_the_hidden_ones_together_describe_enough_members():
    found = indicators.conversation_follow_up(
        [("A", 20, 30, 12)],
        [("Q1", 10, 12, 6), ("Q2", 3, 4, 1), ("Q3", 4, 4, 2), ("Q4", 8, 10, 3)],
        minimum=5,
        together=_apart({"Q2": 3, "Q3": 4}),
    )
    # Q2 (3) and Q3 (4) are hidden; together 7 different members ≥ 5, so Q1 and Q4 stay.
    shown = {q: (s.part, s.whole) if s else None for q, s in found.by_quarter}
    assert shown == {"Q1": (6, 12), "Q2": None, "Q3": None, "Q4": (3, 10)}


def test_two_hidden_quarters_of_the_same_few_members_hide_a_third():
    """The attack: Q2 and Q3 are each held by the same 3 members. Their counts add up to 6,
    so `suppress` alone would show Q1 and Q4, and the year's total minus those would give the
    follow-ups of those 3 members. Counted as different members they are 3: Q4, the smallest
    shown quarter, is hidden too."""
    people = {"Q1": {f"a{n}" for n in range(10)}, "Q2": {"x", "y", "z"}, "Q3": {"x", "y", "z"}}
    people["Q4"] = {f"b{n}" for n in range(8)}
    found = indicators.conversation_follow_up(
        [("A", 21, 30, 12)],
        [("Q1", 10, 12, 6), ("Q2", 3, 3, 1), ("Q3", 3, 3, 2), ("Q4", 8, 12, 3)],
        minimum=5,
        together=lambda labels: len(set().union(*(people[label] for label in labels))),
    )
    shown = {q: (s.part, s.whole) if s else None for q, s in found.by_quarter}
    assert shown == {"Q1": (6, 12), "Q2": None, "Q3": None, "Q4": None}


def test_the_quarter_patterns_count_each_member_once_across_quarters():
    patterns = [
        indicators.QuarterPattern(frozenset({"Q1"}), 4, {"Q1": 5, "Q2": 0}, {"Q1": 2, "Q2": 0}),
        indicators.QuarterPattern(frozenset({"Q1", "Q2"}), 2, {"Q1": 2, "Q2": 3}, {"Q1": 1, "Q2": 3}),
    ]
    assert indicators.quarter_tally(patterns, "Q1") == (6, 7, 3)
    assert indicators.quarter_tally(patterns, "Q2") == (2, 3, 3)
    assert indicators.members_in(patterns, ["Q1", "Q2"]) == 6  # not 6 + 2


def test_everything_is_hidden_while_fewer_than_five_members_had_a_conversation():
    found = indicators.conversation_follow_up(
        [("A", 3, 9, 9), ("B", 1, 1, 0)], [("Q1", 4, 10, 9)], minimum=5, together=_apart({"Q1": 4})
    )
    assert found.overall is None
    assert all(row.people is None for row in found.teams)
    assert found.by_quarter == [("Q1", None)]


def test_a_team_without_conversations_shows_a_dash_not_a_hidden_cell():
    found = indicators.conversation_follow_up([("A", 6, 6, 3), ("B", 0, 0, 0)], [], minimum=5, together=_apart({}))
    rows = {row.team: row for row in found.teams}
    assert (rows["B"].people, rows["B"].follow_up, rows["B"].reason) == (0, None, "")


@pytest.fixture
def talks(db):
    """Alfa: 6 members, each with a planning conversation in February (4 with a follow-up)
    and one of them also with a progress conversation in May (with a follow-up); Bravo: 2
    members and Delta: 5, each with one conversation in February (no follow-up); Charlie: 6
    members, none."""
    org = Organization.objects.create(name="Gesprek BV", slug="gesprek")
    admin = User.objects.create(email="hr@gesprek.example", full_name="H R")
    Membership.objects.create(organization=org, user=admin, role=Role.ADMIN)
    for name, size, talked in [("Alfa", 6, 6), ("Bravo", 2, 2), ("Charlie", 6, 0), ("Delta", 5, 5)]:
        team = Team.objects.create(organization=org, name=name)
        for index in range(size):
            user = User.objects.create(email=f"{name.lower()}{index}@gesprek.example")
            member = Membership.objects.create(organization=org, user=user, role=Role.EMPLOYEE, team=team)
            if index >= talked:
                continue
            day = datetime.date(YEAR, 2, 1 + index)
            follow = "Training" if name == "Alfa" and index < 4 else ""
            Conversation.objects.create(
                organization=org, member=member, kind=ConversationKind.PLANNING, planned_on=day, held_on=day,
                follow_up=follow,
            )  # fmt: skip
            if name == "Alfa" and index == 0:
                may = datetime.date(YEAR, 5, 4)
                Conversation.objects.create(
                    organization=org, member=member, kind=ConversationKind.PROGRESS, planned_on=may, held_on=may,
                    follow_up="Coaching",
                )  # fmt: skip
    # not held, and held last year: neither counts
    Conversation.objects.create(
        organization=org, member=member, kind=ConversationKind.APPRAISAL, planned_on=datetime.date(YEAR, 12, 1)
    )
    return client_for(admin)


def test_the_api_gives_the_follow_up_share_per_team_and_per_quarter(talks):
    body = talks.get(f"/api/v1/orgs/gesprek/ownership/indicators?year={YEAR}").json()
    # 14 held by 13 members: Alfa 7 (5 with a follow-up), Bravo 2 and Delta 5 (none).
    assert body["conversations"] == {"part": 5, "whole": 14, "value": 5 / 14}
    rows = {row["team"]: row for row in body["conversations_by_team"]}
    assert rows["Alfa"] == {"team": "Alfa", "people": 6, "follow_up": {"part": 5, "whole": 7, "value": 5 / 7}}
    assert rows["Charlie"] == {"team": "Charlie", "people": 0, "follow_up": None}  # nobody to hide
    # Bravo (2 members) is hidden, and Delta, the smallest other team with people, with it:
    # the total minus Alfa would otherwise give Bravo's conversations away.
    for hidden in ("Bravo", "Delta"):
        assert rows[hidden] == {"team": hidden, "people": None, "follow_up": None}
    # Q2 was held by 1 member: hidden, and Q1 with it (the year's total would give Q2 away).
    assert body["conversations_by_quarter"] == {f"{YEAR}-Q1": None, f"{YEAR}-Q2": None}


def test_the_step_page_shows_the_follow_up_share_with_small_groups_hidden(talks):
    page = talks.get("/o/gesprek/ownership/").content.decode()
    assert "Conversations held with a learning follow-up" in page
    assert "36%" in page and "(5/14)" in page  # overall
    # The figures are a count of every record, not a sample: the page says why no margin is given.
    assert "not a sample, so no margin of error applies" in page
    alfa = page[page.index('<th scope="row">Alfa</th>') :]
    assert "71%" in alfa[: alfa.index("</tr>")]  # 5 of Alfa's 7 conversations
    table = page[page.index('aria-labelledby="talk-trend-title"') :]
    table = table[: table.index("</table>")]
    assert table.count("hidden (small group)") == 2


def test_the_api_hides_a_third_quarter_when_two_hidden_ones_share_their_members(db):
    """Through the database: 10 members in Q1, the same 3 in Q2 and in Q3, 8 others in Q4."""
    org = Organization.objects.create(name="Kwartaal BV", slug="kwartaal")
    admin = User.objects.create(email="hr@kwartaal.example", full_name="H R")
    Membership.objects.create(organization=org, user=admin, role=Role.ADMIN)
    team = Team.objects.create(organization=org, name="Alfa")
    members = [
        Membership.objects.create(
            organization=org, user=User.objects.create(email=f"m{n}@kwartaal.example"), role=Role.EMPLOYEE, team=team
        )
        for n in range(21)
    ]

    def held(member, month, kind=ConversationKind.PROGRESS):
        day = datetime.date(YEAR, month, 2)
        Conversation.objects.create(
            organization=org, member=member, kind=kind, planned_on=day, held_on=day, follow_up="x"
        )

    for member in members[:10]:
        held(member, 2)
    for member in members[10:13]:
        held(member, 5)
        held(member, 8)
    for member in members[13:21]:
        held(member, 11)
    body = client_for(admin).get(f"/api/v1/orgs/kwartaal/ownership/indicators?year={YEAR}").json()
    shown = {q: None if s is None else s["whole"] for q, s in body["conversations_by_quarter"].items()}
    assert shown == {f"{YEAR}-Q1": 10, f"{YEAR}-Q2": None, f"{YEAR}-Q3": None, f"{YEAR}-Q4": None}
