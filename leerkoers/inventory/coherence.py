"""Coherence analysis of the inventory: pure functions over plain data.

Input is a list of `ActivityFacts` (and per-team participation figures); nothing here touches
the database, so every figure is unit-tested with hand-computed cases.

Definitions (also in docs/inventory.md):
- *with a goal*: the goal text is filled in.
- *with a measured result*: a result is filled in and either the way it was measured or an
  evaluation level of 1 or higher is recorded.
- *hours* of an activity: hours per participant × participants (the stated number, or else
  the number of participation records).
- *spend by team*: an activity meant for several teams is split evenly over them.
- *overlap*: activities whose titles are near-duplicates (rapidfuzz) and that were bought
  from more than one provider; their combined cost is the saving at stake.
"""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

ZERO = Decimal("0")


@dataclass(frozen=True)
class ActivityFacts:
    id: int
    title: str
    provider: str = ""
    kind: str = ""
    initiator: str = ""
    teams: tuple[str, ...] = ()
    start_date: object = None  # datetime.date | None
    cost: Decimal | None = None
    hours_per_participant: Decimal | None = None
    participants: int | None = None
    participation_count: int = 0
    has_goal: bool = False
    has_result: bool = False
    result_measured: bool = False

    @property
    def measured(self) -> bool:
        return self.has_result and self.result_measured

    @property
    def people(self) -> int:
        return self.participants if self.participants is not None else self.participation_count

    @property
    def hours(self) -> Decimal:
        return (self.hours_per_participant or ZERO) * self.people


@dataclass(frozen=True)
class Share:
    count: int
    total: int

    @property
    def percent(self) -> int | None:
        return None if self.total == 0 else round(100 * self.count / self.total)


@dataclass(frozen=True)
class Shares:
    total: int
    with_goal: Share
    with_measured_result: Share
    linked_to_goal: Share | None  # None while step 3 (alignment) is not available


def shares(activities: list[ActivityFacts], linked_ids: set[int] | None) -> Shares:
    total = len(activities)
    return Shares(
        total=total,
        with_goal=Share(sum(a.has_goal for a in activities), total),
        with_measured_result=Share(sum(a.measured for a in activities), total),
        linked_to_goal=None if linked_ids is None else Share(sum(a.id in linked_ids for a in activities), total),
    )


@dataclass(frozen=True)
class Breakdown:
    key: str
    spend: Decimal
    hours: Decimal
    activities: int


def _breakdown(pairs) -> list[Breakdown]:
    spend, hours, count = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO), defaultdict(int)
    for key, activity, weight in pairs:
        spend[key] += (activity.cost or ZERO) * weight
        hours[key] += activity.hours * weight
        count[key] += 1
    rows = [
        Breakdown(k, spend[k].quantize(Decimal("0.01")), hours[k].quantize(Decimal("0.1")), count[k]) for k in count
    ]
    return sorted(rows, key=lambda r: (-r.spend, -r.hours, r.key))


def spend_by(activities: list[ActivityFacts], dimension: str) -> list[Breakdown]:
    """Spend, hours and number of activities by "initiator", "kind", "team" or "month".

    An empty initiator/kind is keyed "", an activity without teams "", one without a start
    date "" for the month. Months are "YYYY-MM" and sorted in time order.
    """
    if dimension == "team":
        pairs = []
        for a in activities:
            teams = a.teams or ("",)
            weight = Decimal(1) / len(teams)
            pairs += [(team, a, weight) for team in teams]
        return _breakdown(pairs)
    if dimension == "month":
        rows = _breakdown((a.start_date.strftime("%Y-%m") if a.start_date else "", a, 1) for a in activities)
        return sorted(rows, key=lambda r: (r.key == "", r.key))
    if dimension not in ("initiator", "kind"):
        raise ValueError(dimension)
    return _breakdown((getattr(a, dimension) or "", a, 1) for a in activities)


