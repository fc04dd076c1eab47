"""Results of scan rounds — the ONE place where the anonymity threshold is applied.

Every page, API operation, PDF and export of a round's results reads them through
`round_results` / `round_counts` / `trend` / `benchmark`; none of them touches responses
themselves. The rules:

- a layer with fewer than ANONYMITY_THRESHOLD respondents shows no score (and no exact count:
  "fewer than 5");
- when the layers hidden that way hold 1…threshold-1 respondents together, the overall would
  give their answers away (overall minus the shown layers), so the smallest shown layer is
  hidden as well until the hidden remainder is 0 or at least the threshold;
- a cell (layer × dimension) needs the threshold of respondents with a score there too;
- the overall needs the threshold of respondents.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _

from leerkoers.scan import instrument, scoring
from leerkoers.scan.models import Layer, ScanResponse, ScanRound


def threshold() -> int:
    return max(5, settings.ANONYMITY_THRESHOLD)


@dataclass(frozen=True)
class ShownCount:
    """A respondent count as it may be shown: exact at/above the threshold, else 'fewer than N'."""

    exact: int | None
    below: int | None  # the threshold, when the count is 1…threshold-1

    def __str__(self) -> str:
        if self.exact is not None:
            return str(self.exact)
        return _("fewer than %(n)s") % {"n": self.below}

    def as_json(self):
        return self.exact if self.exact is not None else f"<{self.below}"


def shown_count(count: int) -> ShownCount:
    if count == 0 or count >= threshold():
        return ShownCount(count, None)
    return ShownCount(None, threshold())


@dataclass
class Group:
    key: str  # layer key or "overall"
    label: str
    respondents: ShownCount
    shown: bool
    reason: str = ""  # why it is hidden
    dimensions: dict[str, int | None] = field(default_factory=dict)  # rounded scores or None
    overall: int | None = None
    level: str | None = None


@dataclass
class Dimension:
    id: str
    name: str
    step: str


@dataclass
class RoundResults:
    round: ScanRound
    dimensions: list[Dimension]
    overall: Group
    layers: list[Group]
    gaps: list[dict]  # the largest disagreements, in words as well
    threshold: int


def _people(layer: str) -> str:
    return {
        Layer.BOARD: _("board members"),
        Layer.MANAGERS: _("managers"),
        Layer.EMPLOYEES: _("employees"),
        Layer.HR: _("HR staff"),
    }[layer]


def gap_sentence(high: str, low: str, dimension: str, points: int) -> str:
    """'Managers rate ownership in all layers 35 points higher than employees.'"""
    text = _("%(high)s rate “%(dimension)s” %(points)s points higher than %(low)s.") % {
        "high": _people(high),
        "low": _people(low),
        "dimension": dimension,
        "points": points,
    }
    return text[:1].upper() + text[1:]


def _layer_label(key: str) -> str:
    return str(Layer(key).label)


def _dimension_list(version: int, lang: str) -> list[Dimension]:
    definition = instrument.definition(version)
    return [Dimension(d["id"], instrument.text(d["name"], lang), d["step"]) for d in definition["dimensions"]]


def _group(key, label, rows, dimension_ids, minimum) -> Group:
    scores = scoring.group_scores(rows, dimension_ids, minimum)
    return Group(
        key=key,
        label=label,
        respondents=shown_count(len(rows)),
        shown=True,
        dimensions={k: scoring.round_score(v) for k, v in scores["dimensions"].items()},
        overall=scoring.round_score(scores["overall"]),
        level=scoring.level_for(scores["overall"]),
    )


def _hidden(key, label, count, reason) -> Group:
    return Group(key=key, label=label, respondents=shown_count(count), shown=False, reason=reason)


def round_counts(scan_round: ScanRound) -> dict[str, ShownCount]:
    """Respondents per layer (and 'total') as they may be shown, in one query."""
    counts = dict(
        ScanResponse.objects.filter(organization=scan_round.organization, round=scan_round)
        .values_list("layer")
        .annotate(n=Count("pk"))
        .values_list("layer", "n")
    )
    result = {layer: shown_count(counts.get(layer, 0)) for layer in Layer.values}
    result["total"] = shown_count(sum(counts.values()))
    return result


def round_results(scan_round: ScanRound, lang: str = "nl") -> RoundResults:
    """The thresholded results of a round (the round may still be open: callers decide)."""
    minimum = threshold()
    dimensions = _dimension_list(scan_round.instrument_id, lang)
    dimension_ids = [d.id for d in dimensions]
    by_layer: dict[str, list[dict]] = {layer: [] for layer in Layer.values}
    for layer, scores in ScanResponse.objects.filter(
        organization=scan_round.organization, round=scan_round
    ).values_list("layer", "dimension_scores"):
        by_layer.setdefault(layer, []).append(scores)

    small = _("Fewer than %(n)s respondents: not shown, to keep answers anonymous.") % {"n": minimum}
    hidden = {layer for layer, rows in by_layer.items() if 0 < len(rows) < minimum}
    remainder = sum(len(by_layer[layer]) for layer in hidden)
    secondary = set()
    # Complementary suppression: overall minus the shown layers must not reveal a small group.
    while 0 < remainder < minimum:
        candidates = [
            layer for layer, rows in by_layer.items() if len(rows) >= minimum and layer not in hidden | secondary
        ]
        if not candidates:
            break
        smallest = min(candidates, key=lambda layer: (len(by_layer[layer]), layer))
        secondary.add(smallest)
        remainder += len(by_layer[smallest])

    layers = []
    for layer in Layer.values:
        rows = by_layer[layer]
        if layer in hidden or not rows:
            layers.append(_hidden(layer, _layer_label(layer), len(rows), small if rows else _("No responses.")))
        elif layer in secondary:
            reason = _("Not shown, because together with the overall it would reveal the answers of a smaller group.")
            layers.append(_hidden(layer, _layer_label(layer), len(rows), reason))
        else:
            layers.append(_group(layer, _layer_label(layer), rows, dimension_ids, minimum))

    everyone = [row for rows in by_layer.values() for row in rows]
    if len(everyone) >= minimum:
        overall = _group("overall", _("Everyone"), everyone, dimension_ids, minimum)
    else:
        overall = _hidden("overall", _("Everyone"), len(everyone), small if everyone else _("No responses."))

    shown_layers = {g.key: g.dimensions for g in layers if g.shown}
    gaps = []
    names = {d.id: d.name for d in dimensions}
    for gap in scoring.perception_gaps(shown_layers, dimension_ids)[:3]:
        difference = scoring.round_score(gap.difference)
        if not difference:
            continue
        gaps.append(
            {
                "dimension": gap.dimension,
                "high_layer": gap.high_layer,
                "low_layer": gap.low_layer,
                "difference": difference,
                "text": gap_sentence(gap.high_layer, gap.low_layer, names[gap.dimension], difference),
            }
        )
    return RoundResults(scan_round, dimensions, overall, layers, gaps, minimum)


def trend(organization, lang: str = "nl") -> list[dict]:
    """The overall per closed round, oldest first (hidden where the round is too small)."""
    rounds = list(
        ScanRound.objects.filter(organization=organization, status=ScanRound.Status.CLOSED).order_by("closed_at", "pk")
    )
    points = []
    for scan_round in rounds:
        result = round_results(scan_round, lang)
        points.append({"round": scan_round, "overall": result.overall})
    return points


def benchmark(scan_round: ScanRound, lang: str = "nl") -> dict:
    """Other organisations of the same sector and size band, each by its latest closed round.

    Only responses not marked too fast count; an organisation counts only when its round
    reaches the anonymity threshold; nothing is shown below SCAN_BENCHMARK_MIN_ORGS
    organisations. Returns {"available", "organisations", "dimensions": {id: mean}, "overall"}.
    """
    organization = scan_round.organization
    minimum_orgs = max(10, settings.SCAN_BENCHMARK_MIN_ORGS)
    if not organization.sector or not organization.size_band:
        return {"available": False, "organisations": 0, "reason": _("Set the sector and size of the organisation.")}
    latest: dict[int, int] = {}
    for org_id, round_id in (
        ScanRound.objects.filter(
            status=ScanRound.Status.CLOSED,
            organization__sector=organization.sector,
            organization__size_band=organization.size_band,
            instrument_id=scan_round.instrument_id,
        )
        .exclude(organization=organization)
        .order_by("organization_id", "closed_at", "pk")
        .values_list("organization_id", "pk")
    ):
        latest[org_id] = round_id  # ordered by closing time: the last one wins
    per_org: dict[int, list[dict]] = {}
    for org_id, scores in ScanResponse.objects.filter(round_id__in=list(latest.values()), too_fast=False).values_list(
        "organization_id", "dimension_scores"
    ):
        per_org.setdefault(org_id, []).append(scores)
    dimension_ids = instrument.dimension_ids(scan_round.instrument_id)
    minimum = threshold()
    org_scores = [
        scoring.group_scores(rows, dimension_ids, minimum) for rows in per_org.values() if len(rows) >= minimum
    ]
    if len(org_scores) < minimum_orgs:
        return {
            "available": False,
            "organisations": len(org_scores),
            "reason": _("Fewer than %(n)s comparable organisations on the platform yet.") % {"n": minimum_orgs},
        }
    dimensions = {}
    for key in dimension_ids:
        values = [s["dimensions"][key] for s in org_scores if s["dimensions"][key] is not None]
        dimensions[key] = scoring.round_score(sum(values) / len(values)) if len(values) >= minimum_orgs else None
    overalls = [s["overall"] for s in org_scores if s["overall"] is not None]
    return {
        "available": True,
        "organisations": len(org_scores),
        "dimensions": dimensions,
        "overall": scoring.round_score(sum(overalls) / len(overalls)) if overalls else None,
    }
