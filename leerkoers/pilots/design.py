"""What a pilot's design can show before it starts, and the verdict on its result: pure
functions returning dataclasses; the plain words are in the user's language (gettext).

Rules (also in docs/pilots.md):

- **Strength of evidence**: before/after only (no comparison teams) < with a comparison group
  (teams chosen by matching or for convenience) < randomised (comparison teams drawn in the
  app, seed recorded).
- **Smallest reachable p-value**: 1 / C(N, k) for k pilot teams out of N (effect.minimum_p).
  When it is above ALPHA the design can never give a convincing result, whatever happens.
- **Smallest detectable effect** (MDE), from the KPI's past spread: σ is the pooled
  within-team standard deviation of the KPI's past measurements (each team's deviations
  from its own mean, n − 1 degrees of freedom per team). A team's change is a difference of
  two means, of n_before and n_after measurements: its standard deviation is
  σ·√(1/n_before + 1/n_after). The DiD of k pilot and m comparison teams then has standard
  error σ_change·√(1/k + 1/m) (√(1/k) before/after only), and
  MDE = (z(1 − ALPHA) + z(POWER)) × that standard error: the true effect that would give a
  one-sided p below ALPHA in POWER of pilots (a normal approximation; with few teams the
  permutation test needs somewhat more).
- **Verdict** on a result: see `verdict`.
"""

from dataclasses import dataclass, field
from fractions import Fraction
from statistics import NormalDist

import numpy as np
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerkoers.lib import formatting
from leerkoers.pilots import effect

ALPHA = 0.10  # one-sided: "likely" means p below 0.10 in the expected direction
POWER = 0.80
MIN_TEAMS_BEFORE_AFTER = 3  # a bootstrap over fewer teams says nothing


class Strength(models.TextChoices):
    BEFORE_AFTER = "before_after", gettext_lazy("Before/after only")
    COMPARISON = "comparison", gettext_lazy("With a comparison group")
    RANDOMISED = "randomised", gettext_lazy("Randomised")


class Verdict(models.TextChoices):
    LIKELY_BETTER = "likely_better", gettext_lazy("Likely improvement")
    NO_CLEAR_EFFECT = "no_clear_effect", gettext_lazy("No clear effect")
    LIKELY_WORSE = "likely_worse", gettext_lazy("Likely worse")
    TOO_EARLY = "too_early", gettext_lazy("Too early or too few teams to tell")


@dataclass(frozen=True)
class DesignCheck:
    strength: Strength
    n_pilot: int
    n_comparison: int
    minimum_p: Fraction | None  # None before/after only
    can_convince: bool  # the smallest reachable p is at most ALPHA
    sigma: float | None  # the KPI's past within-team spread; None without history
    mde: float | None  # smallest detectable effect in the KPI's unit; None when unknown
    messages: list[str] = field(default_factory=list)  # plain words: what it can show
    fixes: list[str] = field(default_factory=list)  # what would make it stronger


def pooled_spread(series: list[list[float]]) -> float | None:
    """Pooled within-team standard deviation of past measurements (one list per team);
    None when no team has two measurements."""
    squares, dof = 0.0, 0
    for values in series:
        if len(values) >= 2:
            arr = np.asarray(values, dtype=float)
            squares += float(((arr - arr.mean()) ** 2).sum())
            dof += len(arr) - 1
    if dof == 0:
        return None
    return (squares / dof) ** 0.5


def minimum_detectable_effect(
    *, sigma: float, n_pilot: int, n_comparison: int, n_before: int, n_after: int, alpha=ALPHA, power=POWER
) -> float:
    """MDE in the KPI's unit by the rule in the module docstring."""
    if n_pilot < 1 or n_before < 1 or n_after < 1:
        raise ValueError("need at least one pilot team and one measurement before and after")
    z = NormalDist().inv_cdf(1 - alpha) + NormalDist().inv_cdf(power)
    change_sd = sigma * (1 / n_before + 1 / n_after) ** 0.5
    groups = 1 / n_pilot + (1 / n_comparison if n_comparison else 0)
    return z * change_sd * groups**0.5


