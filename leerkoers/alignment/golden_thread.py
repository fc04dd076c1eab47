"""The golden thread: strategic goal → learning goal → activity, as pure functions.

Everything here works on a `Thread` of plain values (built from the database by
`selectors.thread_for`), so it is tested with hand-computed examples and no web layer.

Definitions (also in docs/alignment.md):
- Only **active** strategic goals count; draft, achieved and dropped ones do not.
- An activity is **aligned** when it serves a learning goal that serves an active strategic
  goal, and that learning goal is for the whole organisation or for at least one of the
  activity's teams (an activity without teams is open to everyone, so it serves any goal).
- The **strategy period** runs from the earliest start to the latest end of the active
  strategic goals' periods; the headline share counts the activities that start within it.
- Its **weight** is its spend (cost) or its hours (hours per participant × participants).
- **Per target team** an activity's weight is split evenly over the teams it is meant for; an
  activity without teams counts under "no team" (key None). A team's piece is aligned when an
  aligned goal of the activity is for the whole organisation or for that team.
- **Per participating team** an activity's weight is split over the teams of its
  participation records, in proportion to their number; an activity without records counts
  under "no records" (key NO_RECORDS), records without a team under None.
- **Trend**: aligned share per calendar year (or quarter) of the activity's start date;
  activities without a start date are left out of the trend only.
- **Flow**: each activity's weight is split evenly over its learning goals; each learning
  goal's inflow is split evenly over its strategic goals. Unlinked weight flows through the
  pseudo-nodes "no learning goal" / "no strategic goal" (id None), so every column adds up
  to the total.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from rapidfuzz import fuzz

SPEND = "spend"
HOURS = "hours"
WEIGHTS = (SPEND, HOURS)


ACTIVE = "active"  # StrategicGoal.Status.ACTIVE, without importing the models
NO_RECORDS = "no_records"  # participant split: activities without participation records


@dataclass(frozen=True)
class StrategicGoalData:
    id: int
    title: str
    status: str = ACTIVE
    period_start: date | None = None
    period_end: date | None = None


@dataclass(frozen=True)
class LearningGoalData:
    id: int
    title: str
    has_measure: bool = True
    text: str = ""  # title, behaviour and who, for suggestions
    team_ids: tuple[int, ...] = ()  # who the goal is for; empty: the whole organisation


@dataclass(frozen=True)
class ActivityData:
    id: int
    title: str
    cost: Decimal = Decimal(0)
    hours: Decimal = Decimal(0)
    team_ids: tuple[int, ...] = ()
    start_date: date | None = None
    text: str = ""  # title and goal, for suggestions
    # (team id or None, participation records) per team of the participation records
    participations_by_team: tuple[tuple[int | None, int], ...] = ()

    def weight(self, by: str) -> Decimal:
        if by not in WEIGHTS:
            raise ValueError(f"weight must be one of {WEIGHTS}")
        return self.cost if by == SPEND else self.hours


@dataclass(frozen=True)
class Thread:
    strategic_goals: list[StrategicGoalData]  # in priority order
    learning_goals: list[LearningGoalData]
    activities: list[ActivityData]
    goal_links: set[tuple[int, int]] = field(default_factory=set)  # (strategic goal id, learning goal id)
    activity_links: set[tuple[int, int]] = field(default_factory=set)  # (learning goal id, activity id)

    def learning_goals_of_activity(self) -> dict[int, list[int]]:
        result: dict[int, list[int]] = defaultdict(list)
        for lg_id, activity_id in sorted(self.activity_links):
            result[activity_id].append(lg_id)
        return result

    def strategic_goals_of_learning_goal(self) -> dict[int, list[int]]:
        result: dict[int, list[int]] = defaultdict(list)
        for sg_id, lg_id in sorted(self.goal_links):
            result[lg_id].append(sg_id)
        return result


@dataclass(frozen=True)
class Gaps:
    strategic_goals_without_learning_goals: list[int]
    learning_goals_without_activities: list[int]
    activities_without_learning_goals: list[int]
    learning_goals_without_measure: list[int]

    def as_dict(self) -> dict[str, list[int]]:
        return {
            "strategic_goals_without_learning_goals": self.strategic_goals_without_learning_goals,
            "learning_goals_without_activities": self.learning_goals_without_activities,
            "activities_without_learning_goals": self.activities_without_learning_goals,
            "learning_goals_without_measure": self.learning_goals_without_measure,
        }


def gaps(thread: Thread) -> Gaps:
    """The four gap lists, each in the order of the thread's lists."""
    sgs_linked = {sg for sg, _lg in thread.goal_links}
    lgs_with_activity = {lg for lg, _a in thread.activity_links}
    activities_linked = {a for _lg, a in thread.activity_links}
    return Gaps(
        [sg.id for sg in thread.strategic_goals if sg.id not in sgs_linked],
        [lg.id for lg in thread.learning_goals if lg.id not in lgs_with_activity],
        [a.id for a in thread.activities if a.id not in activities_linked],
        [lg.id for lg in thread.learning_goals if not lg.has_measure],
    )


