"""Coherence analysis of the inventory: pure functions over plain data.

Input is a list of `ActivityFacts` (and per-team participation figures); nothing here touches
the database, so every figure is unit-tested with hand-computed cases.

Definitions (also in docs/inventory.md):
- *with a goal*: the goal text is filled in.
- *with a measured result*: a result is filled in and either the way it was measured or an
  evaluation level of 1 or higher is recorded.
- *booked hours* of an activity: hours per participant × participants (the stated number, or
  else the number of participation records, whatever their status).
- *completed hours*: hours per participant × the participation records with status
  "completed" (enrolled, in-progress, failed and cancelled records do not count).
- *spend by team*: an activity meant for several teams is split evenly over them.
- *overlap*: activities whose titles are near-duplicates (rapidfuzz) and that were bought
  from more than one provider. The possible saving is a range: at most the combined cost less
  the cheapest purchase (only the cheapest is kept, and it serves everyone), at least a volume
  discount of VOLUME_DISCOUNT on the combined cost (everything bought from one provider).
- *per person* (participation per team): participation records divided by the team's
  people — the distinct participants in its records, or its members in Leerkoers when they
  are more. A person with records under two teams counts in both.
"""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from leerkoers.lib import formatting

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
    completed_count: int = 0  # participation records with status "completed"
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
        """Booked hours: every participant, whatever the status of the record."""
        return (self.hours_per_participant or ZERO) * self.people

    @property
    def completed_hours(self) -> Decimal:
        return (self.hours_per_participant or ZERO) * self.completed_count


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
    hours: Decimal  # booked
    activities: int
    completed_hours: Decimal = ZERO


