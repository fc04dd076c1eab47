"""Results of scan rounds — the ONE place where anonymity rules are applied to a round.

Every page, API operation, PDF and export of a round's results reads them through
`round_results` / `round_counts` / `trend` / `benchmark`; none of them touches responses
themselves. The rules (docs/scan.md, "Anonymity"):

- Responses marked too fast count nowhere in a round's figures (they are counted apart).
- A layer needs ANONYMITY_THRESHOLD respondents, and as many *distinct* ones: responses that
  came through a shared layer link and are near-copies of one another (at most
  NEAR_COPY_TOLERANCE answers apart) count once. Responses through personal links always count.
  This is what stops a layer from being padded with fake answers until it shows.
- Which layers (and, per dimension, which cells) are hidden is decided by the pure rule
  `leerkoers.lib.anonymity.suppress`: primary suppression of small groups and complementary
  suppression, so that neither a hidden count nor a hidden group's scores follow from the
  total and the shown groups. The counts and the results use the same decision.
- A group's overall is the mean of its *shown* dimension cells, so a hidden cell cannot be
  recovered from the overall either.
- Every shown score carries its 95 % t-interval (scoring.mean_interval); gaps between layers
  are put as a difference only when Welch's interval of the difference excludes 0.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from leerkoers.lib import anonymity
from leerkoers.scan import instrument, scoring
from leerkoers.scan.models import Layer, ScanResponse, ScanRound

# Two responses through a layer link that differ in at most anonymity.NEAR_COPY_SHARE of the
# statements (3 of 30 in v1) count as one respondent when deciding whether a layer is large enough.
DISTINCT = "distinct"  # a layer hidden for too few distinct respondents
EMPTY = "empty"


def threshold() -> int:
    return max(5, settings.ANONYMITY_THRESHOLD)


@dataclass(frozen=True)
class ShownCount:
    """A respondent count as it may be shown: exact, 'fewer than N' (a small group) or not at all."""

    exact: int | None
    below: int | None = None  # the threshold, when the count is 1…threshold-1

    def __str__(self) -> str:
        if self.exact is not None:
            return str(self.exact)
        if self.below is not None:
            return _("fewer than %(n)s") % {"n": self.below}
        return _("not shown")

    def as_json(self):
        if self.exact is not None:
            return self.exact
        return f"<{self.below}" if self.below is not None else "hidden"


def _shown_count(count: int, reason: str | None, minimum: int) -> ShownCount:
    if reason is None:
        return ShownCount(count)
    if reason == anonymity.PRIMARY:
        return ShownCount(None, minimum)
    return ShownCount(None)


@dataclass
class Group:
    key: str  # layer key or "overall"
    label: str
    respondents: ShownCount
    shown: bool
    reason: str = ""  # why it is hidden, in words
    dimensions: dict[str, int | None] = field(default_factory=dict)  # rounded scores or None
    # Why a cell of a shown group has no score: "few" (too few answered) or "complementary".
    cell_reasons: dict[str, str] = field(default_factory=dict)
    intervals: dict[str, tuple[int, int] | None] = field(default_factory=dict)
    overall: int | None = None
    overall_interval: tuple[int, int] | None = None
    level: str | None = None
    level_between: tuple[str, str] | None = None  # the interval spans these two levels
    dont_know: dict[str, float | None] = field(default_factory=dict)  # share of "I don't know"

    @property
    def level_text(self) -> str:
        """'Starting', or 'between Starting and Developing' when the interval crosses a boundary."""
        if self.level_between:
            low, high = self.level_between
            return _("between %(low)s and %(high)s") % {
                "low": scoring.LEVEL_LABELS[low],
                "high": scoring.LEVEL_LABELS[high],
            }
        return str(scoring.LEVEL_LABELS[self.level]) if self.level else ""


@dataclass
class Dimension:
    id: str
    name: str
    step: str
    dont_know: float | None = None  # everyone's share of "I don't know"
    dont_know_high: bool = False

    @property
    def dont_know_text(self) -> str:
        return dont_know_sentence(self.name, self.dont_know) if self.dont_know_high else ""


@dataclass
class RoundResults:
    round: ScanRound
    dimensions: list[Dimension]
    overall: Group
    layers: list[Group]
    gaps: list[dict]  # the largest differences between layers, in words as well
    threshold: int
    excluded: int = 0  # responses left out as too fast
    dont_know_threshold: float = scoring.HIGH_DONT_KNOW


def _people(layer: str) -> str:
    return {
        Layer.BOARD: _("board members"),
        Layer.MANAGERS: _("managers"),
        Layer.EMPLOYEES: _("employees"),
        Layer.HR: _("HR staff"),
    }[layer]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def gap_sentence(high: str, low: str, dimension: str, points: int, interval: tuple[int, int]) -> str:
    """'Managers rate “Ownership” 35 points higher than employees (95% interval 20 to 50).'"""
    text = _("%(high)s rate “%(dimension)s” %(points)s points higher than %(low)s (95%% interval %(lo)s to %(hi)s).")
    values = {"high": _people(high), "low": _people(low), "dimension": dimension, "points": points}
    return _capital(text % {**values, "lo": interval[0], "hi": interval[1]})


def no_gap_sentence(high: str, low: str, dimension: str, points: int, interval: tuple[int, int]) -> str:
    text = _(
        "No clear difference between %(high)s and %(low)s on “%(dimension)s”: %(points)s points, "
        "within the noise (95%% interval %(lo)s to %(hi)s)."
    )
    values = {"high": _people(high), "low": _people(low), "dimension": dimension, "points": points}
    return text % {**values, "lo": interval[0], "hi": interval[1]}


def dont_know_sentence(name: str, share: float) -> str:
    return _(
        "“%(dimension)s”: %(percent)s%% of the answers were “I don't know” — a finding in itself: "
        "people lack the information to judge this."
    ) % {"dimension": name, "percent": round(share * 100)}


def _layer_label(key: str) -> str:
    return str(Layer(key).label)


def _dimension_list(version: int, lang: str) -> list[Dimension]:
    definition = instrument.definition(version)
    return [Dimension(d["id"], instrument.text(d["name"], lang), d["step"]) for d in definition["dimensions"]]


def _rounded(interval):
    if interval is None:
        return None
    return scoring.round_score(interval[0]), scoring.round_score(interval[1])


@dataclass
class _Row:
    scores: dict
    answers: dict
    verified: bool


Loaded = tuple[dict[str, list[_Row]], int]


def load_many(rounds) -> dict[int, Loaded]:
    """Per round (by pk): its counted responses per layer, and how many were left out as too
    fast. One query for any number of rounds (of any organisations)."""
    by_round = {r.pk: {layer: [] for layer in Layer.values} for r in rounds}
    excluded = dict.fromkeys(by_round, 0)
    for round_id, layer, scores, answers, verified, too_fast in ScanResponse.objects.filter(
        organization_id__in={r.organization_id for r in rounds}, round_id__in=list(by_round)
    ).values_list("round_id", "layer", "dimension_scores", "answers", "verified", "too_fast"):
        if too_fast:
            excluded[round_id] += 1
        else:
            by_round[round_id].setdefault(layer, []).append(_Row(scores, answers, verified))
    return {pk: (by_layer, excluded[pk]) for pk, by_layer in by_round.items()}


def _load(scan_round: ScanRound) -> Loaded:
    return load_many([scan_round])[scan_round.pk]


def _distinct(rows: list[_Row], item_ids: list[str], enough: int) -> int:
    """Respondents of a layer, counting near-copies among link responses once."""
    verified = sum(1 for row in rows if row.verified)
    vectors = [tuple(row.answers.get(item) for item in item_ids) for row in rows if not row.verified]
    return anonymity.respondents(verified, vectors, enough)


def _layer_decision(by_layer: dict[str, list[_Row]], item_ids: list[str], minimum: int) -> dict[str, str]:
    """Layer → why it is hidden (anonymity.PRIMARY, COMPLEMENTARY or DISTINCT)."""
    counts = {layer: len(rows) for layer, rows in by_layer.items()}
    too_similar = {
        layer: DISTINCT
        for layer, rows in by_layer.items()
        if len(rows) >= minimum and _distinct(rows, item_ids, minimum) < minimum
    }
    return anonymity.suppress(counts, minimum, hidden=too_similar)


def _reason_text(reason: str, minimum: int) -> str:
    if reason == anonymity.PRIMARY:
        return _("Fewer than %(n)s respondents: not shown, to keep answers anonymous.") % {"n": minimum}
    if reason == DISTINCT:
        return _(
            "Fewer than %(n)s distinct respondents: answers through the shared layer link that are "
            "(nearly) identical count once, so a layer cannot be filled up with copies."
        ) % {"n": minimum}
    if reason == EMPTY:
        return _("No responses.")
    return _("Not shown, because together with the overall it would reveal the answers of a smaller group.")


def _total_decision(by_layer: dict[str, list[_Row]], item_ids: list[str], minimum: int) -> str | None:
    rows = [row for layer_rows in by_layer.values() for row in layer_rows]
    if not rows:
        return EMPTY
    if len(rows) < minimum:
        return anonymity.PRIMARY
    if _distinct(rows, item_ids, minimum) < minimum:
        return DISTINCT
    return None


def round_total(scan_round: ScanRound) -> ShownCount:
    """The round's counted respondents (exact, or 'fewer than N'), in one query."""
    total = ScanResponse.objects.filter(organization=scan_round.organization, round=scan_round, too_fast=False).count()
    return ShownCount(None, threshold()) if 0 < total < threshold() else ShownCount(total)