ALL = None  # an audience that is the whole organisation


def counting_goal_ids(thread: Thread) -> set[int]:
    """The strategic goals that count for alignment: the active ones."""
    return {sg.id for sg in thread.strategic_goals if sg.status == ACTIVE}


def audiences(thread: Thread) -> dict[int, frozenset[int] | None]:
    """Per activity with an aligned link: who its aligned goals are for.

    ALL (None) when one of them is for the whole organisation, else the union of their teams.
    Only links through a learning goal that serves an active strategic goal count.
    """
    counting = counting_goal_ids(thread)
    aligned_lgs = {lg for sg, lg in thread.goal_links if sg in counting}
    teams_of = {lg.id: lg.team_ids for lg in thread.learning_goals}
    found: dict[int, set[int] | None] = {}
    for lg, activity_id in thread.activity_links:
        if lg not in aligned_lgs:
            continue
        teams = teams_of.get(lg, ())
        if not teams or found.get(activity_id, ()) is ALL:
            found[activity_id] = ALL
        else:
            found.setdefault(activity_id, set()).update(teams)
    return {a: (ALL if teams is ALL else frozenset(teams)) for a, teams in found.items()}


def _serves(audience: frozenset[int] | None, team: int | None) -> bool:
    """Does an aligned goal with this audience serve the people of `team` (None: no team)?"""
    return audience is ALL or (team is not None and team in audience)


def _activity_aligned(activity: ActivityData, audience) -> bool:
    if audience is ALL:
        return True
    # An activity without teams is open to everyone, including the goal's teams.
    return not activity.team_ids or any(team in audience for team in activity.team_ids)


def aligned_activity_ids(thread: Thread) -> set[int]:
    """Activities serving a learning goal that serves an active strategic goal and is for the
    whole organisation or for one of the activity's teams."""
    found = audiences(thread)
    return {a.id for a in thread.activities if a.id in found and _activity_aligned(a, found[a.id])}


def strategy_period(thread: Thread) -> tuple[date, date] | None:
    """Earliest start to latest end of the active strategic goals' periods; None when no
    active goal has both dates."""
    dated = [
        sg
        for sg in thread.strategic_goals
        if sg.status == ACTIVE and sg.period_start is not None and sg.period_end is not None
    ]
    if not dated:
        return None
    return min(sg.period_start for sg in dated), max(sg.period_end for sg in dated)


def within(thread: Thread, period: tuple[date, date] | None) -> list[ActivityData]:
    """The activities that start within the period (all of them when period is None)."""
    if period is None:
        return list(thread.activities)
    start, end = period
    return [a for a in thread.activities if a.start_date is not None and start <= a.start_date <= end]


@dataclass(frozen=True)
class Share:
    aligned: Decimal
    total: Decimal

    @property
    def share(self) -> float:
        """Between 0 and 1; 0 when there is nothing to share."""
        return float(self.aligned / self.total) if self.total else 0.0


def aligned_share(thread: Thread, by: str = SPEND, period: tuple[date, date] | None = None) -> Share:
    """Aligned weight of the activities (those starting within `period`, when given)."""
    aligned = aligned_activity_ids(thread)
    activities = within(thread, period)
    total = sum((a.weight(by) for a in activities), Decimal(0))
    part = sum((a.weight(by) for a in activities if a.id in aligned), Decimal(0))
    return Share(part, total)


