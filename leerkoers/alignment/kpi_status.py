"""KPI status (on track / at risk / off track) and trend: pure functions over plain values.

The rule (also in docs/alignment.md):

- A KPI plans a straight path from its baseline (value, date) to its target (value, date).
- *Expected progress* on a date is the share of the planned period that has passed:
  (date − baseline date) / (target date − baseline date), clipped to 0…1.
- *Achieved progress* of a measurement is the share of the planned change it has made:
  (value − baseline value) / (target value − baseline value). Because the target lies on
  the "better" side of the baseline, this works for higher-is-better and lower-is-better
  alike; it is negative when things got worse, above 1 when the target is beaten.
- *Shortfall* = expected − achieved, for the latest measurement of the scope.
  - shortfall ≤ 0 → **on track** (on or ahead of the path);
  - 0 < shortfall ≤ AT_RISK_MARGIN (a quarter of the planned change) → **at risk**;
  - shortfall > AT_RISK_MARGIN → **off track**;
  - no measurement yet → **no data**.

Arithmetic is exact (fractions), so boundaries behave exactly as written.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy as _

AT_RISK_MARGIN = Fraction(1, 4)


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
    achieved: Fraction | None = None  # share of the planned change achieved
    expected_value: Decimal | None = None  # where the path says the KPI should be on that date

    @property
    def shortfall(self) -> Fraction | None:
        if self.expected is None or self.achieved is None:
            return None
        return self.expected - self.achieved


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

    `points` need not be sorted; the latest by date counts. Refuses (ValueError) a KPI whose
    target equals its baseline or whose target date is not after its baseline date.
    """
    if not points:
        return Assessment(Status.NO_DATA)
    latest = max(points, key=lambda p: p.date)
    expected = expected_progress(baseline_date=baseline_date, target_date=target_date, on=latest.date)
    achieved = achieved_progress(baseline_value=baseline_value, target_value=target_value, value=latest.value)
    shortfall = expected - achieved
    if shortfall <= 0:
        status = Status.ON_TRACK
    elif shortfall <= AT_RISK_MARGIN:
        status = Status.AT_RISK
    else:
        status = Status.OFF_TRACK
    planned = Fraction(baseline_value) + expected * (Fraction(target_value) - Fraction(baseline_value))
    expected_value = Decimal(planned.numerator) / Decimal(planned.denominator)
    return Assessment(status, latest, expected, achieved, expected_value.quantize(Decimal("0.0001")))


@dataclass(frozen=True)
class Trend:
    slope_per_day: float
    intercept: float  # value on day 0 = `origin`
    origin: date

    def value_on(self, day: date) -> float:
        return self.intercept + self.slope_per_day * (day - self.origin).days


def linear_trend(points: list[Point]) -> Trend | None:
    """Least-squares line through the points (value over days); None below two distinct dates."""
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
