"""Ownership indicators (pure functions over plain data, no database).

Definitions (docs/ownership.md repeats them):

- team plan coverage: teams with at least one member that have a current plan (status
  active, for the year in question) ÷ those teams;
- POP coverage: members with an agreed POP for the year (agreed, in progress or completed)
  ÷ members; per team, a team of fewer than `minimum` members is hidden, and so is, where
  needed, the next smallest team so that no hidden team can be worked out from the total
  (leerkoers.lib.anonymity.suppress);
- initiative share: activities of the inventory started by managers or employees ÷
  activities whose initiator is known; per quarter of their start date;
- conversation follow-up: conversations of the HR cycle held in the year with a learning
  follow-up noted ÷ those held; per team of the member and per quarter of the date held. It
  describes the members who had one: a team or quarter where 1–4 of them did is hidden (and
  the complementary cell), all of it while fewer than the threshold did in all.
"""

import bisect
import datetime
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from leerkoers.lib import anonymity

AGREED_STATES = frozenset({"agreed", "in_progress", "completed"})
OWN_INITIATORS = frozenset({"manager", "employee"})


@dataclass(frozen=True)
class Share:
    part: int
    whole: int

    @property
    def value(self) -> float | None:
        return self.part / self.whole if self.whole else None


@dataclass(frozen=True)
class TeamCoverage:
    team: str
    members: int | None  # None: hidden (fewer than the threshold, or needed to protect one)
    agreed: Share | None
    reason: str = ""


@dataclass(frozen=True)
class PopCoverage:
    overall: Share | None  # None when the whole organisation is below the threshold
    teams: list[TeamCoverage]
    minimum: int


def team_plan_coverage(teams: Iterable[tuple[int, bool]]) -> Share:
    """`teams`: (members, has a current plan) per team; teams without members do not count."""
    counted = [has_plan for members, has_plan in teams if members > 0]
    return Share(sum(counted), len(counted))


def pop_coverage(teams: Iterable[tuple[str, int, int]], minimum: int) -> PopCoverage:
    """`teams`: (name, members, members with an agreed POP) per team. Small teams hidden."""
    rows = list(teams)
    hidden = anonymity.suppress({name: members for name, members, _agreed in rows}, minimum)
    total_members = sum(members for _name, members, _agreed in rows)
    total_agreed = sum(agreed for _name, _members, agreed in rows)
    overall = Share(total_agreed, total_members) if total_members >= minimum or total_members == 0 else None
    shown = []
    for name, members, agreed in rows:
        if name in hidden or overall is None:
            shown.append(TeamCoverage(name, None, None, hidden.get(name, anonymity.PRIMARY)))
        else:
            shown.append(TeamCoverage(name, members, Share(agreed, members)))
    return PopCoverage(overall, shown, minimum)


