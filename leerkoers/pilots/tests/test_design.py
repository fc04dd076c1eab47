"""The design check, the verdict rule, the decision rule and the ROI, by hand."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation

from leerkoers.pilots import design
from leerkoers.pilots.decision import Outcome, Rule, fully_loaded_cost, roi, rule_outcome


@pytest.fixture(autouse=True)
def english():
    # The texts are asserted in English, whatever language an earlier test left active.
    with translation.override("en"):
        yield


def test_it_pools_the_within_team_spread_of_the_kpi_history():
    # Squares around each team's mean: 2 and 8, over 1 + 2 degrees of freedom.
    assert design.pooled_spread([[1, 3], [2, 4, 6]]) == pytest.approx((10 / 3) ** 0.5)
    assert design.pooled_spread([[5], []]) is None


def test_it_computes_the_smallest_detectable_effect_by_hand():
    # σ_change = 2·√(1/2 + 1/2) = 2; √(1/2 + 1/2) = 1; z(0.9) + z(0.8) = 1.28155 + 0.84162.
    mde = design.minimum_detectable_effect(sigma=2, n_pilot=2, n_comparison=2, n_before=2, n_after=2)
    assert mde == pytest.approx(2 * 2.123172, abs=1e-4)
    before_after = design.minimum_detectable_effect(sigma=2, n_pilot=4, n_comparison=0, n_before=2, n_after=2)
    assert before_after == pytest.approx(2.123172, abs=1e-4)


def test_it_says_four_teams_with_two_in_the_pilot_can_never_convince():
    check = design.check(n_pilot=2, n_comparison=2, randomised=True, sigma=1.0, n_before=3, n_after=3)
    assert check.strength == design.Strength.RANDOMISED
    assert check.minimum_p == Fraction(1, 6)
    assert not check.can_convince
    assert any("never give a convincing result" in m for m in check.messages)
    assert any("at least 3 comparison teams" in f for f in check.fixes)


def test_it_finds_the_fewest_comparison_teams_that_can_convince():
    assert design.smallest_convincing_design(2) == 3  # C(5, 2) = 10 → 1/10
    assert design.smallest_convincing_design(1) == 9  # C(10, 1) = 10


def test_it_names_the_weaker_evidence_of_a_design_without_comparison_or_draw():
    before_after = design.check(n_pilot=3, n_comparison=0, randomised=False)
    assert before_after.strength == design.Strength.BEFORE_AFTER and before_after.minimum_p is None
    assert before_after.mde is None and any("no history" in m for m in before_after.messages)
    matched = design.check(n_pilot=3, n_comparison=3, randomised=False, sigma=1, n_before=2, n_after=2)
    assert matched.strength == design.Strength.COMPARISON and matched.can_convince
    assert any("at random" in f for f in matched.fixes) and any("longer baseline" in f for f in matched.fixes)


def test_it_calls_a_result_at_the_boundary_p_of_alpha_likely():
    # k = 2 of 5 teams: C(5, 2) = 10 assignments, so the best possible p is exactly 0.10.
    best = design.verdict(pilot=[5, 4], comparison=[1, 2, 3], better=1)
    assert best.p_value == pytest.approx(0.1) and best.verdict == design.Verdict.LIKELY_BETTER
    second = design.verdict(pilot=[5, 3], comparison=[1, 2, 4], better=1)
    assert second.p_value == pytest.approx(0.2) and second.verdict == design.Verdict.NO_CLEAR_EFFECT
    worst = design.verdict(pilot=[1, 2], comparison=[3, 4, 5], better=1)
    assert worst.verdict == design.Verdict.LIKELY_WORSE
    assert worst.effect == pytest.approx(1.5 - 4) and worst.improvement == pytest.approx(-2.5)


def test_it_gives_no_figures_when_too_few_teams_have_data():
    four = design.verdict(pilot=[5, 4], comparison=[1, 2], better=1)
    assert four.verdict == design.Verdict.TOO_EARLY and four.effect is None and four.interval is None
    assert design.verdict(pilot=[], comparison=[1, 2, 3], better=1).verdict == design.Verdict.TOO_EARLY
    assert design.verdict(pilot=[3, 4], comparison=[], better=1).verdict == design.Verdict.TOO_EARLY


def test_it_labels_a_before_after_result_as_weaker_evidence():
    up = design.verdict(pilot=[1, 2, 3], comparison=[], better=1, pilot_baseline=10)
    assert up.verdict == design.Verdict.LIKELY_BETTER and up.p_value is None
    assert up.percent == pytest.approx(20) and "weaker evidence" in up.explanation
    assert design.verdict(pilot=[-1, 1, 2], comparison=[], better=1).verdict == design.Verdict.NO_CLEAR_EFFECT
    assert design.verdict(pilot=[-1, -2, -3], comparison=[], better=-1).verdict == design.Verdict.LIKELY_BETTER


def test_it_applies_the_decision_rule_at_its_boundaries():
    rule = Rule(Decimal(5), Decimal("0.1"), Decimal(0))
    assert rule_outcome(rule, improvement=5, p_value=0.09, interval_low_better=None) == Outcome.SCALE_UP
    assert rule_outcome(rule, improvement=5, p_value=0.1, interval_low_better=None) == Outcome.ADJUST
    assert rule_outcome(rule, improvement=4.9, p_value=0.01, interval_low_better=None) == Outcome.ADJUST
    assert rule_outcome(rule, improvement=0, p_value=0.01, interval_low_better=None) == Outcome.STOP
    assert rule_outcome(rule, improvement=6, p_value=None, interval_low_better=0.5) == Outcome.SCALE_UP
    assert rule_outcome(rule, improvement=6, p_value=None, interval_low_better=-0.5) == Outcome.ADJUST


def test_it_computes_the_fully_loaded_cost_and_a_conservative_roi():
    cost = fully_loaded_cost(fees=Decimal(1000), hours=Decimal(10), hourly_cost=Decimal(50), materials=Decimal(200))
    assert cost == Decimal(1700)
    result = roi(
        improvement=Decimal(4),
        value_per_unit=Decimal(1000),
        attribution=Decimal("0.5"),
        confidence=Decimal("0.8"),
        cost=Decimal(1000),
    )
    # 4 × 1000 × 0.5 × 0.8 = 1600; (1600 − 1000) / 1000 = 60 %.
    assert (result.benefit, result.roi_percent, result.benefit_cost_ratio) == (
        Decimal("1600.00"),
        Decimal("60.0"),
        Decimal("1.60"),
    )
    assert len(result.assumptions) == 5
    worse = roi(
        improvement=Decimal(-2),
        value_per_unit=Decimal(10),
        attribution=Decimal(1),
        confidence=Decimal(1),
        cost=Decimal(50),
    )
    assert worse.benefit == 0 and worse.roi_percent == Decimal("-100.0")


def test_it_refuses_shares_outside_zero_to_one():
    with pytest.raises(ValueError):
        roi(improvement=1, value_per_unit=1, attribution=Decimal("1.5"), confidence=1, cost=1)