def aligned_share_by_team(
    thread: Thread, by: str = SPEND, period: tuple[date, date] | None = None
) -> dict[int | None, Share]:
    """Share per target team id (None: activities without a team); weights split evenly over
    the activity's teams, a team's piece aligned when an aligned goal serves that team."""
    found = audiences(thread)
    aligned = aligned_activity_ids(thread)
    totals: dict[int | None, Fraction] = defaultdict(Fraction)
    parts: dict[int | None, Fraction] = defaultdict(Fraction)
    for activity in within(thread, period):
        teams = activity.team_ids or (None,)
        piece = Fraction(activity.weight(by)) / len(teams)
        for team in teams:
            totals[team] += piece
            if activity.id in aligned and (team is None or _serves(found[activity.id], team)):
                parts[team] += piece
    return {team: Share(_decimal(parts[team]), _decimal(totals[team])) for team in totals}


def aligned_share_by_participants(
    thread: Thread, by: str = SPEND, period: tuple[date, date] | None = None
) -> dict[int | str | None, Share]:
    """Share per participating team: an activity's weight split over the teams of its
    participation records in proportion to their number (None: records without a team,
    NO_RECORDS: activities without records). A team's piece of an aligned activity is aligned
    when an aligned goal of the activity is for the whole organisation or for that team."""
    found = audiences(thread)
    aligned = aligned_activity_ids(thread)
    totals: dict[int | str | None, Fraction] = defaultdict(Fraction)
    parts: dict[int | str | None, Fraction] = defaultdict(Fraction)
    for activity in within(thread, period):
        weight = Fraction(activity.weight(by))
        records = [(team, n) for team, n in activity.participations_by_team if n > 0]
        count = sum(n for _team, n in records)
        if not count:
            totals[NO_RECORDS] += weight
            if activity.id in aligned:
                parts[NO_RECORDS] += weight
            continue
        for team, n in records:
            piece = weight * n / count
            totals[team] += piece
            if activity.id in aligned and _serves(found[activity.id], team):
                parts[team] += piece
    return {team: Share(_decimal(parts[team]), _decimal(totals[team])) for team in totals}


def period_of(day: date, period: str) -> str:
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def aligned_share_trend(thread: Thread, by: str = SPEND, period: str = "year") -> list[tuple[str, Share]]:
    """Aligned share per period of the activities' start dates, oldest first."""
    aligned = aligned_activity_ids(thread)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    parts: dict[str, Decimal] = defaultdict(Decimal)
    for activity in thread.activities:
        if activity.start_date is None:
            continue
        key = period_of(activity.start_date, period)
        totals[key] += activity.weight(by)
        if activity.id in aligned:
            parts[key] += activity.weight(by)
    return [(key, Share(parts[key], totals[key])) for key in sorted(totals)]


def matrix(thread: Thread) -> list[tuple[StrategicGoalData, list[bool]]]:
    """Rows: strategic goals; columns: learning goals (thread order); True where linked."""
    return [
        (sg, [(sg.id, lg.id) in thread.goal_links for lg in thread.learning_goals]) for sg in thread.strategic_goals
    ]


@dataclass(frozen=True)
class FlowLink:
    source: int | None  # strategic goal id (None: no strategic goal) or learning goal id
    target: int | None  # learning goal id (None: no learning goal) or activity id
    value: Decimal


@dataclass(frozen=True)
class Flow:
    goal_to_learning: list[FlowLink]  # strategic goal → learning goal
    learning_to_activity: list[FlowLink]  # learning goal → activity
    total: Decimal