def quarter_of(day: datetime.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class InitiativeShare:
    overall: Share
    by_quarter: list[tuple[str, Share]]  # in order of the quarters; only quarters with activities


def initiative_share(activities: Iterable[tuple[str, datetime.date | None]]) -> InitiativeShare:
    """`activities`: (initiator, start date) of the inventory's activities. Activities
    without a known initiator are left out; without a start date they count overall only."""
    known = [(initiator, start) for initiator, start in activities if initiator]
    overall = Share(sum(1 for initiator, _start in known if initiator in OWN_INITIATORS), len(known))
    quarters: dict[str, list[int]] = {}
    for initiator, start in known:
        if start is not None:
            cell = quarters.setdefault(quarter_of(start), [0, 0])
            cell[0] += initiator in OWN_INITIATORS
            cell[1] += 1
    return InitiativeShare(overall, [(q, Share(*quarters[q])) for q in sorted(quarters)])


def agreed_by_quarter(first_agreed: Iterable[datetime.date], members: int, year: int) -> list[tuple[str, Share]]:
    """Cumulative share of `members` with an agreed POP at the end of each quarter of `year`
    (`first_agreed`: the date each POP of that year was first agreed)."""
    dates = sorted(first_agreed)
    return [(label, Share(bisect.bisect_right(dates, end), members)) for label, end in quarter_ends(year)]


@functools.cache
def quarter_ends(year: int) -> tuple[tuple[str, datetime.date], ...]:
    """(label, last day) of each quarter of `year` (asked once per team: 900 on a big page)."""
    ends = []
    for quarter in range(1, 5):
        end = datetime.date(year, quarter * 3, 1) + datetime.timedelta(days=31)
        ends.append((f"{year}-Q{quarter}", end.replace(day=1) - datetime.timedelta(days=1)))
    return tuple(ends)


@dataclass(frozen=True)
class TeamTrend:
    team: str
    members: int | None  # None: hidden, like the team's row in `pop_coverage`
    quarters: list[tuple[str, Share]]  # empty when hidden
    reason: str = ""


def agreed_by_quarter_per_team(
    teams: Iterable[tuple[str, int, Iterable[datetime.date]]], year: int, minimum: int
) -> list[TeamTrend]:
    """Per team, the cumulative share of its members with an agreed POP at the end of each
    quarter of `year`. `teams`: (name, members, the date each of its POPs of that year was
    first agreed). The teams hidden are those `pop_coverage` hides (fewer than `minimum`
    members, plus the complementary ones, or all of them below `minimum` members in all), in
    every quarter alike, so no quarter gives away what another hides."""
    rows = [(name, members, list(dates)) for name, members, dates in teams]
    hidden = anonymity.suppress({name: members for name, members, _dates in rows}, minimum)
    everyone = sum(members for _name, members, _dates in rows)
    result = []
    for name, members, dates in rows:
        if name in hidden or 0 < everyone < minimum:
            result.append(TeamTrend(name, None, [], hidden.get(name, anonymity.PRIMARY)))
        else:
            result.append(TeamTrend(name, members, agreed_by_quarter(dates, members, year)))
    return result


@dataclass(frozen=True)
class QuarterPattern:
    """The members who had a conversation held in exactly the quarters `quarters` of a year,
    with their conversations (and those with a follow-up) per quarter."""

    quarters: frozenset[str]
    members: int
    held: dict[str, int]
    follow: dict[str, int]


def quarter_tally(patterns: Iterable[QuarterPattern], label: str) -> tuple[int, int, int]:
    """(members, conversations held, with a follow-up) of the quarter `label`."""
    found = [p for p in patterns if label in p.quarters]
    return sum(p.members for p in found), sum(p.held[label] for p in found), sum(p.follow[label] for p in found)


def members_in(patterns: Iterable[QuarterPattern], labels: Iterable[str]) -> int:
    """The different members with a conversation held in any of the quarters `labels`."""
    wanted = set(labels)
    return sum(p.members for p in patterns if p.quarters & wanted)


@dataclass(frozen=True)
class TeamConversations:
    team: str
    people: int | None  # members of the team with a conversation held; None: hidden
    follow_up: Share | None  # held with a follow-up ÷ held; None when hidden or none held
    reason: str = ""


@dataclass(frozen=True)
class ConversationFollowUp:
    overall: Share | None  # None when fewer than `minimum` people had a conversation held
    teams: list[TeamConversations]  # in the order given
    by_quarter: list[tuple[str, Share | None]]  # of the quarters with a conversation held; None: hidden
    minimum: int


def conversation_follow_up(
    teams: Iterable[tuple[str, int, int, int]],
    quarters: Iterable[tuple[str, int, int, int]],
    minimum: int,
    together: Callable[[Iterable[str]], int],
) -> ConversationFollowUp:
    """The share of held conversations with a learning follow-up noted, overall, per team and
    per quarter. `teams`: (name, members with a conversation held, held, held with a
    follow-up) per team of the member; `quarters`: (label, members, held, with a follow-up)
    per quarter of the date held, in order. A figure describes the members who had a
    conversation: a team or quarter of 1 to `minimum` − 1 of them is hidden, and so is,
    where needed, the next smallest so that none follows from the total; everything is
    hidden while fewer than `minimum` members had one in all. A member can be in several
    quarters: `together(labels)` counts the different members of those quarters, so that the
    hidden quarters together describe at least `minimum` of them
    (`anonymity.suppress_overlapping`). Teams do not overlap (a member is in one)."""
    rows, periods = list(teams), list(quarters)
    people = sum(n for _name, n, _held, _follow in rows)
    if 0 < people < minimum:
        hidden_rows = {name: anonymity.PRIMARY for name, n, _held, _follow in rows if n}
        return ConversationFollowUp(
            None,
            [_team_conversations(row, hidden_rows) for row in rows],
            [(label, None) for label, n, _held, _follow in periods if n],
            minimum,
        )
    hidden_rows = anonymity.suppress({name: n for name, n, _held, _follow in rows}, minimum)
    hidden_periods = anonymity.suppress_overlapping({label: n for label, n, _h, _f in periods}, minimum, together)
    return ConversationFollowUp(
        Share(sum(f for *_rest, f in rows), sum(h for _name, _n, h, _f in rows)),
        [_team_conversations(row, hidden_rows) for row in rows],
        [(label, None if label in hidden_periods else Share(f, h)) for label, n, h, f in periods if n],
        minimum,
    )


def _team_conversations(row: tuple[str, int, int, int], hidden: dict[str, str]) -> TeamConversations:
    name, people, held, follow = row
    if name in hidden:
        return TeamConversations(name, None, None, hidden[name])
    return TeamConversations(name, people, Share(follow, held) if held else None)
