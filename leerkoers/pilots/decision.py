"""The pre-set decision rule and return on investment: pure functions over plain numbers.

Decision rule (fixed at the start, docs/pilots.md): **scale up** when the improvement is at
least `scale_up_min` (in the KPI's unit) and the p-value below `max_p` (before/after only,
where there is no p-value: when the bootstrap interval's lower end is above 0 in the better
direction); **stop** when the improvement is at most `stop_max`; **adjust** otherwise.

ROI (Phillips, conservative): benefit = improvement × value per unit per year × attribution
× confidence, first year only; costs fully loaded. ROI % = (benefit − costs) / costs × 100,
benefit/cost ratio = benefit / costs. A worsening counts as no benefit, not a negative one
the pilot would "earn back".
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerkoers.lib import formatting


class Outcome(models.TextChoices):
    SCALE_UP = "scale_up", gettext_lazy("Scale up")
    ADJUST = "adjust", gettext_lazy("Adjust")
    STOP = "stop", gettext_lazy("Stop")


@dataclass(frozen=True)
class Rule:
    scale_up_min: Decimal
    max_p: Decimal
    stop_max: Decimal


def rule_outcome(rule: Rule, *, improvement: float, p_value: float | None, interval_low_better: float | None) -> str:
    """What the pre-set rule says for a result (an Outcome value)."""
    if p_value is not None:
        convincing = p_value < float(rule.max_p)
    else:
        convincing = interval_low_better is not None and interval_low_better > 0
    if improvement >= float(rule.scale_up_min) and convincing:
        return Outcome.SCALE_UP
    if improvement <= float(rule.stop_max):
        return Outcome.STOP
    return Outcome.ADJUST


def rule_text(rule: Rule, unit: str = "") -> str:
    return _(
        "Scale up if the KPI improves by at least %(up)s%(unit)s with p < %(p)s; "
        "stop if it improves by %(stop)s%(unit)s or less; adjust otherwise."
    ) % {
        "up": _num(rule.scale_up_min),
        "p": _num(rule.max_p),
        "stop": _num(rule.stop_max),
        "unit": f" {unit}" if unit else "",
    }


def _num(value) -> str:
    return formatting.number(value)


def fully_loaded_cost(*, fees: Decimal, hours: Decimal, hourly_cost: Decimal, materials: Decimal) -> Decimal:
    """Fees + hours × hourly cost + materials (all in euros), to the cent."""
    return (fees + hours * hourly_cost + materials).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Roi:
    benefit: Decimal
    cost: Decimal
    roi_percent: Decimal | None  # None when the costs are 0
    benefit_cost_ratio: Decimal | None
    assumptions: list[str] = field(default_factory=list)


def roi(
    *,
    improvement: Decimal,
    value_per_unit: Decimal,
    attribution: Decimal,
    confidence: Decimal,
    cost: Decimal,
    unit: str = "",
) -> Roi:
    """First-year ROI by the rule in the module docstring. Shares are 0…1; refuses
    (ValueError) shares outside it or negative money values."""
    for share in (attribution, confidence):
        if not Decimal(0) <= share <= Decimal(1):
            raise ValueError("attribution and confidence are shares between 0 and 1")
    if value_per_unit < 0 or cost < 0:
        raise ValueError("money values cannot be negative")
    gained = max(Decimal(improvement), Decimal(0))
    benefit = (gained * value_per_unit * attribution * confidence).quantize(Decimal("0.01"))
    ratio = (benefit / cost).quantize(Decimal("0.01")) if cost else None
    percent = ((benefit - cost) / cost * 100).quantize(Decimal("0.1")) if cost else None
    assumptions = [
        _("Improvement of %(n)s %(unit)s in the pilot teams (the measured effect; a worsening counts as 0).")
        % {"n": _num(gained), "unit": unit},
        _("Value of one %(unit)s improvement for one year: € %(v)s.")
        % {"unit": unit or _("unit"), "v": _num(value_per_unit)},
        _("Share of the improvement attributed to the pilot: %(a)s %%.") % {"a": _num(attribution * 100)},
        _("Confidence in that estimate: %(c)s %%.") % {"c": _num(confidence * 100)},
        _("Benefits of the first year only; costs fully loaded (fees, hours × hourly cost, materials)."),
    ]
    return Roi(benefit, cost, percent, ratio, assumptions)