def round_counts(scan_round: ScanRound, loaded: Loaded | None = None) -> dict[str, ShownCount]:
    """Respondents per layer (and 'total') as they may be shown: the same decision as the
    results. `loaded`: the round's entry of `load_many`, where the caller has it."""
    minimum = threshold()
    by_layer, _excluded = loaded or _load(scan_round)
    item_ids = instrument.item_ids(scan_round.instrument_id)
    hidden = _layer_decision(by_layer, item_ids, minimum)
    result = {layer: _shown_count(len(by_layer[layer]), hidden.get(layer), minimum) for layer in Layer.values}
    total = sum(len(rows) for rows in by_layer.values())
    result["total"] = ShownCount(None, minimum) if 0 < total < minimum else ShownCount(total)
    return result


def _cell_decisions(by_layer, layer_hidden, dimension_ids, minimum) -> dict[str, dict[str, str]]:
    """Per dimension: layer → why its cell is hidden, with the hidden layers as hidden cells."""
    decisions = {}
    forced = dict.fromkeys(layer_hidden, "layer")
    for key in dimension_ids:
        counts = {layer: sum(1 for row in rows if row.scores.get(key) is not None) for layer, rows in by_layer.items()}
        decisions[key] = anonymity.suppress(counts, minimum, hidden=forced)
    return decisions


