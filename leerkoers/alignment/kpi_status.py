"""KPI status (on track / at risk / off track) and trend: pure functions over plain values.

The rule (also in docs/alignment.md):

- A KPI plans a straight path from its baseline (value, date) to its target (value, date).
- *Expected progress* on a date is the share of the planned period that has passed:
  (date − baseline date) / (target date − baseline date), clipped to 0…1.
- *Achieved progress* of a value is the share of the planned change it has made:
  (value − baseline value) / (target value − baseline value). Because the target lies on
  the "better" side of the baseline, this works for higher-is-better and lower-is-better
  alike; it is negative when things got worse, above 1 when the target is beaten.
- The value judged is the **trend** on the latest measurement's date: the least-squares line
  through the scope's RECENT most recent measurements (the line the chart draws). One noisy
  month moves the line a little, not the status.
- The **tolerance** is TOLERANCE_SE standard errors of that trend value, estimated from the
  measurements' spread around the line (residual standard deviation with n − 2 degrees of
  freedom, times √(1/n + (x₀ − x̄)² / Sxx)), expressed as a share of the planned change.
- *Shortfall* = expected − achieved (of the trend value). Then
  - shortfall ≤ tolerance → **on track** (on or ahead of the path, or behind it by less
    than the noise can explain);
  - shortfall ≤ tolerance + AT_RISK_MARGIN (a quarter of the planned change) → **at risk**;
  - beyond that → **off track**;
  - no measurement yet → **no data**.
- With fewer than MIN_TREND_POINTS measurements (or all on one date) there is no spread to
  estimate: the latest measurement itself is judged, with no tolerance.

A **team's own baseline**: a team whose own measurements reach back to the KPI's baseline date
(one on that date or before it) starts from its latest such measurement, and is asked for the
same planned change as the organisation: team target = team baseline + (target − baseline),
on the same dates. Its status judges its measurements from the baseline date on. A team with
no measurement on or before the baseline date is judged on the organisation's baseline and
target. (`team_plan`, `assess_team`.)

Comparisons are exact (fractions) once the trend value and the tolerance are computed, so a
series that lies exactly on a line behaves exactly as written at every boundary.
"""

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy as _

AT_RISK_MARGIN = Fraction(1, 4)
RECENT = 6  # measurements the trend is fitted through: half a year of monthly figures
MIN_TREND_POINTS = 3  # a line through two points has no spread to judge noise by
TOLERANCE_SE = 2  # standard errors of the trend value that count as noise


