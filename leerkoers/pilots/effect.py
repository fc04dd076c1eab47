"""The effect of a pilot on a KPI, at team level: pure functions over plain numbers (numpy).

Definitions (also in docs/pilots.md):

- A team's **change** is the mean of its measurements after the start minus the mean of its
  measurements in the baseline period.
- **Difference in differences** (DiD): mean change of the pilot teams minus mean change of the
  comparison teams. Without comparison teams the effect is the pilot teams' mean change
  (before/after only: weaker evidence, since anything else that changed counts as effect).
- **Better**: +1 when a higher KPI is better, −1 when lower is better. An *improvement* is
  the effect times `better`, so that a positive improvement is good for either direction.
- **Permutation p-value** (one-sided, in the direction the hypothesis expects): the share of
  all ways to pick the pilot teams from all teams whose DiD is at least as good as the
  observed one. The teams' changes stay as they were; only the labels move. Exact over all
  C(N, k) assignments up to EXACT_LIMIT, otherwise MONTE_CARLO_DRAWS random assignments with
  the count stated, p = (1 + hits) / (1 + draws). The smallest p-value a design can reach is
  1 / C(N, k): with 4 teams of which 2 in the pilot, 1/6.
- **Bootstrap interval**: teams resampled with replacement within each group, the percentile
  interval of the resampled DiD (or of the mean change without comparison teams).
"""

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

EXACT_LIMIT = 200_000  # C(20, 10) = 184,756 assignments run exactly in well under a second
MONTE_CARLO_DRAWS = 20_000
BOOTSTRAP_DRAWS = 2_000
LEVEL = 0.95
# Two DiDs this close count as equal: the permutation puts the observed assignment among its
# own ties whatever the floating-point rounding of the sums.
_TIE = 1e-9


@dataclass(frozen=True)
class Permutation:
    p_value: float
    assignments: int  # assignments compared: all of them (exact) or the random draws
    exact: bool
    minimum_p: Fraction  # 1 / C(N, k): the best this design can ever show


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    level: float
    draws: int


def team_change(before: list[float], after: list[float]) -> float | None:
    """Mean after minus mean before; None when either period has no measurement."""
    if not before or not after:
        return None
    return float(np.mean(after) - np.mean(before))


def difference_in_differences(pilot: list[float], comparison: list[float]) -> float:
    """(mean change of the pilot teams) − (mean change of the comparison teams); refuses
    (ValueError) an empty group."""
    if not pilot or not comparison:
        raise ValueError("both groups need at least one team")
    return float(np.mean(pilot) - np.mean(comparison))


def assignments(n_teams: int, n_pilot: int) -> int:
    """How many ways there are to pick the pilot teams: C(N, k)."""
    return math.comb(n_teams, n_pilot)


def minimum_p(n_pilot: int, n_comparison: int) -> Fraction | None:
    """The smallest one-sided p-value the team-level permutation test can reach; None
    without a comparison group (there is nothing to permute)."""
    if n_pilot < 1 or n_comparison < 1:
        return None
    return Fraction(1, assignments(n_pilot + n_comparison, n_pilot))


def _pilot_sums_exact(changes: np.ndarray, k: int) -> np.ndarray:
    n = len(changes)
    count = math.comb(n, k)
    dtype = np.int8 if n < 128 else np.int32
    flat = np.fromiter(itertools.chain.from_iterable(itertools.combinations(range(n), k)), dtype=dtype, count=count * k)
    return changes[flat.reshape(count, k)].sum(axis=1)


def permutation_test(
    pilot: list[float],
    comparison: list[float],
    *,
    better: int = 1,
    exact_limit: int = EXACT_LIMIT,
    draws: int = MONTE_CARLO_DRAWS,
    seed: int = 0,
) -> Permutation:
    """One-sided permutation p-value of the DiD in the direction `better` (+1 or −1).

    Exact over all C(N, k) assignments when there are at most `exact_limit`, otherwise
    `draws` random assignments (numpy generator seeded with `seed`). Refuses (ValueError)
    an empty group or a `better` other than ±1.
    """
    if better not in (1, -1):
        raise ValueError("better must be 1 or -1")
    if not pilot or not comparison:
        raise ValueError("both groups need at least one team")
    changes = np.asarray(list(pilot) + list(comparison), dtype=float)
    n, k = len(changes), len(pilot)
    # DiD = S/k − (T − S)/(N − k) rises with S (the pilot group's sum), so compare sums.
    observed = better * float(np.sum(pilot))
    tie = _TIE * max(1.0, float(np.abs(changes).sum()))
    count = math.comb(n, k)
    if count <= exact_limit:
        sums = better * _pilot_sums_exact(changes, k)
        p = float(np.count_nonzero(sums >= observed - tie)) / count
        return Permutation(p, count, True, Fraction(1, count))
    rng = np.random.default_rng(seed)
    picks = rng.random((draws, n)).argsort(axis=1)[:, :k]
    sums = better * changes[picks].sum(axis=1)
    hits = int(np.count_nonzero(sums >= observed - tie))
    return Permutation((1 + hits) / (1 + draws), draws, False, Fraction(1, count))


def bootstrap_interval(
    pilot: list[float],
    comparison: list[float] | None = None,
    *,
    level: float = LEVEL,
    draws: int = BOOTSTRAP_DRAWS,
    seed: int = 0,
) -> Interval:
    """Percentile bootstrap interval of the DiD (teams resampled within each group), or of
    the pilot teams' mean change when `comparison` is empty or None."""
    if not pilot:
        raise ValueError("the pilot group needs at least one team")
    rng = np.random.default_rng(seed)
    p = np.asarray(pilot, dtype=float)
    stats = p[rng.integers(0, len(p), (draws, len(p)))].mean(axis=1)
    if comparison:
        c = np.asarray(comparison, dtype=float)
        stats = stats - c[rng.integers(0, len(c), (draws, len(c)))].mean(axis=1)
    tail = (1 - level) / 2
    low, high = np.quantile(stats, [tail, 1 - tail])
    return Interval(float(low), float(high), level, draws)
