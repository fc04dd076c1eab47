"""KPI status on every boundary of the rule (see kpi_status.py and docs/alignment.md).

The KPI runs 100 days, from 2026-01-01 to 2026-04-11; on 2026-02-20 (day 50) half the
period has passed, so half the planned change is expected.
"""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from leerkoers.alignment.kpi_status import (
    Plan,
    Point,
    Status,
    assess,
    assess_team,
    expected_progress,
    linear_trend,
    team_plan,
)

B_DATE, T_DATE, HALF_WAY = date(2026, 1, 1), date(2026, 4, 11), date(2026, 2, 20)


def status(baseline, target, value, on=HALF_WAY):
    return assess(
        baseline_value=Decimal(baseline),
        baseline_date=B_DATE,
        target_value=Decimal(target),
        target_date=T_DATE,
        points=[Point(on, Decimal(value))],
    ).status


def test_the_example_dates_are_half_way():
    assert expected_progress(baseline_date=B_DATE, target_date=T_DATE, on=HALF_WAY) == Decimal("0.5")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("75", Status.ON_TRACK),  # ahead of the path
        ("70", Status.ON_TRACK),  # exactly on the path: shortfall 0
        ("69.99", Status.AT_RISK),  # just below the path
        ("65", Status.AT_RISK),  # shortfall exactly a quarter of the planned change
        ("64.99", Status.OFF_TRACK),  # just beyond a quarter
        ("55", Status.OFF_TRACK),  # worse than the baseline
    ],
)
def test_higher_is_better_boundaries(value, expected):
    assert status("60", "80", value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("15", Status.ON_TRACK),  # on the path from 20 down to 10
        ("15.01", Status.AT_RISK),
        ("17.5", Status.AT_RISK),  # shortfall exactly a quarter
        ("17.51", Status.OFF_TRACK),
    ],
)
def test_lower_is_better_boundaries(value, expected):
    assert status("20", "10", value) == expected


def test_after_the_target_date_only_the_target_itself_is_on_track():
    assert status("60", "80", "80", on=date(2026, 6, 1)) == Status.ON_TRACK
    assert status("60", "80", "79.99", on=date(2026, 6, 1)) == Status.AT_RISK
    assert status("60", "80", "74.99", on=date(2026, 6, 1)) == Status.OFF_TRACK


def test_on_the_baseline_date_the_baseline_is_on_track():
    assert status("60", "80", "60", on=B_DATE) == Status.ON_TRACK


def test_it_uses_the_latest_measurement_whatever_the_order():
    points = [Point(HALF_WAY, Decimal(70)), Point(date(2026, 1, 11), Decimal(50))]
    result = assess(
        baseline_value=Decimal(60), baseline_date=B_DATE, target_value=Decimal(80), target_date=T_DATE, points=points
    )
    assert result.latest.date == HALF_WAY and result.status == Status.ON_TRACK
    assert result.expected_value == Decimal("70.0000")


def test_it_says_no_data_without_measurements():
    assert (
        assess(baseline_value=1, baseline_date=B_DATE, target_value=2, target_date=T_DATE, points=[]).status
        == Status.NO_DATA
    )


def test_it_fits_a_straight_trend():
    trend = linear_trend(
        [
            Point(date(2026, 1, 1), Decimal(10)),
            Point(date(2026, 1, 11), Decimal(20)),
            Point(date(2026, 1, 21), Decimal(30)),
        ]
    )
    assert trend.slope_per_day == pytest.approx(1.0)
    assert trend.value_on(date(2026, 1, 31)) == pytest.approx(40.0)
    assert linear_trend([Point(date(2026, 1, 1), Decimal(10))]) is None


# --- the trend and its tolerance ---------------------------------------------------------
# Four measurements on days 20, 30, 40, 50 (x = 0, 10, 20, 30 from the first), lying on a line
# of slope 0.2 per day through the value L on day 50, each off it by +1, −1, −1, +1: these
# residuals leave the least-squares line where it is (they sum to 0 and to 0 weighted by x).
# Residual variance 4 / (4 − 2) = 2; x̄ = 15, Sxx = 500; at x₀ = 30 the trend value's variance
# is 2 × (1/4 + 15²/500) = 1.4, so the tolerance is 2 × √1.4 ≈ 2.3664 points.
# The path expects 70 on day 50; a quarter of the planned change (60 → 80) is 5 points.
TOLERANCE = 2 * 1.4**0.5


def noisy_status(trend_value: float):
    days = [20, 30, 40, 50]
    noise = [1, -1, -1, 1]
    points = [
        Point(date.fromordinal(B_DATE.toordinal() + day), Decimal(f"{trend_value + 0.2 * (day - 50) + e:.6f}"))
        for day, e in zip(days, noise, strict=True)
    ]
    return assess(
        baseline_value=Decimal(60), baseline_date=B_DATE, target_value=Decimal(80), target_date=T_DATE, points=points
    )


def test_it_judges_the_trend_value_with_a_tolerance_from_the_residual_spread():
    result = noisy_status(69)
    assert result.from_trend and result.points_used == 4
    assert float(result.judged_value) == pytest.approx(69, abs=1e-4)
    assert float(result.tolerance) == pytest.approx(TOLERANCE, abs=1e-4)
    # The latest measurement itself is 70 (69 + 1): the trend, not the point, is judged.
    assert result.latest.value == Decimal("70.000000")