def _group(key, label, rows: list[_Row], definition, hidden_cells: dict[str, str], minimum) -> Group:
    """A shown group: its cells (hidden ones without a score), intervals, overall, don't-know."""
    dimensions, intervals, cell_reasons, dont_know, means = {}, {}, {}, {}, {}
    answer_sets = [row.answers for row in rows]
    for d in definition["dimensions"]:
        dim = d["id"]
        values = [row.scores[dim] for row in rows if row.scores.get(dim) is not None]
        reason = hidden_cells.get(dim)
        if len(values) < minimum:
            reason = "few"
        if reason is not None:
            dimensions[dim], intervals[dim] = None, None
            cell_reasons[dim] = "few" if reason in ("few", anonymity.PRIMARY) else "complementary"
        else:
            means[dim] = sum(values) / len(values)
            dimensions[dim] = scoring.round_score(means[dim])
            intervals[dim] = _rounded(scoring.mean_interval(values))
        dont_know[dim] = scoring.dont_know_share(answer_sets, [item["id"] for item in d["items"]])
    overall = scoring.overall_score([means.get(d["id"]) for d in definition["dimensions"]])
    # The overall's interval: each respondent's mean over the dimensions the group shows.
    shown_dims = list(means)
    per_person = []
    for row in rows:
        own = [row.scores[dim] for dim in shown_dims if row.scores.get(dim) is not None]
        if own:
            per_person.append(sum(own) / len(own))
    overall_interval = _rounded(scoring.mean_interval(per_person)) if overall is not None else None
    return Group(
        key=key,
        label=label,
        respondents=ShownCount(len(rows)),
        shown=True,
        dimensions=dimensions,
        cell_reasons=cell_reasons,
        intervals=intervals,
        overall=scoring.round_score(overall),
        overall_interval=overall_interval,
        level=scoring.level_for(overall),
        level_between=scoring.level_span(overall_interval),
        dont_know=dont_know,
    )