class Status(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    NO_DATA = "no_data", _("No measurements yet")


@dataclass(frozen=True)
class Point:
    date: date
    value: Decimal


@dataclass(frozen=True)
class Assessment:
    status: Status
    latest: Point | None = None
    expected: Fraction | None = None  # share of the period passed on the latest date
    achieved: Fraction | None = None  # share of the planned change achieved by the judged value
    expected_value: Decimal | None = None  # where the path says the KPI should be on that date
    judged_value: Decimal | None = None  # the trend on the latest date (or the latest value)
    tolerance: Decimal | None = None  # in the KPI's unit; 0 without a trend
    points_used: int = 0  # measurements the trend runs through; 1: the latest alone

    @property
    def shortfall(self) -> Fraction | None:
        if self.expected is None or self.achieved is None:
            return None
        return self.expected - self.achieved

    @property
    def from_trend(self) -> bool:
        return self.points_used >= MIN_TREND_POINTS


def expected_progress(*, baseline_date: date, target_date: date, on: date) -> Fraction:
    """Share (0…1) of the planned period from baseline date to target date passed on `on`."""
    span = (target_date - baseline_date).days
    if span <= 0:
        raise ValueError("target_date must be after baseline_date")
    share = Fraction((on - baseline_date).days, span)
    return min(Fraction(1), max(Fraction(0), share))


def achieved_progress(*, baseline_value, target_value, value) -> Fraction:
    """Share of the planned change (baseline → target) that `value` has made; may be <0 or >1."""
    change = Fraction(target_value) - Fraction(baseline_value)
    if change == 0:
        raise ValueError("target_value must differ from baseline_value")
    return (Fraction(value) - Fraction(baseline_value)) / change


def assess(*, baseline_value, baseline_date: date, target_value, target_date: date, points: list[Point]) -> Assessment:
    """The status of one scope's series of measurements by the rule in the module docstring.

    `points` need not be sorted. Refuses (ValueError) a KPI whose target equals its baseline
    or whose target date is not after its baseline date.
    """
    if not points:
        return Assessment(Status.NO_DATA)
    series = recent(points)
    latest = series[-1]
    expected = expected_progress(baseline_date=baseline_date, target_date=target_date, on=latest.date)
    change = Fraction(target_value) - Fraction(baseline_value)
    fit = trend_at(series, latest.date)
    if fit is None:
        judged, tolerance, used = Fraction(latest.value), Fraction(0), 1
    else:
        judged, tolerance, used = fit[0], fit[1], len(series)
    achieved = achieved_progress(baseline_value=baseline_value, target_value=target_value, value=judged)
    allowed = tolerance / abs(change) if change else Fraction(0)
    shortfall = expected - achieved
    if shortfall <= allowed:
        status = Status.ON_TRACK
    elif shortfall <= allowed + AT_RISK_MARGIN:
        status = Status.AT_RISK
    else:
        status = Status.OFF_TRACK
    planned = Fraction(baseline_value) + expected * change
    return Assessment(
        status, latest, expected, achieved, _decimal(planned), _decimal(judged), _decimal(tolerance), used
    )


@dataclass(frozen=True)
class Plan:
    """The straight path a scope is judged against; `own_baseline`: a team's own start."""

    baseline_value: Decimal
    baseline_date: date
    target_value: Decimal
    target_date: date
    own_baseline: bool = False


def team_plan(organisation: Plan, points: list[Point]) -> Plan:
    """A team's path by the rule in the module docstring: from its latest measurement on or
    before the baseline date, with the organisation's planned change; else the organisation's."""
    before = [p for p in points if p.date <= organisation.baseline_date]
    if not before:
        return organisation
    start = Decimal(max(before, key=lambda p: p.date).value)
    change = Decimal(organisation.target_value) - Decimal(organisation.baseline_value)
    return Plan(start, organisation.baseline_date, start + change, organisation.target_date, own_baseline=True)


def assess_team(organisation: Plan, points: list[Point]) -> tuple[Plan, Assessment]:
    """(the team's path, its status): its measurements from the baseline date on, judged
    against `team_plan`."""
    plan = team_plan(organisation, points)
    since = [p for p in points if p.date >= plan.baseline_date]
    assessment = assess(
        baseline_value=plan.baseline_value,
        baseline_date=plan.baseline_date,
        target_value=plan.target_value,
        target_date=plan.target_date,
        points=since,
    )
    return plan, assessment


def trend_at(points: list[Point], day: date) -> tuple[Fraction, Fraction] | None:
    """(trend value on `day`, TOLERANCE_SE standard errors of it) from the least-squares line
    through `points`; None below MIN_TREND_POINTS points or with a single date."""
    n = len(points)
    if n < MIN_TREND_POINTS or len({p.date for p in points}) < 2:
        return None
    origin = min(p.date for p in points)
    xs = [Fraction((p.date - origin).days) for p in points]
    ys = [Fraction(p.value) for p in points]
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    x0 = Fraction((day - origin).days)
    value = mean_y + slope * (x0 - mean_x)
    residuals = sum((y - (mean_y + slope * (x - mean_x))) ** 2 for x, y in zip(xs, ys, strict=True))
    variance = residuals / (n - 2) * (Fraction(1, n) + (x0 - mean_x) ** 2 / sxx)
    # Exact zero stays exact (a series on a line has no tolerance); otherwise a float root.
    tolerance = Fraction(0) if variance == 0 else TOLERANCE_SE * Fraction(math.sqrt(variance))
    return value, tolerance


def _decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class Trend:
    slope_per_day: float
    intercept: float  # value on day 0 = `origin`
    origin: date

    def value_on(self, day: date) -> float:
        return self.intercept + self.slope_per_day * (day - self.origin).days


def linear_trend(points: list[Point]) -> Trend | None:
    """Least-squares line through the points (value over days); None below two distinct dates.

    The chart draws it through the same RECENT measurements the status is judged by (pass
    `recent(points)`)."""
    if len({p.date for p in points}) < 2:
        return None
    origin = min(p.date for p in points)
    xs = [(p.date - origin).days for p in points]
    ys = [float(p.value) for p in points]
    n = len(points)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    return Trend(slope, mean_y - slope * mean_x, origin)


def recent(points: list[Point]) -> list[Point]:
    """The RECENT latest points, which the status (and the chart's trend line) use."""
    return sorted(points, key=lambda p: p.date)[-RECENT:]