@dataclass(frozen=True)
class TeamParticipation:
    team: str
    participations: int
    people: int  # headcount of the team (members), or distinct participants when unknown

    @property
    def per_employee(self) -> Decimal | None:
        if not self.people:
            return None
        return (Decimal(self.participations) / self.people).quantize(Decimal("0.1"))


def participation_per_team(rows: list[TeamParticipation]) -> list[TeamParticipation]:
    """Teams sorted from most to least participation per employee (unknown rates last)."""
    return sorted(rows, key=lambda r: (r.per_employee is None, -(r.per_employee or 0), r.team))


# --- overlap -------------------------------------------------------------------------

# Words that say what form an activity takes, not what it is about.
NOISE_WORDS = {
    "training", "trainingen", "cursus", "opleiding", "workshop", "module", "basis", "basiscursus", "gevorderd",
    "gevorderden", "introductie", "inleiding", "masterclass", "webinar", "elearning", "e", "learning", "online",
    "dag", "daagse", "dagen", "sessie", "de", "het", "een", "van", "en", "voor", "in", "met", "op", "the", "a",
    "an", "of", "and", "for", "to", "course", "intro", "introduction", "advanced", "basic", "day", "werken",
    "incompany", "in-company", "editie", "deel",
}  # fmt: skip
OVERLAP_THRESHOLD = 85