def smallest_convincing_design(n_pilot: int) -> int:
    """The fewest comparison teams beside `n_pilot` pilot teams for which 1/C(N, k) ≤ ALPHA."""
    m = 1
    while effect.minimum_p(n_pilot, m) > ALPHA:
        m += 1
    return m


def check(
    *,
    n_pilot: int,
    n_comparison: int,
    randomised: bool,
    sigma: float | None = None,
    n_before: int = 0,
    n_after: int = 0,
    unit: str = "",
) -> DesignCheck:
    """What the design can show: its strength, smallest reachable p, MDE, and in plain words
    what it cannot prove and what would fix it."""
    messages, fixes = [], []
    if n_comparison == 0:
        strength = Strength.BEFORE_AFTER
    else:
        strength = Strength.RANDOMISED if randomised else Strength.COMPARISON
    min_p = effect.minimum_p(n_pilot, n_comparison)
    can_convince = min_p is not None and min_p <= ALPHA
    if n_pilot == 0:
        messages.append(_("There is no pilot team yet: the design cannot show anything."))
        fixes.append(_("Choose the team or teams that take part in the pilot."))
    elif strength == Strength.BEFORE_AFTER:
        messages.append(
            _(
                "Without a comparison group this pilot can only show a change before and after. "
                "Anything else that changed in the same period (the season, a reorganisation) "
                "would look like an effect of the pilot."
            )
        )
        fixes.append(_("Add comparison teams that do not take part, preferably drawn at random."))
    else:
        messages.append(
            _(
                "With %(k)s pilot and %(m)s comparison teams there are %(n)s ways to pick the pilot teams, "
                "so the smallest p-value the test can ever reach is 1/%(n)s (%(p)s)."
            )
            % {
                "k": n_pilot,
                "m": n_comparison,
                "n": effect.assignments(n_pilot + n_comparison, n_pilot),
                "p": formatting.number(float(min_p), 3),
            }
        )
        if not can_convince:
            messages.append(
                _("That is above %(alpha)s: this design can never give a convincing result, however large the effect.")
                % {"alpha": formatting.number(ALPHA, 2)}
            )
            fixes.append(
                _("Add comparison teams: with %(k)s pilot teams you need at least %(m)s comparison teams.")
                % {"k": n_pilot, "m": smallest_convincing_design(n_pilot)}
            )
        if not randomised:
            fixes.append(
                _("Draw the pilot teams at random in Leerkoers, so that the choice cannot explain the result.")
            )
    mde = None
    if sigma is None:
        if n_pilot:
            messages.append(_("The KPI has no history per team yet, so the smallest detectable effect is unknown."))
            fixes.append(_("Record the KPI per team for a few months before the start (the baseline)."))
    elif n_pilot and n_before and n_after:
        mde = minimum_detectable_effect(
            sigma=sigma, n_pilot=n_pilot, n_comparison=n_comparison, n_before=n_before, n_after=n_after
        )
        messages.append(
            _(
                "Given how much the KPI varied in the past, only an effect of about %(mde)s %(unit)s or more "
                "is likely to show."
            )
            % {"mde": formatting.number(mde, 2), "unit": unit}
        )
        if n_before < 6:
            fixes.append(_("A longer baseline (more measurements before the start) makes smaller effects visible."))
    return DesignCheck(strength, n_pilot, n_comparison, min_p, can_convince, sigma, mde, messages, fixes)


@dataclass(frozen=True)
class Result:
    verdict: Verdict
    effect: float | None  # DiD (or mean change) in the KPI's unit; None below the minimum data
    improvement: float | None  # effect × better
    p_value: float | None
    permutation: effect.Permutation | None
    interval: effect.Interval | None
    percent: float | None  # effect as a share of the pilot teams' baseline mean, × 100
    with_comparison: bool
    n_pilot: int  # teams with data before and after
    n_comparison: int
    explanation: str


