"""Finding common ground in a vision round: pure functions over plain counts.

Nothing here reads the database. Inputs are tallies (agree / disagree / pass counts) per
statement and layer; outputs are dataclasses the pages, the API and the export lay out.

The rules, as shown to participants:

- A layer's **agree share** on a statement is smoothed, (agree + 1) / (votes + 2), where a
  pass counts as a vote that does not agree: broad agreement needs people to agree, not to
  abstain. With few votes the estimate stays near one half instead of jumping to 0 % or 100 %.
  Its interval is the 95 % Wilson score interval of agree / votes.
- A layer has **enough ratings** on a statement with at least `minimum` votes (the round's
  minimum ratings, never below the anonymity threshold) from participants who came through a
  single-use personal link. Votes through a shared layer link count in the shares but not
  towards that minimum — otherwise four made-up participants beside one real one would show
  that one person's votes. A layer that only has shared-link participants needs twice the
  minimum of votes instead (a residual risk: someone holding the link can still pad it).
- **Consensus**: every taking-part layer has enough ratings and a smoothed agree share at or
  above the round's threshold (default 75 %).
- **Dividing**: among the layers with enough ratings, one leans to agree (smoothed agree
  share above one half) and another to disagree (smoothed disagree share above one half);
  the split is the distance between the highest and the lowest agree share.
- **Unclear**: neither of the above, and some taking-part layer lacks enough ratings.
- Otherwise **no consensus**.
"""

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from leerkoers.lib import anonymity

CONSENSUS = "consensus"
DIVIDING = "dividing"
UNCLEAR = "unclear"
NO_CONSENSUS = "none"
Z95 = 1.959964


@dataclass(frozen=True)
class Tally:
    agree: int = 0
    disagree: int = 0
    passed: int = 0
    verified: int | None = None  # votes through personal links; None: all of them

    @property
    def votes(self) -> int:
        return self.agree + self.disagree + self.passed

    def enough(self, minimum: int, *, link_only: bool = False) -> bool:
        """Whether these votes may count and be shown (see the module's rules)."""
        if link_only:
            return self.votes >= 2 * minimum
        return (self.votes if self.verified is None else self.verified) >= minimum


def smoothed(count: int, votes: int) -> float:
    """(count + 1) / (votes + 2): the share with one imagined vote on each side."""
    return (count + 1) / (votes + 2)