def flow(thread: Thread, by: str = SPEND) -> Flow:
    """The flow diagram's links and their values; zero-valued links are left out."""
    lgs_of = thread.learning_goals_of_activity()
    sgs_of = thread.strategic_goals_of_learning_goal()
    into_lg: dict[int | None, Fraction] = defaultdict(Fraction)
    second: dict[tuple[int | None, int], Fraction] = defaultdict(Fraction)
    for activity in thread.activities:
        weight = Fraction(activity.weight(by))
        if not weight:
            continue
        lgs = lgs_of.get(activity.id) or [None]
        for lg in lgs:
            second[(lg, activity.id)] += weight / len(lgs)
            into_lg[lg] += weight / len(lgs)
    first: dict[tuple[int | None, int | None], Fraction] = defaultdict(Fraction)
    for lg, value in into_lg.items():
        sgs = (sgs_of.get(lg) if lg is not None else None) or [None]
        for sg in sgs:
            first[(sg, lg)] += value / len(sgs)
    total = sum((a.weight(by) for a in thread.activities), Decimal(0))
    return Flow(
        [FlowLink(s, t, _decimal(v)) for (s, t), v in first.items() if v],
        [FlowLink(s, t, _decimal(v)) for (s, t), v in second.items() if v],
        total,
    )


# --- suggestions -------------------------------------------------------------------------

# Words that say nothing about the content of a learning goal or activity.
STOP_WORDS = {
    # Dutch
    "aan", "als", "bij", "het", "een", "van", "voor", "met", "naar", "door", "over", "onze", "hun",
    "zijn", "worden", "wordt", "kunnen", "leren", "training", "cursus", "workshop", "medewerkers",
    "team", "teams", "deze", "die", "dat", "wat", "hoe", "meer", "beter", "goed", "niet", "ook",
    "zich", "tot", "uit", "omdat", "zodat", "elke", "alle", "basis", "deel",
    # English
    "the", "and", "for", "with", "from", "into", "that", "this", "their", "more", "better",
    "learn", "learning", "course", "staff", "employees", "all", "each", "about",
}  # fmt: skip
MIN_WORD = 4
SUGGESTION_THRESHOLD = 80.0


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", (text or "").lower()) if len(w) >= MIN_WORD and w not in STOP_WORDS}


def similarity(learning_goal_text: str, activity_text: str) -> float:
    """0–100: how well the learning goal's content words are found in the activity's text.

    Each content word of the learning goal is matched to its closest word in the activity
    (rapidfuzz ratio, so 'communicatieve' still finds 'communicatie'); the score is the mean
    of the best matches of the two best-matching words, so one shared word is not enough
    unless the learning goal has only one.
    """
    return _word_similarity(_words(learning_goal_text), _words(activity_text), fuzz.ratio)


def _word_similarity(goal_words: set[str], activity_words: set[str], ratio) -> float:
    if not goal_words or not activity_words:
        return 0.0
    return _top_two(max(ratio(g, a) for a in activity_words) for g in goal_words)


def _top_two(scores) -> float:
    """Mean of the two highest scores (the only one when there is one; 0 for none)."""
    top = sorted(scores, reverse=True)[:2]
    return sum(top) / len(top) if top else 0.0


@dataclass(frozen=True)
class Suggestion:
    activity_id: int
    learning_goal_id: int
    score: float


def suggestions(
    thread: Thread,
    *,
    rejected: set[tuple[int, int]] = frozenset(),
    threshold: float = SUGGESTION_THRESHOLD,
    per_activity: int = 2,
) -> list[Suggestion]:
    """Links to propose for activities that serve no learning goal, best first.

    `rejected` holds (learning goal id, activity id) pairs the user turned down: never
    proposed again. Nothing is linked here; the user accepts or rejects each one.
    """
    linked = {a for _lg, a in thread.activity_links}
    goal_words = {lg.id: _words(lg.text or lg.title) for lg in thread.learning_goals}
    all_goal_words = set().union(*goal_words.values()) if goal_words else set()
    # Inventories repeat titles and words: score each word pair and each text once.
    ratios: dict[tuple[str, str], float] = {}

    def ratio(a: str, b: str) -> float:
        if (a, b) not in ratios:
            ratios[(a, b)] = fuzz.ratio(a, b)
        return ratios[(a, b)]

    by_text: dict[str, dict[int, float]] = {}
    found: list[Suggestion] = []
    for activity in thread.activities:
        if activity.id in linked:
            continue
        text = activity.text or activity.title
        if text not in by_text:
            words = _words(text)
            # Best match of every goal word in this activity, once; each goal then takes its own.
            best = {g: max((ratio(g, a) for a in words), default=0.0) for g in all_goal_words}
            by_text[text] = {lg_id: _top_two(best[g] for g in gw) for lg_id, gw in goal_words.items()}
        scores = by_text[text]
        scored = [
            Suggestion(activity.id, lg.id, scores[lg.id])
            for lg in thread.learning_goals
            if (lg.id, activity.id) not in rejected and scores[lg.id] >= threshold
        ]
        scored.sort(key=lambda s: (-s.score, s.learning_goal_id))
        found.extend(scored[:per_activity])
    found.sort(key=lambda s: (-s.score, s.activity_id, s.learning_goal_id))
    return found


