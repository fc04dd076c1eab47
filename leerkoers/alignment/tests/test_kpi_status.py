"""KPI status on every boundary of the rule (see kpi_status.py and docs/alignment.md).

The KPI runs 100 days, from 2026-01-01 to 2026-04-11; on 2026-02-20 (day 50) half the
period has passed, so half the planned change is expected.
"""

from datetime import date
from decimal import Decimal

import pytest

from leerkoers.alignment.kpi_status import Point, Status, assess, expected_progress, linear_trend

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
    trend = linear_trend([Point(date(2026, 1, 1), Decimal(10)), Point(date(2026, 1, 11), Decimal(20)),
                          Point(date(2026, 1, 21), Decimal(30))])  # fmt: skip
    assert trend.slope_per_day == pytest.approx(1.0)
    assert trend.value_on(date(2026, 1, 31)) == pytest.approx(40.0)
    assert linear_trend([Point(date(2026, 1, 1), Decimal(10))]) is None
