"""The effect statistics against hand-computed cases (leerkoers.pilots.effect)."""

from fractions import Fraction

import numpy as np
import pytest

from leerkoers.pilots import effect


def test_it_computes_the_difference_in_differences_of_team_changes():
    assert effect.difference_in_differences([3, 5], [1, 1]) == 3
    assert effect.team_change([10, 12], [15]) == 4
    assert effect.team_change([], [15]) is None


def test_it_refuses_a_difference_without_a_comparison_team():
    with pytest.raises(ValueError):
        effect.difference_in_differences([1], [])


def test_it_gives_the_smallest_reachable_p_value_of_a_design():
    assert effect.minimum_p(2, 2) == Fraction(1, 6)
    assert effect.minimum_p(10, 10) == Fraction(1, 184_756)
    assert effect.minimum_p(1, 0) is None


def test_it_computes_the_exact_permutation_p_value_by_hand():
    # Pilot sums over the six assignments of {3, 5, 1, 2}: 8, 4, 5, 6, 7, 3.
    best = effect.permutation_test([3, 5], [1, 2])
    assert (best.p_value, best.assignments, best.exact) == (pytest.approx(1 / 6), 6, True)
    # Observed sum 5: 8, 5, 6 and 7 are at least as good.
    assert effect.permutation_test([3, 2], [5, 1]).p_value == pytest.approx(4 / 6)


def test_it_tests_in_the_better_direction_when_lower_is_better():
    assert effect.permutation_test([1, 2], [3, 5], better=-1).p_value == pytest.approx(1 / 6)
    assert effect.permutation_test([1, 2], [3, 5], better=1).p_value == pytest.approx(1)


def test_it_counts_ties_with_the_observed_assignment():
    assert effect.permutation_test([1.1, 2.2], [1.1, 2.2]).p_value == pytest.approx(5 / 6)
    assert effect.permutation_test([1, 1], [1, 1]).p_value == 1


def test_it_draws_random_assignments_above_the_exact_limit_and_says_how_many():
    rng = np.random.default_rng(5)
    pilot, comparison = list(rng.normal(1, 1, 6)), list(rng.normal(0, 1, 6))
    exact = effect.permutation_test(pilot, comparison)
    drawn = effect.permutation_test(pilot, comparison, exact_limit=100, draws=20_000, seed=3)
    assert exact.exact and exact.assignments == 924
    assert not drawn.exact and drawn.assignments == 20_000
    assert drawn.p_value == pytest.approx(exact.p_value, abs=0.01)


def test_it_runs_the_exact_test_for_twenty_teams():
    rng = np.random.default_rng(1)
    result = effect.permutation_test(list(rng.normal(0.5, 1, 10)), list(rng.normal(0, 1, 10)))
    assert result.exact and result.assignments == 184_756


def test_it_gives_a_bootstrap_interval_around_the_estimate():
    interval = effect.bootstrap_interval([3, 4, 5, 6], [1, 1, 2, 2], seed=1)
    assert interval.low < 3 < interval.high
    # Resampled means of {3, 4, 5, 6} minus those of {1, 2} never leave [1, 5].
    assert interval.low >= 1 and interval.high <= 5
    assert effect.bootstrap_interval([2, 2, 2], seed=1) == effect.Interval(2.0, 2.0, 0.95, effect.BOOTSTRAP_DRAWS)


def test_it_covers_the_true_effect_about_95_percent_of_the_time_on_simulated_pilots():
    rng = np.random.default_rng(2026)
    true_effect, hits, runs = 1.5, 0, 400
    for run in range(runs):
        pilot = rng.normal(true_effect, 2, 25)
        comparison = rng.normal(0, 2, 25)
        interval = effect.bootstrap_interval(list(pilot), list(comparison), draws=1000, seed=run)
        hits += interval.low <= true_effect <= interval.high
    # The percentile bootstrap runs slightly narrow at 25 teams a group; 400 runs give ±2 %.
    assert 0.90 <= hits / runs <= 0.98


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("better", [1, -1])
def test_it_agrees_with_scipys_exact_permutation_test(seed, better):
    from scipy import stats

    rng = np.random.default_rng(seed)
    pilot, comparison = rng.normal(0.8, 1, 4), rng.normal(0, 1, 5)
    theirs = stats.permutation_test(
        (pilot, comparison),
        lambda x, y, axis: np.mean(x, axis=axis) - np.mean(y, axis=axis),
        permutation_type="independent",
        n_resamples=np.inf,
        alternative="greater" if better == 1 else "less",
        vectorized=True,
    )
    ours = effect.permutation_test(list(pilot), list(comparison), better=better)
    assert ours.assignments == 126 and ours.p_value == pytest.approx(theirs.pvalue, rel=1e-9)
    assert effect.difference_in_differences(list(pilot), list(comparison)) == pytest.approx(theirs.statistic)