def _breakdown(pairs) -> list[Breakdown]:
    spend, hours, count = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO), defaultdict(int)
    completed = defaultdict(lambda: ZERO)
    for key, activity, weight in pairs:
        spend[key] += (activity.cost or ZERO) * weight
        hours[key] += activity.hours * weight
        completed[key] += activity.completed_hours * weight
        count[key] += 1
    tenth = Decimal("0.1")
    rows = [
        Breakdown(
            k, spend[k].quantize(Decimal("0.01")), hours[k].quantize(tenth), count[k], completed[k].quantize(tenth)
        )
        for k in count
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
# The low end of the saving on an overlap: a discount for buying the subject from one provider.
VOLUME_DISCOUNT = Decimal("0.10")


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

    @property
    def saving_high(self) -> Decimal:
        """Keeping only the cheapest purchase: everything else is saved."""
        costs = [a.cost for a in self.activities if a.cost is not None]
        return sum(costs, ZERO) - min(costs) if costs else ZERO

    @property
    def saving_low(self) -> Decimal:
        """A volume discount on the combined cost."""
        return (self.spend * VOLUME_DISCOUNT).quantize(Decimal("0.01"))


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


# --- the whole analysis ---------------------------------------------------------------

MAX_GROUPS = 50  # overlap groups kept for the page, the export and the API
MAX_GROUP_ACTIVITIES = 30  # activities kept per group (the most expensive)


@dataclass(frozen=True)
class OverlapActivity:
    id: int
    title: str
    provider: str
    cost: Decimal | None


@dataclass(frozen=True)
class OverlapSummary:
    label: str
    spend: Decimal
    saving_low: Decimal
    saving_high: Decimal
    providers: list[str]
    teams: list[str]
    count: int
    activities: list[OverlapActivity]  # the most expensive MAX_GROUP_ACTIVITIES


@dataclass(frozen=True)
class InventoryAnalysis:
    """Every figure of the analysis page, the export and the API; built by `analyse`.

    Holds no text in a language: the starting point is written on reading (`starting_point`)."""

    activity_count: int
    participation_count: int
    total_spend: Decimal
    booked_hours: Decimal
    completed_hours: Decimal
    shares: Shares
    by_initiator: list[Breakdown]
    by_kind: list[Breakdown]
    by_team: list[Breakdown]
    by_month: list[Breakdown]
    teams: list[TeamParticipation]
    overlaps: list[OverlapSummary]  # the MAX_GROUPS with the largest spend
    overlap_groups: int
    overlap_spend: Decimal
    overlap_saving_low: Decimal
    overlap_saving_high: Decimal


def analyse(
    activities: list[ActivityFacts], linked_ids: set[int] | None, teams: list[TeamParticipation]
) -> InventoryAnalysis:
    """The analysis of the activities (with `linked_ids` from step 3, None when unavailable)
    and the per-team participation figures."""
    groups = overlaps(activities)
    return InventoryAnalysis(
        activity_count=len(activities),
        participation_count=sum(a.participation_count for a in activities),
        total_spend=sum((a.cost or ZERO for a in activities), ZERO),
        booked_hours=sum((a.hours for a in activities), ZERO),
        completed_hours=sum((a.completed_hours for a in activities), ZERO),
        shares=shares(activities, linked_ids),
        by_initiator=spend_by(activities, "initiator"),
        by_kind=spend_by(activities, "kind"),
        by_team=spend_by(activities, "team"),
        by_month=spend_by(activities, "month"),
        teams=teams,
        overlaps=[
            OverlapSummary(
                label=g.label,
                spend=g.spend,
                saving_low=g.saving_low,
                saving_high=g.saving_high,
                providers=g.providers[:20],
                teams=g.teams[:20],
                count=len(g.activities),
                activities=[
                    OverlapActivity(a.id, a.title, a.provider, a.cost) for a in g.activities[:MAX_GROUP_ACTIVITIES]
                ],
            )
            for g in groups[:MAX_GROUPS]
        ],
        overlap_groups=len(groups),
        overlap_spend=sum((g.spend for g in groups), ZERO),
        overlap_saving_low=sum((g.saving_low for g in groups), ZERO),
        overlap_saving_high=sum((g.saving_high for g in groups), ZERO),
    )


# --- the starting point --------------------------------------------------------------


def starting_point(analysis: InventoryAnalysis, initiator_labels: dict[str, str]) -> list[str]:
    """A few plain sentences describing today's situation, for the policy document, in the
    active language (`initiator_labels`: key → label in that language)."""
    if not analysis.activity_count:
        return [_("No learning activities have been recorded yet; import the LMS or HR export to begin.")]
    share, total_spend = analysis.shares, analysis.total_spend
    sentences = [
        _(
            "The inventory holds %(count)d learning activities, costing %(spend)s, with %(completed)s completed "
            "hours of learning time (%(booked)s hours booked, counting every enrolment)."
        )
        % {
            "count": analysis.activity_count,
            "spend": formatting.money(total_spend, cents=False),
            "completed": formatting.number(analysis.completed_hours, 0),
            "booked": formatting.number(analysis.booked_hours, 0),
        }
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
    if analysis.by_initiator and total_spend:
        top = analysis.by_initiator[0]
        label = initiator_labels.get(top.key) or _("an unknown initiator")
        figures = {"percent": round(100 * top.spend / total_spend), "who": label}
        if 2 * top.spend > total_spend:
            sentences.append(_("Most of the spend (%(percent)d%%) was initiated by “%(who)s”.") % figures)
        else:
            # A plurality is not "most": say that no initiator accounts for half.
            sentences.append(
                _(
                    "The largest share of the spend (%(percent)d%%) was initiated by “%(who)s”; "
                    "no initiator accounts for more than half."
                )
                % figures
            )
    if analysis.overlap_groups:
        largest = analysis.overlaps[0]
        sentences.append(
            _(
                "%(groups)d subjects were bought more than once from different providers, together %(spend)s; "
                "buying each once could save between %(low)s (a volume discount of %(discount)d%%) and %(high)s "
                "(keeping only the cheapest purchase). The largest is “%(label)s” (%(label_spend)s)."
            )
            % {
                "groups": analysis.overlap_groups,
                "spend": formatting.money(analysis.overlap_spend, cents=False),
                "low": formatting.money(analysis.overlap_saving_low, cents=False),
                "high": formatting.money(analysis.overlap_saving_high, cents=False),
                "discount": round(100 * VOLUME_DISCOUNT),
                "label": largest.label,
                "label_spend": formatting.money(largest.spend, cents=False),
            }
        )
    else:
        sentences.append(_("No overlapping purchases were found."))
    rated = [t for t in analysis.teams if t.per_employee is not None]
    if len(rated) >= 2:
        sentences.append(
            _(
                "Participation ranges from %(high)s records per person in %(high_team)s to %(low)s in %(low_team)s "
                "(per distinct participant of the team, or per member when the team has more members)."
            )
            % {
                "high": formatting.number(rated[0].per_employee, 1),
                "high_team": rated[0].team,
                "low": formatting.number(rated[-1].per_employee, 1),
                "low_team": rated[-1].team,
            }
        )
    if (share.with_goal.percent or 0) < 50 or (share.with_measured_result.percent or 0) < 50:
        sentences.append(
            _("In short: lots of movement, little coherence — most learning is not tied to a goal or measured.")
        )
    return sentences
