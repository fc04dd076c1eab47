"""Small-cell suppression: which groups of a published table must be hidden (pure, no Django).

Used for every grouped result about people (scan rounds today; vision rounds and pilot
evaluations the same way). The setting is a one-way table: cells (layers, teams, …) that
together make up a population whose total is published beside them (a count, or a mean
whose respondents are the sum of the cells). For each cell the caller knows how many people
it holds; `suppress` says which cells to hide and why.

Contract of `suppress(counts, minimum, hidden=None) -> {cell: reason}`:

- `counts`: cell → number of people in it (an int ≥ 0). Its order breaks ties.
- `minimum`: the anonymity threshold (≥ 2).
- `hidden`: cells the caller already hides for a reason of its own (e.g. "too few distinct
  respondents"), cell → reason; they are passed through and treated as hidden cells whose
  size the reader does not know.
- Returns the cells to hide, cell → PRIMARY (1…minimum−1 people), COMPLEMENTARY (hidden only
  so that a smaller cell cannot be worked out) or the caller's own reason. Cells of 0 people
  are never hidden: there is nobody to protect, and "0" gives nothing away.

What it guarantees, for a reader who sees the total, the shown cells and each hidden cell's
reason (a PRIMARY cell is then known to hold 1…minimum−1 people, a COMPLEMENTARY one at least
`minimum`):

1. The hidden cells together hold 0 or at least `minimum` people, so "total minus the shown
   cells" (of a count, or of a sum of scores) always describes at least `minimum` people.
2. No hidden cell's exact count follows from the total, the shown counts and those bounds:
   every hidden cell can still take at least two values.

Complementary cells are chosen smallest first (fewest figures lost; earlier cell on a tie).
When no cell is left to add, everything is hidden and the guarantees hold only if the caller
also hides the total — which it does anyway when the total is below `minimum` (the only way
this can happen). The caller applies the same function per cell of a two-way table (e.g. per
dimension, with the layers hidden as a whole passed in `hidden`).
"""

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

PRIMARY = "primary"
COMPLEMENTARY = "complementary"

_UNBOUNDED = float("inf")


def _bounds(reason: str, minimum: int) -> tuple[float, float]:
    """What a reader learns of a hidden cell's size from its reason."""
    if reason == PRIMARY:
        return 1, minimum - 1
    if reason == COMPLEMENTARY:
        return minimum, _UNBOUNDED
    return 1, _UNBOUNDED


def feasible_ranges(counts: Mapping[K, int], hidden: Mapping[K, str], minimum: int) -> dict[K, tuple[float, float]]:
    """For each hidden cell, the smallest and largest count consistent with what is shown.

    The hidden cells sum to the total minus the shown cells; each lies within its reason's
    bounds. For one equality with box bounds the per-cell range is exact.
    """
    remainder = sum(counts[key] for key in hidden)
    bounds = {key: _bounds(reason, minimum) for key, reason in hidden.items()}
    # The others' bounds are the totals less the cell's own (linear in the hidden cells; an
    # unbounded high is counted apart, since inf - inf is not a number).
    total_low = sum(low for low, _high in bounds.values())
    finite_high = sum(high for _low, high in bounds.values() if high != _UNBOUNDED)
    unbounded = sum(1 for _low, high in bounds.values() if high == _UNBOUNDED)
    ranges = {}
    for key, (low, high) in bounds.items():
        others_low = total_low - low
        if unbounded - (high == _UNBOUNDED) > 0:
            others_high = _UNBOUNDED
        else:
            others_high = finite_high - (high if high != _UNBOUNDED else 0)
        ranges[key] = (max(low, remainder - others_high), min(high, remainder - others_low))
    return ranges


def _exposed(counts, hidden, minimum) -> bool:
    remainder = sum(counts[key] for key in hidden)
    if 0 < remainder < minimum:
        return True
    return any(low >= high for low, high in feasible_ranges(counts, hidden, minimum).values())


def suppress(counts: Mapping[K, int], minimum: int, hidden: Mapping[K, str] | None = None) -> dict[K, str]:
    """The cells to hide and why; see the module docstring for the contract."""
    if minimum < 2:
        raise ValueError("minimum must be at least 2")
    if any(count < 0 for count in counts.values()):
        raise ValueError("counts must not be negative")
    result: dict[K, str] = dict(hidden or {})
    for key, count in counts.items():
        if key not in result and 0 < count < minimum:
            result[key] = PRIMARY
    if not result:
        return result
    # Smallest first, the earlier cell on a tie: sorted once (a table of 1,000 teams).
    position = {key: n for n, key in enumerate(counts)}
    candidates = iter(
        sorted(
            (key for key in counts if key not in result and counts[key] > 0),
            key=lambda key: (counts[key], position[key]),
        )
    )
    while _exposed(counts, result, minimum):
        smallest = next(candidates, None)
        if smallest is None:
            break
        result[smallest] = COMPLEMENTARY
    return result


def suppress_overlapping(counts: Mapping[K, int], minimum: int, together: Callable[[Iterable[K]], int]) -> dict[K, str]:
    """`suppress` for cells that can share people — quarters, or kinds of conversation, when
    one member may be in several — whose counts therefore do not add up to the total's people.
    Guarantee 1 then needs more: the hidden cells must together hold 0 or at least `minimum`
    *different* people (`together(cells)` says how many), or "total minus the shown cells"
    describes fewer. While they do not, the smallest shown cell is hidden too (COMPLEMENTARY)."""
    hidden = suppress(counts, minimum)
    position = {key: n for n, key in enumerate(counts)}
    candidates = iter(
        sorted(
            (key for key in counts if key not in hidden and counts[key] > 0),
            key=lambda key: (counts[key], position[key]),
        )
    )
    while hidden and 0 < together(hidden) < minimum:
        smallest = next(candidates, None)
        if smallest is None:
            break
        hidden[smallest] = COMPLEMENTARY
    return hidden


# Answers through a shared link that differ in at most this share of the questions from one
# counted before count once together (the scan's and the pilot forms' padding defence).
NEAR_COPY_SHARE = 0.1


def respondents(verified: int, link_answers: list[tuple], enough: int) -> int:
    """Distinct respondents of a group, counting up to `enough`: each response through a
    personal link (`verified`) once, and the shared link's answer vectors without their
    near-copies (differing in at most NEAR_COPY_SHARE of the questions)."""
    if verified >= enough or not link_answers:
        return verified
    tolerance = int(len(link_answers[0]) * NEAR_COPY_SHARE)
    return verified + distinct_respondents(link_answers, tolerance, enough - verified)


def distinct_respondents(vectors: list[tuple], tolerance: int, enough: int | None = None) -> int:
    """How many of the answer vectors are not near-copies of one another.

    Two vectors are near-copies when they differ in at most `tolerance` positions. Greedy:
    a vector counts when it is not a near-copy of one counted before (so a cluster of copies
    counts once, whatever its order). Stops at `enough` when given: callers only ask whether
    a threshold is reached, and real answers reach it within the first few vectors.
    """
    kept: list[tuple] = []
    for vector in vectors:
        if all(sum(a != b for a, b in zip(vector, other, strict=True)) > tolerance for other in kept):
            kept.append(vector)
            if enough is not None and len(kept) >= enough:
                break
    return len(kept)
