"""Scoring of the readiness scan: pure functions over plain data (no database, no requests).

The rules (also in docs/scan.md):

- An answer is 1–5 (strongly disagree … strongly agree) or None ("I don't know").
- An answered item maps to 0–100 as (v - 1) / 4 * 100: 1 → 0, 3 → 50, 5 → 100.
- A dimension's score is the mean of its answered items. "I don't know" is left out, it does
  not count as low. A dimension needs at least half of its items answered (rounded up) and
  never fewer than 2 (MIN_ANSWERED); with fewer it has no score: "not enough information".
- The overall score is the mean of the dimension scores that exist; it needs at least half
  of the dimensions (rounded up) to have a score, otherwise it is None too.
- Scores are reported as whole numbers, rounded half up; the level is read from the rounded
  score so that what is shown and the level never disagree.
- Levels: start (< 40), developing (40–59), established (60–79), strategic (≥ 80).
- The starting point is the two dimensions with the lowest score (instrument order breaks ties).

`definition` is an instrument's JSON (see instrument/v1.json): dimensions with items.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

SCALE = (1, 2, 3, 4, 5)
MIN_ANSWERED = 2
STARTING_POINT_SIZE = 2

# (lowest rounded score, level key), highest first.
LEVEL_THRESHOLDS = (
    (80, "strategic"),
    (60, "established"),
    (40, "developing"),
    (0, "start"),
)
LEVEL_LABELS = {
    "start": _("Starting"),
    "developing": _("Developing"),
    "established": _("Established"),
    "strategic": _("Strategic"),
}
LEVEL_DESCRIPTIONS = {
    "start": _("Learning happens, but there is little coherence or direction yet."),
    "developing": _("The first building blocks are there; make them connect."),
    "established": _("Learning is organised and linked to goals; now measure and steer."),
    "strategic": _("Learning is a strategic instrument, carried by every layer."),
}


def item_score(value: int) -> float:
    """Map an answer 1–5 onto 0–100."""
    return (value - 1) / 4 * 100


def min_answered(item_count: int) -> int:
    """How many items of a dimension must be answered for it to have a score."""
    return max(MIN_ANSWERED, math.ceil(item_count / 2))


def round_score(value: float | None) -> int | None:
    """Round half up to a whole number (Python's round() would round 62.5 to 62)."""
    if value is None:
        return None
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def dimension_score(values: list[int | None], item_count: int | None = None) -> float | None:
    """The mean 0–100 score of the answered values, or None when too few were answered.

    `values` holds one entry per item (None for "I don't know" or not answered);
    `item_count` defaults to len(values).
    """
    answered = [v for v in values if v is not None]
    if len(answered) < min_answered(item_count if item_count is not None else len(values)):
        return None
    return sum(item_score(v) for v in answered) / len(answered)


def overall_score(scores: list[float | None]) -> float | None:
    """Mean of the dimension scores that exist; None when fewer than half of them exist."""
    present = [s for s in scores if s is not None]
    if not scores or len(present) < math.ceil(len(scores) / 2):
        return None
    return sum(present) / len(present)


def level_for(score: float | None) -> str | None:
    """The maturity level key of a (rounded) score, None without a score."""
    rounded = round_score(score)
    if rounded is None:
        return None
    for lowest, key in LEVEL_THRESHOLDS:
        if rounded >= lowest:
            return key
    return LEVEL_THRESHOLDS[-1][1]


def starting_point(scores: dict[str, float | None], order: list[str]) -> list[str]:
    """The ids of the (at most) two lowest-scoring dimensions; ties go to the earlier one."""
    scored = [(scores[key], order.index(key)) for key in order if scores.get(key) is not None]
    scored.sort()
    return [order[index] for _score, index in scored[:STARTING_POINT_SIZE]]


@dataclass(frozen=True)
class ResponseScore:
    dimensions: dict[str, float | None]  # dimension id → unrounded score or None
    overall: float | None
    level: str | None
    starting_point: list[str]


def score_answers(definition: dict, answers: dict[str, int | None]) -> ResponseScore:
    """Score one respondent's answers (item id → 1–5 or None) on the given instrument."""
    dimensions = {}
    for dimension in definition["dimensions"]:
        values = [answers.get(item["id"]) for item in dimension["items"]]
        dimensions[dimension["id"]] = dimension_score(values)
    overall = overall_score(list(dimensions.values()))
    order = [d["id"] for d in definition["dimensions"]]
    return ResponseScore(dimensions, overall, level_for(overall), starting_point(dimensions, order))


def validate_answers(definition: dict, answers) -> list[str]:
    """Everything wrong with a submitted answer set, as messages; [] when it is valid.

    Refused: not a mapping, an empty set, unknown item ids, items left out (every item must
    be sent, with null for "I don't know"), values that are not whole numbers 1–5 or null
    (booleans and strings are refused too).
    """
    if not isinstance(answers, dict):
        return [str(_("Answers must be an object of item id to a value 1–5 or null."))]
    if not answers:
        return [str(_("No answers were given."))]
    known = [item["id"] for dimension in definition["dimensions"] for item in dimension["items"]]
    errors = []
    unknown = sorted(set(answers) - set(known))
    if unknown:
        errors.append(str(_("Unknown item ids: %(ids)s.")) % {"ids": ", ".join(unknown)})
    missing = [item_id for item_id in known if item_id not in answers]
    if missing:
        errors.append(
            str(_("Answers are missing for: %(ids)s (send null for “I don't know”).")) % {"ids": ", ".join(missing)}
        )
    bad = [
        item_id
        for item_id, value in answers.items()
        if item_id in known and value is not None and (type(value) is not int or value not in SCALE)
    ]
    if bad:
        errors.append(
            str(_("Values must be whole numbers from 1 to 5 or null, not for: %(ids)s.")) % {"ids": ", ".join(bad)}
        )
    return errors


def group_scores(respondents: list[dict[str, float | None]], dimension_ids: list[str], minimum: int) -> dict:
    """Aggregate respondents' dimension scores into a group's scores.

    A group's dimension score is the mean of the respondents' scores for it; it is None when
    fewer than `minimum` respondents have a score there (the anonymity threshold applies per
    cell too). The overall is the mean of the group's dimension scores, as for one person.
    """
    dimensions = {}
    for key in dimension_ids:
        values = [r[key] for r in respondents if r.get(key) is not None]
        dimensions[key] = sum(values) / len(values) if values and len(values) >= minimum else None
    return {"dimensions": dimensions, "overall": overall_score(list(dimensions.values()))}


@dataclass(frozen=True)
class Gap:
    dimension: str
    high_layer: str
    low_layer: str
    difference: float


def perception_gaps(layers: dict[str, dict[str, float | None]], dimension_ids: list[str]) -> list[Gap]:
    """Per dimension, the widest difference between two layers' scores, largest first.

    `layers` maps a layer key to its dimension scores; layers or cells without a score are
    left out. Dimensions where fewer than two layers have a score give no gap.
    """
    gaps = []
    for key in dimension_ids:
        scored = [(scores[key], layer) for layer, scores in layers.items() if scores.get(key) is not None]
        if len(scored) < 2:
            continue
        low, high = min(scored), max(scored)
        gaps.append(Gap(key, high[1], low[1], high[0] - low[0]))
    gaps.sort(key=lambda gap: (-gap.difference, dimension_ids.index(gap.dimension)))
    return gaps


# --- uncertainty -------------------------------------------------------------------------
#
# A group's score is a mean over its respondents, so it carries a 95 % t-interval:
# mean ± t(0.975, n − 1) · s / √n, with s the sample standard deviation of the respondents'
# scores. Deterministic (no resampling, no seed), exact for normal data and close for the
# sums of five 0–100 items we have. A difference between two groups carries Welch's interval.

# t(0.975, df) for df = 1…30 (standard tables); above 30 the Cornish–Fisher expansion below.
_T975 = (
    12.706,
    4.303,
    3.182,
    2.776,
    2.571,
    2.447,
    2.365,
    2.306,
    2.262,
    2.228,
    2.201,
    2.179,
    2.160,
    2.145,
    2.131,
    2.120,
    2.110,
    2.101,
    2.093,
    2.086,
    2.080,
    2.074,
    2.069,
    2.064,
    2.060,
    2.056,
    2.052,
    2.048,
    2.045,
    2.042,
)  # fmt: skip — a table of constants, ten a row
_Z975 = 1.959964


def t_quantile(df: float) -> float:
    """The two-sided 95 % critical value of Student's t with `df` degrees of freedom (≥ 1)."""
    if df < 1:
        raise ValueError("df must be at least 1")
    if df <= 30:
        whole = int(df)
        if whole == df or whole == 30:
            return _T975[whole - 1]
        low, high = _T975[whole - 1], _T975[whole]
        return low + (high - low) * (df - whole)  # Welch's df is fractional
    z = _Z975
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def _mean_variance(values: list[float]) -> tuple[float, float]:
    mean = sum(values) / len(values)
    return mean, sum((v - mean) ** 2 for v in values) / (len(values) - 1)


def mean_interval(values: list[float]) -> tuple[float, float] | None:
    """The 95 % t-interval of the mean of `values`, clipped to 0–100; None below 2 values."""
    if len(values) < 2:
        return None
    mean, variance = _mean_variance(values)
    half = t_quantile(len(values) - 1) * math.sqrt(variance / len(values))
    return max(0.0, mean - half), min(100.0, mean + half)


def difference_interval(high: list[float], low: list[float]) -> tuple[float, float] | None:
    """Welch's 95 % interval of mean(high) − mean(low); None when a side has fewer than 2."""
    if len(high) < 2 or len(low) < 2:
        return None
    mean_h, var_h = _mean_variance(high)
    mean_l, var_l = _mean_variance(low)
    se2_h, se2_l = var_h / len(high), var_l / len(low)
    difference = mean_h - mean_l
    if se2_h + se2_l == 0:
        return difference, difference
    df = (se2_h + se2_l) ** 2 / (se2_h**2 / (len(high) - 1) + se2_l**2 / (len(low) - 1))
    half = t_quantile(max(1.0, df)) * math.sqrt(se2_h + se2_l)
    return difference - half, difference + half


def level_span(interval: tuple[float, float] | None) -> tuple[str, str] | None:
    """(lower level, upper level) when the interval's rounded ends lie in different levels."""
    if interval is None:
        return None
    low, high = level_for(interval[0]), level_for(interval[1])
    return (low, high) if low != high else None


# "I don't know" in a quarter or more of a dimension's answers is reported as a finding: at
# that share a typical respondent leaves 1–2 of 5 statements open, and the dimension's score
# rests on the respondents who do know.
HIGH_DONT_KNOW = 0.25


def dont_know_share(answer_sets: list[dict], item_ids: list[str]) -> float | None:
    """The share of "I don't know" (null) among the answers to `item_ids`; None without answers."""
    total = len(answer_sets) * len(item_ids)
    if not total:
        return None
    unknown = sum(1 for answers in answer_sets for item in item_ids if answers.get(item) is None)
    return unknown / total
