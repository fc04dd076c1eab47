"""An inline SVG line chart of a KPI per group (pilot / comparison teams) over time: the mean
of each group's measurements on each date, with the start of the pilot marked. Pure
geometry; the page shows a table of the same figures beside it."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT, PAD = 640, 220, 36


@dataclass(frozen=True)
class Line:
    arm: str
    points: str  # SVG polyline points
    values: list[tuple[date, float]]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    lines: list[Line]
    start_x: float | None
    low: float
    high: float
    first: date
    last: date


def group_means(series, arm: str) -> list[tuple[date, float]]:
    by_date = defaultdict(list)
    for s in series:
        if s.arm == arm:
            for day, value in s.points:
                by_date[day].append(value)
    return [(day, sum(v) / len(v)) for day, v in sorted(by_date.items())]


def line_chart(series, start: date | None, arms=("pilot", "comparison")) -> Chart | None:
    """The chart of `series` (selectors.TeamSeries), or None without two dates to draw."""
    means = {arm: group_means(series, arm) for arm in arms}
    days = sorted({d for values in means.values() for d, _v in values})
    if len(days) < 2:
        return None
    values = [v for vs in means.values() for _d, v in vs]
    low, high = min(values), max(values)
    if high == low:
        low, high = low - 1, high + 1
    first, last = days[0], days[-1]
    span = (last - first).days

    def x(day: date) -> float:
        return round(PAD + (WIDTH - 2 * PAD) * (day - first).days / span, 1)

    def y(value: float) -> float:
        return round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * (value - low) / (high - low), 1)

    lines = [Line(arm, " ".join(f"{x(d)},{y(v)}" for d, v in vs), vs) for arm, vs in means.items() if vs]
    start_x = x(start) if start and first <= start <= last else None
    return Chart(WIDTH, HEIGHT, lines, start_x, low, high, first, last)