@pytest.mark.parametrize(
    ("trend_value", "expected"),
    [
        (70 - TOLERANCE + 0.01, Status.ON_TRACK),  # behind the path, but within the noise
        (70 - TOLERANCE - 0.01, Status.AT_RISK),  # just beyond the noise
        (70 - TOLERANCE - 5 + 0.01, Status.AT_RISK),  # a quarter of the change beyond the noise
        (70 - TOLERANCE - 5 - 0.01, Status.OFF_TRACK),
    ],
)
def test_the_tolerance_widens_each_boundary(trend_value, expected):
    assert noisy_status(trend_value).status == expected


def test_a_series_exactly_on_a_line_has_no_tolerance():
    # 62, 66, 70 on days 10, 30, 50: the path itself (0.2 per day from 60)
    exact = [Point(date(2026, 1, 11), Decimal(62)), Point(date(2026, 1, 31), Decimal(66)), Point(HALF_WAY, Decimal(70))]
    kwargs = {"baseline_value": 60, "baseline_date": B_DATE, "target_value": 80, "target_date": T_DATE}
    on_line = assess(**kwargs, points=exact)
    assert (on_line.status, on_line.tolerance, on_line.shortfall) == (Status.ON_TRACK, Decimal(0), 0)


def test_it_fits_only_the_recent_measurements():
    old = [Point(date(2025, 6, day), Decimal(0)) for day in range(1, 11)]  # far off, long ago
    recent_points = [Point(date.fromordinal(B_DATE.toordinal() + 10 * i), Decimal(60 + 2 * i)) for i in range(6)]
    result = assess(
        baseline_value=60, baseline_date=B_DATE, target_value=80, target_date=T_DATE, points=old + recent_points
    )
    # the six recent ones lie on the path (2 points per 10 days): exactly on track
    assert (result.points_used, result.status, result.shortfall) == (6, Status.ON_TRACK, 0)


def test_below_three_measurements_the_latest_counts_without_tolerance():
    points = [Point(date(2026, 1, 11), Decimal(70)), Point(HALF_WAY, Decimal("69.99"))]
    result = assess(baseline_value=60, baseline_date=B_DATE, target_value=80, target_date=T_DATE, points=points)
    assert (result.from_trend, result.judged_value, result.status) == (False, Decimal("69.9900"), Status.AT_RISK)


# --- a team's own baseline (kpi_status.team_plan, assess_team) ---

ORG_PLAN = Plan(Decimal(60), B_DATE, Decimal(80), T_DATE)  # 100 days, +20


def test_a_team_measured_on_the_baseline_date_starts_from_its_own_value():
    plan = team_plan(ORG_PLAN, [Point(B_DATE, Decimal(50)), Point(HALF_WAY, Decimal(60))])
    assert plan == Plan(Decimal(50), B_DATE, Decimal(70), T_DATE, own_baseline=True)  # the same +20


def test_the_latest_measurement_on_or_before_the_baseline_date_is_the_teams_baseline():
    before = [Point(date(2025, 11, 1), Decimal(40)), Point(date(2025, 12, 31), Decimal(45))]
    assert team_plan(ORG_PLAN, before).baseline_value == Decimal(45)
    assert team_plan(ORG_PLAN, [*before, Point(B_DATE, Decimal(47))]).baseline_value == Decimal(47)


def test_a_team_first_measured_a_day_after_the_baseline_date_uses_the_organisations_plan():
    day_after = date.fromordinal(B_DATE.toordinal() + 1)
    assert team_plan(ORG_PLAN, [Point(day_after, Decimal(50))]) == ORG_PLAN
    assert team_plan(ORG_PLAN, []) == ORG_PLAN


def test_a_team_is_judged_on_its_own_path_at_the_boundary():
    # Half-way with two points from the start (no trend): the latest value is judged.
    # Own path 50 → 70: 60 is exactly half-way (on track), 59.99 just behind (at risk);
    # against the organisation's 60 → 80 the same 60 would be 0 % of the change: off track.
    history = [Point(date(2025, 12, 1), Decimal(44)), Point(B_DATE, Decimal(50))]
    plan, on = assess_team(ORG_PLAN, [*history, Point(HALF_WAY, Decimal(60))])
    assert plan.own_baseline and on.status == Status.ON_TRACK and on.points_used == 1
    assert on.expected_value == Decimal(60) and on.achieved == Fraction(1, 2)
    _plan, behind = assess_team(ORG_PLAN, [*history, Point(HALF_WAY, Decimal("59.99"))])
    assert behind.status == Status.AT_RISK
    _plan, other = assess_team(ORG_PLAN, [Point(HALF_WAY, Decimal(60))])
    assert not _plan.own_baseline and other.status == Status.OFF_TRACK


def test_a_team_with_only_history_before_the_start_has_no_status_yet():
    plan, assessment = assess_team(ORG_PLAN, [Point(date(2025, 12, 1), Decimal(44))])
    assert plan.own_baseline and assessment.status == Status.NO_DATA