# --- the report: every figure of the golden thread, once ---------------------------------


@dataclass(frozen=True)
class TeamShares:
    team: int | str | None  # team id; None: no team; NO_RECORDS: no participation records
    spend: Share
    hours: Share


@dataclass(frozen=True)
class PeriodShares:
    period: str
    spend: Share
    hours: Share


@dataclass(frozen=True)
class ThreadReport:
    """What the golden-thread page and the API show; built by `report`."""

    thread: Thread
    weight: str
    period: tuple[date, date] | None  # the strategy period the headline shares count in
    spend: Share  # within the period
    hours: Share
    spend_all: Share  # every activity, whatever its date
    hours_all: Share
    gaps: Gaps
    by_team: list[TeamShares]  # split over the activities' target teams
    by_participants: list[TeamShares]  # split over the teams of the participation records
    trend: list[PeriodShares]
    matrix: list[tuple[StrategicGoalData, list[bool]]]
    flow: Flow  # weighted by `weight`
    suggestions: list[Suggestion]

    @property
    def strategic_goal_titles(self) -> dict[int, str]:
        return {sg.id: sg.title for sg in self.thread.strategic_goals}

    @property
    def learning_goal_titles(self) -> dict[int, str]:
        return {lg.id: lg.title for lg in self.thread.learning_goals}

    @property
    def activity_titles(self) -> dict[int, str]:
        return {a.id: a.title for a in self.thread.activities}

    def unlinked_titles(self, limit: int = 8) -> list[tuple[str, int]]:
        """Titles of activities serving no learning goal, each once with its count, most first
        (inventories repeat a title once per team)."""
        titles = self.activity_titles
        counts: dict[str, int] = defaultdict(int)
        for activity_id in self.gaps.activities_without_learning_goals:
            counts[titles[activity_id]] += 1
        return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]


def _team_rows(spend: dict, hours: dict) -> list[TeamShares]:
    def order(team):
        return (team == NO_RECORDS, team is None, team if isinstance(team, int) else 0)

    return [TeamShares(team, spend[team], hours[team]) for team in sorted(spend, key=order)]


def report(
    thread: Thread,
    *,
    weight: str = SPEND,
    trend_period: str = "year",
    rejected: set[tuple[int, int]] = frozenset(),
) -> ThreadReport:
    """Every figure of the golden thread from one `Thread`: the page and the API both show this.

    Refuses (ValueError) a weight other than SPEND or HOURS."""
    if weight not in WEIGHTS:
        raise ValueError(f"weight must be one of {WEIGHTS}")
    period = strategy_period(thread)
    hours_trend = dict(aligned_share_trend(thread, HOURS, trend_period))
    return ThreadReport(
        thread=thread,
        weight=weight,
        period=period,
        spend=aligned_share(thread, SPEND, period),
        hours=aligned_share(thread, HOURS, period),
        spend_all=aligned_share(thread, SPEND),
        hours_all=aligned_share(thread, HOURS),
        gaps=gaps(thread),
        by_team=_team_rows(aligned_share_by_team(thread, SPEND, period), aligned_share_by_team(thread, HOURS, period)),
        by_participants=_team_rows(
            aligned_share_by_participants(thread, SPEND, period), aligned_share_by_participants(thread, HOURS, period)
        ),
        trend=[
            PeriodShares(key, share, hours_trend[key])
            for key, share in aligned_share_trend(thread, SPEND, trend_period)
        ],
        matrix=matrix(thread),
        flow=flow(thread, weight),
        suggestions=suggestions(thread, rejected=rejected),
    )


def _decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))