def verdict(
    *,
    pilot: list[float],
    comparison: list[float],
    better: int,
    pilot_baseline: float | None = None,
    seed: int = 0,
) -> Result:
    """The verdict on the team changes of a pilot, by this rule:

    - too early / too few teams: no pilot team with data before and after; with comparison
      teams, none of them with data, or a smallest reachable p above ALPHA; before/after only,
      fewer than MIN_TEAMS_BEFORE_AFTER pilot teams. Then no effect, % or interval is given.
    - with comparison teams: one-sided permutation p ≤ ALPHA for improvement → likely
      improvement; the same test for getting worse ≤ ALPHA → likely worse; else no clear effect.
    - before/after only: the bootstrap interval entirely on the better side of 0 → likely
      improvement, entirely on the worse side → likely worse, else no clear effect; always
      labelled as the weaker evidence.
    """
    k, m = len(pilot), len(comparison)
    with_comparison = m > 0
    too_few = k == 0 or (with_comparison and effect.minimum_p(k, m) > ALPHA)
    if not with_comparison and k < MIN_TEAMS_BEFORE_AFTER:
        too_few = True
    if too_few:
        return Result(
            Verdict.TOO_EARLY,
            None,
            None,
            None,
            None,
            None,
            None,
            with_comparison,
            k,
            m,
            _("There are not yet enough teams with measurements before and after to say anything."),
        )
    if with_comparison:
        estimate = effect.difference_in_differences(pilot, comparison)
        perm = effect.permutation_test(pilot, comparison, better=better, seed=seed)
        worse = effect.permutation_test(pilot, comparison, better=-better, seed=seed)
        interval = effect.bootstrap_interval(pilot, comparison, seed=seed)
        p = perm.p_value
        if p <= ALPHA:
            kind = Verdict.LIKELY_BETTER
        elif worse.p_value <= ALPHA:
            kind = Verdict.LIKELY_WORSE
        else:
            kind = Verdict.NO_CLEAR_EFFECT
    else:
        estimate = float(np.mean(pilot))
        perm, p = None, None
        interval = effect.bootstrap_interval(pilot, None, seed=seed)
        low, high = sorted((better * interval.low, better * interval.high))
        kind = Verdict.LIKELY_BETTER if low > 0 else Verdict.LIKELY_WORSE if high < 0 else Verdict.NO_CLEAR_EFFECT
    percent = estimate / pilot_baseline * 100 if pilot_baseline else None
    return Result(
        kind,
        estimate,
        better * estimate,
        p,
        perm,
        interval,
        percent,
        with_comparison,
        k,
        m,
        _explain(kind, with_comparison, estimate, interval, p),
    )


def _explain(kind, with_comparison, estimate, interval, p) -> str:
    figures = {
        "effect": signed(estimate),
        "low": signed(interval.low),
        "high": signed(interval.high),
        "level": formatting.percent(interval.level),
    }
    if with_comparison:
        text = _(
            "The pilot teams changed by %(effect)s more than the comparison teams "
            "(%(level)s interval %(low)s to %(high)s; p = %(p)s)."
        ) % {**figures, "p": formatting.number(p, 3)}
    else:
        text = (
            _(
                "The pilot teams changed by %(effect)s (%(level)s interval %(low)s to %(high)s). "
                "Without a comparison group this is weaker evidence: other changes in the same period count too."
            )
            % figures
        )
    if kind == Verdict.LIKELY_BETTER:
        return text + " " + _("This is likely an improvement, but not certain.")
    if kind == Verdict.LIKELY_WORSE:
        return text + " " + _("The KPI likely got worse.")
    return text + " " + _("This could well be chance: no clear effect.")


def signed(value: float, digits: int = 2) -> str:
    """A change with its sign: +1.50, −0.25, 0.00, as the active language writes numbers."""
    text = formatting.number(abs(value), digits)
    if round(value, digits) > 0:
        return "+" + text
    return "−" + text if round(value, digits) < 0 else text