def _hidden(key, label, count, reason, minimum) -> Group:
    shown_count = _shown_count(count, None if reason == EMPTY else reason, minimum)
    return Group(key=key, label=label, respondents=shown_count, shown=False, reason=_reason_text(reason, minimum))


def _gaps(by_layer, layers: list[Group], dimensions: list[Dimension]) -> list[dict]:
    """Per dimension the widest difference between two shown layers, with Welch's interval."""
    shown = {g.key: g for g in layers if g.shown}
    found = []
    for index, d in enumerate(dimensions):
        scored = [(g.dimensions[d.id], key) for key, g in shown.items() if g.dimensions.get(d.id) is not None]
        if len(scored) < 2:
            continue
        (low_score, low), (high_score, high) = min(scored), max(scored)
        difference = high_score - low_score
        if not difference:
            continue

        def values(layer, dim=d.id):
            return [row.scores[dim] for row in by_layer[layer] if row.scores.get(dim) is not None]

        interval = scoring.difference_interval(values(high), values(low))
        if interval is None:
            continue
        clear = interval[0] > 0
        shown_interval = (scoring.round_score(interval[0]), scoring.round_score(interval[1]))
        sentence = gap_sentence if clear else no_gap_sentence
        found.append(
            (
                -difference,
                index,
                {
                    "dimension": d.id,
                    "high_layer": high,
                    "low_layer": low,
                    "difference": difference,
                    "interval": list(shown_interval),
                    "clear": clear,
                    "text": sentence(high, low, d.name, difference, shown_interval),
                },
            )
        )
    found.sort(key=lambda item: item[:2])
    return [gap for _difference, _index, gap in found[:3]]


def round_results(scan_round: ScanRound, lang: str = "nl", loaded: Loaded | None = None) -> RoundResults:
    """The anonymised results of a round (the round may still be open: callers decide).
    `loaded`: the round's entry of `load_many`, where the caller has it."""
    minimum = threshold()
    definition = instrument.definition(scan_round.instrument_id)
    dimensions = _dimension_list(scan_round.instrument_id, lang)
    dimension_ids = [d.id for d in dimensions]
    item_ids = instrument.item_ids(scan_round.instrument_id)
    by_layer, excluded = loaded or _load(scan_round)
    layer_hidden = _layer_decision(by_layer, item_ids, minimum)
    cells = _cell_decisions(by_layer, layer_hidden, dimension_ids, minimum)

    layers = []
    for layer in Layer.values:
        rows = by_layer[layer]
        label = _layer_label(layer)
        if not rows:
            layers.append(_hidden(layer, label, 0, EMPTY, minimum))
        elif layer in layer_hidden:
            layers.append(_hidden(layer, label, len(rows), layer_hidden[layer], minimum))
        else:
            hidden_cells = {dim: cells[dim][layer] for dim in dimension_ids if layer in cells[dim]}
            layers.append(_group(layer, label, rows, definition, hidden_cells, minimum))

    everyone = [row for rows in by_layer.values() for row in rows]
    total_reason = _total_decision(by_layer, item_ids, minimum)
    if total_reason is None:
        overall = _group("overall", _("Everyone"), everyone, definition, {}, minimum)
    else:
        overall = _hidden("overall", _("Everyone"), len(everyone), total_reason, minimum)
    for d in dimensions:
        d.dont_know = overall.dont_know.get(d.id)
        d.dont_know_high = d.dont_know is not None and d.dont_know >= scoring.HIGH_DONT_KNOW
    gaps = _gaps(by_layer, layers, dimensions)
    return RoundResults(scan_round, dimensions, overall, layers, gaps, minimum, excluded)


def trend(organization, lang: str = "nl") -> list[dict]:
    """The overall per closed round, oldest first (hidden where the round is too small)."""
    rounds = list(
        ScanRound.objects.filter(organization=organization, status=ScanRound.Status.CLOSED).order_by("closed_at", "pk")
    )
    loaded = load_many(rounds)
    return [
        {"round": scan_round, "overall": round_results(scan_round, lang, loaded[scan_round.pk]).overall}
        for scan_round in rounds
    ]


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