def topic(title: str) -> str:
    """The subject of a title: lower case, accents, digits, punctuation and form words removed."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.split(r"[^a-z]+", text) if w and w not in NOISE_WORDS]
    return " ".join(words)


def similarity(a: str, b: str) -> float:
    """0–100: how alike two topics are. Token-set ratio catches extra words
    ("klantgericht werken" / "training klantgericht werken"); a partial ratio on long enough
    words catches derived words ("klantgericht" / "klantgerichtheid")."""
    if not a or not b:
        return 0.0
    score = fuzz.token_set_ratio(a, b)
    short, long = sorted((a, b), key=len)
    if len(short) >= 8 and len(short) >= 0.6 * len(long):
        score = max(score, fuzz.partial_ratio(short, long))
    return score


@dataclass
class OverlapGroup:
    activities: list[ActivityFacts] = field(default_factory=list)

    @property
    def spend(self) -> Decimal:
        return sum((a.cost or ZERO for a in self.activities), ZERO)

    @property
    def providers(self) -> list[str]:
        return sorted({a.provider for a in self.activities if a.provider})

    @property
    def teams(self) -> list[str]:
        return sorted({t for a in self.activities for t in a.teams})

    @property
    def label(self) -> str:
        return min((a.title for a in self.activities), key=len)


def overlaps(activities: list[ActivityFacts], threshold: float = OVERLAP_THRESHOLD) -> list[OverlapGroup]:
    """Groups of near-duplicate activities bought from more than one provider.

    Titles are compared only when their topics share a word prefix (five letters), so that
    10,000 activities do not mean 50 million comparisons. Groups are sorted by combined spend.
    """
    topics: dict[str, list[ActivityFacts]] = defaultdict(list)
    for a in activities:
        topics[topic(a.title)].append(a)
    names = [t for t in topics if t]
    parent = {t: t for t in names}

    def find(t):
        while parent[t] != t:
            parent[t] = parent[parent[t]]
            t = parent[t]
        return t

    buckets: dict[str, list[str]] = defaultdict(list)
    for t in names:
        # A shared word prefix, or a shared start once spaces are gone ("time management" /
        # "timemanagement"), makes two titles worth comparing.
        keys = {word[:5] for word in t.split() if len(word) >= 5} | {"_" + t.replace(" ", "")[:5]}
        for key in keys:
            buckets[key].append(t)
    compared: set[tuple[str, str]] = set()
    for bucket in buckets.values():
        if len(bucket) > 500:  # a prefix so common it tells nothing
            continue
        for i, a in enumerate(bucket):
            for b in bucket[i + 1 :]:
                pair = (a, b) if a < b else (b, a)
                if pair in compared:
                    continue
                compared.add(pair)
                if find(a) != find(b) and similarity(a, b) >= threshold:
                    parent[find(a)] = find(b)
    groups: dict[str, OverlapGroup] = defaultdict(OverlapGroup)
    for t in names:
        groups[find(t)].activities.extend(topics[t])
    result = []
    for group in groups.values():
        if len(group.activities) < 2:
            continue
        # The same subject from the same provider is a series (or one contract), not a
        # duplicate purchase; from several providers it is bought more than once.
        providers = {a.provider.strip().lower() for a in group.activities if a.provider.strip()}
        if len(providers) > 1:
            group.activities.sort(key=lambda a: (-(a.cost or ZERO), a.title))
            result.append(group)
    return sorted(result, key=lambda g: (-g.spend, g.label))


# --- the starting point --------------------------------------------------------------


def _whole(number) -> str:
    """A whole number as the active language writes it: 208.797 in Dutch, 208,797 in English."""
    return number_format(int(Decimal(number).quantize(Decimal("1"))), force_grouping=True)


def _euro(amount: Decimal) -> str:
    return f"€ {_whole(amount)}"


def starting_point(
    activities: list[ActivityFacts],
    share: Shares,
    by_initiator: list[Breakdown],
    groups: list[OverlapGroup],
    teams: list[TeamParticipation],
    initiator_labels: dict[str, str],
) -> list[str]:
    """A few plain sentences describing today's situation, for the policy document."""
    if not activities:
        return [_("No learning activities have been recorded yet; import the LMS or HR export to begin.")]
    total_spend = sum((a.cost or ZERO for a in activities), ZERO)
    total_hours = sum((a.hours for a in activities), ZERO)
    sentences = [
        _("The inventory holds %(count)d learning activities, costing %(spend)s and %(hours)s hours of learning time.")
        % {"count": len(activities), "spend": _euro(total_spend), "hours": _whole(total_hours)}
    ]
    sentences.append(
        _("%(goal)d%% of them state a goal and %(measured)d%% have a measured result.")
        % {"goal": share.with_goal.percent or 0, "measured": share.with_measured_result.percent or 0}
    )
    if share.linked_to_goal is not None:
        sentences.append(
            _("%(linked)d%% are linked to a learning goal of the strategy.")
            % {"linked": share.linked_to_goal.percent or 0}
        )
    if by_initiator and total_spend:
        top = by_initiator[0]
        label = initiator_labels.get(top.key) or _("an unknown initiator")
        sentences.append(
            _("Most of the spend (%(percent)d%%) was initiated by %(who)s.")
            % {"percent": round(100 * top.spend / total_spend), "who": str(label).lower()}
        )
    if groups:
        at_stake = sum((g.spend for g in groups), ZERO)
        sentences.append(
            _(
                "%(groups)d subjects were bought more than once from different providers, "
                "together %(spend)s; the largest is “%(label)s” (%(label_spend)s)."
            )
            % {
                "groups": len(groups),
                "spend": _euro(at_stake),
                "label": groups[0].label,
                "label_spend": _euro(groups[0].spend),
            }
        )
    else:
        sentences.append(_("No overlapping purchases were found."))
    rated = [t for t in teams if t.per_employee is not None]
    if len(rated) >= 2:
        sentences.append(
            _("Participation ranges from %(high)s per employee in %(high_team)s to %(low)s in %(low_team)s.")
            % {
                "high": number_format(rated[0].per_employee, 1),
                "high_team": rated[0].team,
                "low": number_format(rated[-1].per_employee, 1),
                "low_team": rated[-1].team,
            }  # fmt: skip
        )
    if (share.with_goal.percent or 0) < 50 or (share.with_measured_result.percent or 0) < 50:
        sentences.append(
            _("In short: lots of movement, little coherence — most learning is not tied to a goal or measured.")
        )
    return sentences