def wilson(count: int, votes: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of count / votes; (0, 1) without votes."""
    if votes == 0:
        return (0.0, 1.0)
    p = count / votes
    centre = p + z * z / (2 * votes)
    margin = z * math.sqrt(p * (1 - p) / votes + z * z / (4 * votes * votes))
    denominator = 1 + z * z / votes
    return (max(0.0, (centre - margin) / denominator), min(1.0, (centre + margin) / denominator))


def suppress(counts: Mapping[str, int], minimum: int) -> set[str]:
    """The keys whose figure may not be shown, when a total over all keys is shown as well:
    the shared small-cell rule (leerkoers.lib.anonymity.suppress) — groups of 1 … minimum-1
    and the complementary groups needed so that none of them can be worked out."""
    return set(anonymity.suppress(counts, minimum))


@dataclass(frozen=True)
class LayerShare:
    layer: str
    tally: Tally
    enough: bool
    agree: float  # smoothed agree share
    disagree: float  # smoothed disagree share
    interval: tuple[float, float]


@dataclass(frozen=True)
class StatementResult:
    kind: str
    layers: dict[str, LayerShare]
    split: float | None = None  # for a dividing statement: highest minus lowest agree share
    agree_side: tuple[str, ...] = ()
    disagree_side: tuple[str, ...] = ()
    lacking: tuple[str, ...] = ()  # taking-part layers without enough ratings


def layer_share(layer: str, tally: Tally, minimum: int, *, link_only: bool = False) -> LayerShare:
    return LayerShare(
        layer,
        tally,
        tally.enough(minimum, link_only=link_only),
        smoothed(tally.agree, tally.votes),
        smoothed(tally.disagree, tally.votes),
        wilson(tally.agree, tally.votes),
    )


def classify(
    tallies: Mapping[str, Tally],
    *,
    layers: Iterable[str],
    threshold: float,
    minimum: int,
    link_only: Iterable[str] = (),
) -> StatementResult:
    """Classify one statement from its tallies per layer (see the module's rules).

    `layers` are the layers taking part in the round; a layer missing from `tallies` has no
    votes; `link_only` names the layers without personal-link participants. Refuses
    (ValueError) an empty set of layers or a minimum below 1.
    """
    layers = list(layers)
    link_only = set(link_only)
    if not layers or minimum < 1:
        raise ValueError("classify needs at least one layer and a minimum of at least 1")
    shares = {
        layer: layer_share(layer, tallies.get(layer, Tally()), minimum, link_only=layer in link_only)
        for layer in layers
    }
    enough = [s for s in shares.values() if s.enough]
    lacking = tuple(s.layer for s in shares.values() if not s.enough)
    if not lacking and all(s.agree >= threshold for s in enough):
        return StatementResult(CONSENSUS, shares)
    agree_side = tuple(s.layer for s in enough if s.agree > 0.5)
    disagree_side = tuple(s.layer for s in enough if s.disagree > 0.5)
    if agree_side and disagree_side:
        split = max(s.agree for s in enough) - min(s.agree for s in enough)
        return StatementResult(DIVIDING, shares, split, agree_side, disagree_side, lacking)
    return StatementResult(UNCLEAR if lacking else NO_CONSENSUS, shares, lacking=lacking)


@dataclass(frozen=True)
class Candidate:
    """A statement a participant may rate next (shown, not held back, not their own, unrated)."""

    id: int
    pinned: bool
    layer_votes: int  # votes so far from the participant's layer
    total_votes: int


def next_order(candidates: Iterable[Candidate], *, minimum: int) -> list[int]:
    """The order in which a participant meets the statements they have not rated.

    1. pinned statements first;
    2. then statements that the participant's own layer has rated fewer than `minimum`
       times, the fewest ratings in that layer first — so every layer reaches the minimum
       on every statement as soon as possible;
    3. then the rest, the fewest ratings overall first.
    Ties go to the newest statement (highest id), so new statements are seen early.
    """

    def key(c: Candidate):
        under = c.layer_votes < minimum
        return (not c.pinned, not under, c.layer_votes if under else c.total_votes, -c.id)

    return [c.id for c in sorted(candidates, key=key)]


@dataclass(frozen=True)
class SupportSummary:
    """Endorsement of one layer on the five-point scale (5 full support … 1 cannot live with it)."""

    count: int
    distribution: dict[int, int] = field(default_factory=dict)
    mean: float | None = None
    spread: float | None = None  # population standard deviation
    support_share: float | None = None  # share at 4 or 5
    blocks: int = 0  # "cannot live with it"


def support_summary(levels: Iterable[int]) -> SupportSummary:
    """Summarise one layer's levels (1 … 5). Refuses (ValueError) a level outside 1 … 5."""
    levels = list(levels)
    if any(level not in (1, 2, 3, 4, 5) for level in levels):
        raise ValueError("support levels run from 1 to 5")
    distribution = {level: levels.count(level) for level in (5, 4, 3, 2, 1)}
    if not levels:
        return SupportSummary(0, distribution)
    n = len(levels)
    mean = sum(levels) / n
    spread = math.sqrt(sum((level - mean) ** 2 for level in levels) / n)
    return SupportSummary(n, distribution, mean, spread, (distribution[5] + distribution[4]) / n, distribution[1])


def near_duplicates(texts: Mapping[int, str], *, cutoff: float = 80.0) -> list[tuple[int, int, float]]:
    """Pairs of statements that say nearly the same (rapidfuzz token-set ratio ≥ cutoff),
    the closest first, as (id, id, score) with the lower id first."""
    from rapidfuzz import fuzz, utils

    items = sorted(texts.items())
    pairs = []
    for i, (a, text_a) in enumerate(items):
        for b, text_b in items[i + 1 :]:
            score = fuzz.token_set_ratio(text_a, text_b, processor=utils.default_process)
            if score >= cutoff:
                pairs.append((a, b, round(score, 1)))
    return sorted(pairs, key=lambda pair: (-pair[2], pair[0], pair[1]))


WORD = re.compile(r"\w+", re.UNICODE)


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """A readable word-level diff: a list of ("same" | "removed" | "added", text)."""
    a, b = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("removed", "".join(a[i1:i2])))
        if j2 > j1:
            parts.append(("added", "".join(b[j1:j2])))
    return parts
