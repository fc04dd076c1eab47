"""Results of vision rounds — the ONE place where the thresholds are applied.

Every page, API operation and export reads a round's figures through these functions; none
touches ratings itself. The rules:

- a layer takes part in the analysis once it has at least the round's shown minimum of
  participants (max(minimum ratings, anonymity threshold)); smaller layers are named, never
  counted exactly ("fewer than 5"), and left out of consensus;
- a layer's share on a statement is shown only with at least that minimum of ratings there;
- participant counts per layer go through `consensus.suppress` (complementary suppression,
  since the total is shown);
- free-text answers of a layer are shown only when at least TEXT_MINIMUM participants of
  that layer answered (a handful of answers is recognisable by its wording);
- hidden and merged statements are out of the analysis.

(`consensus.suppress` is the shared rule of leerkoers.lib.anonymity, as the scan uses it.)
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from leerkoers.scan.models import Layer
from leerkoers.vision import consensus
from leerkoers.vision.models import (
    VisionAnswer,
    VisionParticipant,
    VisionRating,
    VisionRound,
    VisionStatement,
    VisionVersion,
)

TEXT_MINIMUM = 10
ANALYSED = (VisionStatement.Status.SHOWN, VisionStatement.Status.HELD)


@dataclass(frozen=True)
class LayerCount:
    layer: str
    label: str
    count: int | None  # None when it may not be shown
    below: int | None = None

    def __str__(self) -> str:
        if self.count is not None:
            return str(self.count)
        return _("fewer than %(n)s") % {"n": self.below}

    def as_json(self):
        return self.count if self.count is not None else f"<{self.below}"


@dataclass(frozen=True)
class LayerCell:
    layer: str
    shown: bool
    votes: int | None = None
    agree: float | None = None  # smoothed
    disagree: float | None = None
    interval: tuple[float, float] | None = None
    raw_agree: int | None = None
    raw_disagree: int | None = None
    raw_pass: int | None = None


@dataclass
class StatementRow:
    statement: VisionStatement
    result: consensus.StatementResult
    cells: list[LayerCell]


@dataclass
class RoundResults:
    round: VisionRound
    participants: list[LayerCount]
    total: int
    taking_part: list[str]
    too_small: list[str]
    link_only: list[str] = field(default_factory=list)
    rows: list[StatementRow] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[StatementRow]:
        return [row for row in self.rows if row.result.kind == kind]

    @property
    def consensus(self):
        return sorted(self.of_kind(consensus.CONSENSUS), key=lambda r: -min(c.agree or 0 for c in r.cells if c.shown))

    @property
    def dividing(self):
        return sorted(self.of_kind(consensus.DIVIDING), key=lambda r: -(r.result.split or 0))

    @property
    def unclear(self):
        return self.of_kind(consensus.UNCLEAR)

    @property
    def other(self):
        return self.of_kind(consensus.NO_CONSENSUS)


def layer_counts(vision_round: VisionRound) -> tuple[list[LayerCount], int, dict[str, int]]:
    raw = dict(
        VisionParticipant.objects.filter(round=vision_round).values_list("layer").annotate(n=Count("id")).order_by()
    )
    counts = {layer: raw.get(layer, 0) for layer in Layer.values}
    hidden = consensus.suppress(counts, vision_round.anonymity_threshold)
    shown = [
        LayerCount(layer, str(label), None if layer in hidden else counts[layer], vision_round.anonymity_threshold)
        for layer, label in Layer.choices
    ]
    return shown, sum(counts.values()), counts


def tallies(vision_round: VisionRound, statement_ids=None) -> dict[int, dict[str, consensus.Tally]]:
    """Agree / disagree / pass counts per statement and layer, in one aggregate query."""
    query = VisionRating.objects.filter(round=vision_round)
    if statement_ids is not None:
        query = query.filter(statement_id__in=list(statement_ids))
    found: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0]))
    for statement_id, layer, vote, verified, n in (
        query.values_list("statement_id", "layer", "vote", "participant__verified").annotate(n=Count("id")).order_by()
    ):
        found[statement_id][layer][{1: 0, -1: 1, 0: 2}[vote]] += n
        if verified:
            found[statement_id][layer][3] += n
    return {sid: {layer: consensus.Tally(*counts) for layer, counts in layers.items()} for sid, layers in found.items()}


def link_only_layers(vision_round: VisionRound) -> set[str]:
    """Layers with participants, none of whom came through a personal link."""
    rows = VisionParticipant.objects.filter(round=vision_round).values_list("layer", "verified").distinct()
    layers: dict[str, bool] = {}
    for layer, verified in rows:
        layers[layer] = layers.get(layer, False) or verified
    return {layer for layer, any_verified in layers.items() if not any_verified}


def _cell(share: consensus.LayerShare, minimum: int) -> LayerCell:
    if not share.enough:
        return LayerCell(share.layer, False)
    return LayerCell(
        share.layer,
        True,
        share.tally.votes,
        share.agree,
        share.disagree,
        share.interval,
        share.tally.agree,
        share.tally.disagree,
        share.tally.passed,
    )


def round_results(vision_round: VisionRound, statements=None) -> RoundResults:
    """Consensus, dividing and unclear statements of a round, thresholds applied.

    `statements` narrows the rows (e.g. to those a participant has rated)."""
    participants, total, counts = layer_counts(vision_round)
    minimum = vision_round.shown_minimum
    taking_part = [layer for layer in Layer.values if counts[layer] >= minimum]
    too_small = [layer for layer in Layer.values if 0 < counts[layer] < minimum]
    link_only = link_only_layers(vision_round)
    result = RoundResults(vision_round, participants, total, taking_part, too_small, sorted(link_only))
    if statements is None:
        statements = VisionStatement.objects.filter(round=vision_round, status__in=ANALYSED)
    statements = list(statements)
    found = tallies(vision_round, [s.pk for s in statements])
    for statement in statements:
        layer_tallies = found.get(statement.pk, {})
        if taking_part:
            classified = consensus.classify(
                layer_tallies,
                layers=taking_part,
                threshold=vision_round.consensus_threshold,
                minimum=minimum,
                link_only=link_only,
            )
        else:
            classified = consensus.StatementResult(consensus.UNCLEAR, {})
        cells = [
            _cell(
                consensus.layer_share(
                    layer, layer_tallies.get(layer, consensus.Tally(verified=0)), minimum, link_only=layer in link_only
                ),
                minimum,
            )
            for layer in Layer.values
        ]
        result.rows.append(StatementRow(statement, classified, cells))
    return result


@dataclass(frozen=True)
class AnswerGroup:
    question: object
    layer: str
    label: str
    shown: bool
    texts: list[str]


def answers_by_layer(vision_round: VisionRound) -> list[AnswerGroup]:
    """Free-text answers per question and layer, only where at least TEXT_MINIMUM answered."""
    answers = defaultdict(list)
    for answer in VisionAnswer.objects.filter(round=vision_round).order_by("?"):
        answers[(answer.question_id, answer.layer)].append(answer.text)
    groups = []
    for question in vision_round.questions.all():
        for layer, label in Layer.choices:
            texts = answers.get((question.pk, layer), [])
            if texts:
                shown = len(texts) >= TEXT_MINIMUM
                groups.append(AnswerGroup(question, layer, str(label), shown, sorted(texts) if shown else []))
    return groups


@dataclass(frozen=True)
class SupportRow:
    layer: str
    label: str
    shown: bool
    summary: consensus.SupportSummary | None
    comments: list[tuple[int, str]]


def support_by_layer(version: VisionVersion) -> list[SupportRow]:
    """The endorsement of a version per layer: a layer's figures and comments only from the
    anonymity threshold up (complementary suppression over the layers, the total being shown)."""
    levels: dict[str, list[int]] = defaultdict(list)
    comments: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for layer, support, comment in version.endorsements.values_list("layer", "support", "comment"):
        levels[layer].append(support)
        if comment:
            comments[layer].append((support, comment))
    counts = {layer: len(levels.get(layer, [])) for layer in Layer.values}
    hidden = consensus.suppress(counts, version.round.anonymity_threshold)
    rows = []
    for layer, label in Layer.choices:
        shown = layer not in hidden and counts[layer] > 0
        rows.append(
            SupportRow(
                layer,
                str(label),
                shown,
                consensus.support_summary(levels[layer]) if shown else None,
                sorted(comments[layer]) if shown and counts[layer] >= TEXT_MINIMUM else [],
            )
        )
    return rows


@dataclass(frozen=True)
class OpinionGroup:
    number: int  # 1, 2, … (largest first)
    size: int | None  # None below the anonymity threshold
    points: list[tuple[float, float]]
    typical: list[tuple[VisionStatement, float, float]]  # statement, agree share inside, outside


@dataclass(frozen=True)
class OpinionGroups:
    available: bool
    reason: str = ""
    groups: list[OpinionGroup] = field(default_factory=list)
    silhouette: float | None = None


def rating_matrix(vision_round: VisionRound):
    """Participants × analysed statements: 1 / -1 / 0, NaN where not rated."""
    import numpy as np

    statements = list(VisionStatement.objects.filter(round=vision_round, status__in=ANALYSED).order_by("pk"))
    column = {s.pk: i for i, s in enumerate(statements)}
    rows: dict = {}
    triples = list(
        VisionRating.objects.filter(round=vision_round, statement_id__in=list(column)).values_list(
            "participant_id", "statement_id", "vote"
        )
    )
    for participant_id, _statement_id, _vote in triples:
        rows.setdefault(participant_id, len(rows))
    matrix = np.full((len(rows), len(statements)), np.nan)
    if triples:
        r = np.fromiter((rows[p] for p, _s, _v in triples), dtype=int, count=len(triples))
        c = np.fromiter((column[s] for _p, s, _v in triples), dtype=int, count=len(triples))
        matrix[r, c] = np.fromiter((v for _p, _s, v in triples), dtype=float, count=len(triples))
    return matrix, statements


def opinion_groups(vision_round: VisionRound) -> OpinionGroups:
    """Opinion groups across layers (leerkoers.vision.groups), with groups below the
    anonymity threshold shown without their size. No point carries a layer or an id."""
    from leerkoers.vision import groups

    matrix, statements = rating_matrix(vision_round)
    grouping = groups.opinion_groups(matrix)
    if grouping is None:
        return OpinionGroups(
            False,
            _("Opinion groups appear once %(people)s participants have each rated at least %(rated)s statements.")
            % {"people": groups.MIN_PARTICIPANTS, "rated": groups.MIN_RATED},
        )
    found = []
    for number in range(grouping.k):
        members = grouping.labels == number
        size = int(members.sum())
        points = [(round(float(x), 2), round(float(y), 2)) for x, y in grouping.coordinates[members]]
        typical = [(statements[t.column], t.agree_in, t.agree_out) for t in grouping.typical.get(number, [])]
        shown = size >= vision_round.anonymity_threshold
        found.append(OpinionGroup(number + 1, size if shown else None, points, typical if shown else []))
    return OpinionGroups(True, groups=found, silhouette=grouping.silhouette)


@dataclass(frozen=True)
class QuestionThemes:
    question: object
    themes: list  # of themes.Theme, over the answers that may be shown
    answers: int


def answer_themes(vision_round: VisionRound) -> list[QuestionThemes]:
    """Themes per question over the answers of the layers that may be shown (TEXT_MINIMUM)."""
    from leerkoers.vision import themes

    shown: dict[int, list[str]] = defaultdict(list)
    for group in answers_by_layer(vision_round):
        if group.shown:
            shown[group.question.pk].extend(group.texts)
    found = []
    for question in vision_round.questions.all():
        texts = shown.get(question.pk, [])
        found.append(QuestionThemes(question, themes.themes(texts), len(texts)))
    return found
