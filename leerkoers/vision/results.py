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

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkoers.scan.models import Layer
from leerkoers.vision import consensus
from leerkoers.vision.models import (
    VisionAnswer,
    VisionParticipant,
    VisionRating,
    VisionResults,
    VisionRound,
    VisionStatement,
    VisionVersion,
)

TEXT_MINIMUM = 10
ANALYSED = (VisionStatement.Status.SHOWN, VisionStatement.Status.HELD)
VOTE_INDEX = {1: 0, -1: 1, 0: 2}  # agree, disagree, pass: the order of consensus.Tally


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
    return _suppressed_counts(vision_round, counts), sum(counts.values()), counts


def tallies(vision_round: VisionRound, statement_ids=None) -> dict[int, dict[str, consensus.Tally]]:
    """Agree / disagree / pass counts per statement and layer, in one aggregate query that
    reads the covering index alone (the personal-link flag is on the rating)."""
    query = VisionRating.objects.filter(round=vision_round)
    if statement_ids is not None:
        query = query.filter(statement_id__in=list(statement_ids))
    found: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0]))
    for statement_id, layer, vote, verified, n in (
        query.values_list("statement_id", "layer", "vote", "verified").annotate(n=Count("id")).order_by()
    ):
        found[statement_id][layer][VOTE_INDEX[vote]] += n
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


def _suppressed_counts(vision_round: VisionRound, counts: dict[str, int]) -> list[LayerCount]:
    hidden = consensus.suppress(counts, vision_round.anonymity_threshold)
    return [
        LayerCount(layer, str(label), None if layer in hidden else counts[layer], vision_round.anonymity_threshold)
        for layer, label in Layer.choices
    ]


def round_results(vision_round: VisionRound, statements=None, *, data: dict | None = None) -> RoundResults:
    """Consensus, dividing and unclear statements of a round, thresholds applied.

    `statements` narrows the rows (e.g. to those a participant has rated). `data` is a
    snapshot of `compute` (the cached figures); without it the figures are read live."""
    if data is None:
        _participants, _total, counts = layer_counts(vision_round)
        link_only = link_only_layers(vision_round)
    else:
        counts = {layer: data["participants"].get(layer, 0) for layer in Layer.values}
        link_only = set(data["link_only"])
    participants, total = _suppressed_counts(vision_round, counts), sum(counts.values())
    minimum = vision_round.shown_minimum
    taking_part = [layer for layer in Layer.values if counts[layer] >= minimum]
    too_small = [layer for layer in Layer.values if 0 < counts[layer] < minimum]
    result = RoundResults(vision_round, participants, total, taking_part, too_small, sorted(link_only))
    if statements is None:
        statements = VisionStatement.objects.filter(round=vision_round, status__in=ANALYSED)
    statements = list(statements)
    if data is None:
        found = tallies(vision_round, [s.pk for s in statements])
    else:
        found = {
            int(sid): {layer: consensus.Tally(*counts) for layer, counts in zip(Layer.values, cells, strict=True)}
            for sid, cells in data["tallies"].items()
        }
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


def _ratings(vision_round: VisionRound, statement_ids: list[int]) -> list[tuple]:
    """(participant, statement id, vote) of every rating of the round (none without statements), as the
    database returns them: skipping the ORM's per-value conversion (a UUID object per row)
    and reading three columns keeps 150,000 ratings at about 0.3 s (measured here)."""
    if not statement_ids:
        return []
    # The round alone, not `statement_id IN (…)`: the index then streams in order instead of
    # being searched once per statement (measured 0.3–0.5 s against 1.9–3.7 s here).
    query = VisionRating.objects.filter(round=vision_round).values_list("participant_id", "statement_id", "vote")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def rating_matrix(vision_round: VisionRound, statement_ids: list[int]):
    """Participants × the given statements: 1 / -1 / 0, NaN where not rated (numpy)."""
    import numpy as np

    rows = _ratings(vision_round, statement_ids)
    matrix = np.full((0, len(statement_ids)), np.nan)
    if not rows:
        return matrix
    participants, statements, votes = zip(*rows, strict=True)
    person = {p: i for i, p in enumerate(dict.fromkeys(participants))}
    column = {sid: i for i, sid in enumerate(statement_ids)}
    r = np.fromiter(map(person.__getitem__, participants), dtype=np.int64, count=len(rows))
    c = np.fromiter((column.get(sid, -1) for sid in statements), dtype=np.int64, count=len(rows))
    analysed = c >= 0  # ratings of hidden or merged statements stay out
    matrix = np.full((len(person), len(statement_ids)), np.nan)
    matrix[r[analysed], c[analysed]] = np.array(votes, dtype=float)[analysed]
    # A participant who rated only statements that are out of the analysis has an empty row,
    # which opinion_groups leaves out like anyone with fewer than MIN_RATED ratings.
    return matrix


def compute(vision_round: VisionRound) -> dict:
    """The figures of a round as plain data (the snapshot results_refresh stores): participants
    per layer, layers without personal-link participants, tallies per analysed statement and
    layer (agree, disagree, pass, personal-link votes), and the opinion groups (sizes and
    statements of groups below the anonymity threshold already removed).

    The tallies are one aggregate over the covering index, the matrix one read of three
    columns into numpy: 2,000 participants × 150 statements in under the 2 s of the issue
    (see docs/vision.md)."""
    import numpy as np

    from leerkoers.vision import groups

    _shown, _total, counts = layer_counts(vision_round)
    statements = list(
        VisionStatement.objects.filter(round=vision_round, status__in=ANALYSED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    found = tallies(vision_round, statements)
    empty = consensus.Tally()
    table = {
        str(sid): [
            [t.agree, t.disagree, t.passed, t.verified or 0]
            for t in (found[sid].get(layer, empty) for layer in Layer.values)
        ]
        for sid in statements
        if sid in found
    }
    matrix = rating_matrix(vision_round, statements)
    grouping = groups.opinion_groups(matrix)
    found_groups = None
    if grouping is not None:
        found_groups = {"silhouette": grouping.silhouette, "groups": []}
        for number in range(grouping.k):
            members = grouping.labels == number
            size = int(members.sum())
            shown = size >= vision_round.anonymity_threshold
            found_groups["groups"].append(
                {
                    "number": number + 1,
                    "size": size if shown else None,
                    "points": np.round(grouping.coordinates[members], 2).tolist(),
                    "typical": [
                        [statements[t.column], t.agree_in, t.agree_out] for t in grouping.typical.get(number, [])
                    ]
                    if shown
                    else [],
                }
            )
    return {
        "participants": counts,
        "link_only": sorted(link_only_layers(vision_round)),
        "tallies": table,
        "groups": found_groups,
    }


def opinion_groups(vision_round: VisionRound, *, data: dict | None = None) -> OpinionGroups:
    """Opinion groups across layers (leerkoers.vision.groups), with groups below the
    anonymity threshold shown without their size. No point carries a layer or an id.
    `data` is a snapshot of `compute`; without it they are computed now."""
    from leerkoers.vision import groups

    found = (data if data is not None else compute(vision_round))["groups"]
    if found is None:
        return OpinionGroups(
            False,
            _("Opinion groups appear once %(people)s participants have each rated at least %(rated)s statements.")
            % {"people": groups.MIN_PARTICIPANTS, "rated": groups.MIN_RATED},
        )
    ids = {t[0] for g in found["groups"] for t in g["typical"]}
    statements = VisionStatement.objects.in_bulk(ids)
    return OpinionGroups(
        True,
        groups=[
            OpinionGroup(
                g["number"],
                g["size"],
                [tuple(point) for point in g["points"]],
                [(statements[sid], inside, outside) for sid, inside, outside in g["typical"] if sid in statements],
            )
            for g in found["groups"]
        ],
        silhouette=found["silhouette"],
    )


@dataclass
class Computed:
    """The figures of a round as pages show them: from the stored snapshot, with its time.
    The statement rows and the groups are built when first asked for, so that a page whose
    tables come from the fragment cache does not classify every statement again."""

    round: VisionRound
    data: dict
    computed_at: datetime.datetime | None
    updating: bool  # newer ratings or moderation than the snapshot: a recomputation is queued
    key: str  # changes with every recomputation and moderation: for caching what is drawn from it

    @functools.cached_property
    def results(self) -> RoundResults:
        return round_results(self.round, data=self.data)

    @functools.cached_property
    def summary(self) -> RoundResults:
        """Participants per layer and the layers taking part, without the statement rows."""
        return round_results(self.round, statements=[], data=self.data)

    @functools.cached_property
    def opinion(self) -> OpinionGroups:
        return opinion_groups(self.round, data=self.data)


def _latest_rating(vision_round: VisionRound) -> int:
    return VisionRating.objects.filter(round=vision_round).aggregate(latest=Max("pk"))["latest"] or 0


def results_refresh(vision_round: VisionRound) -> VisionResults:
    """Recompute and store the round's snapshot (run by tasks.results_refresh_task, or
    directly the first time a round is shown). Moderation or ratings arriving meanwhile
    leave it stale, so the next read queues another run."""
    snapshot, _created = VisionResults.objects.get_or_create(
        round=vision_round, defaults={"organization": vision_round.organization}
    )
    revision = snapshot.revision
    latest = _latest_rating(vision_round)
    data = compute(vision_round)
    VisionResults.objects.filter(pk=snapshot.pk).update(
        data=data,
        computed_revision=revision,
        ratings_seen=latest,
        computed_at=timezone.now(),
        refresh_requested_at=None,
    )
    snapshot.refresh_from_db()
    return snapshot


def results_invalidate(vision_round: VisionRound) -> None:
    """Mark the snapshot stale after a change the ratings do not show (moderation, merging,
    closing); the next read queues a recomputation."""
    VisionResults.objects.filter(round=vision_round).update(revision=F("revision") + 1)


# A queued recomputation that has not finished after this long is queued again (a worker
# may have stopped); at 2,000 × 150 a run takes about a second.
REFRESH_RETRY = datetime.timedelta(minutes=2)


def refresh_request(vision_round: VisionRound) -> bool:
    """Queue one recomputation of the round's snapshot unless one was queued in the last
    REFRESH_RETRY; returns whether this call queued it."""
    from leerkoers.vision.tasks import results_refresh_task

    now = timezone.now()
    claimed = (
        VisionResults.objects.filter(round=vision_round)
        .filter(Q(refresh_requested_at__isnull=True) | Q(refresh_requested_at__lt=now - REFRESH_RETRY))
        .update(refresh_requested_at=now)
    )
    if claimed:
        results_refresh_task.enqueue(vision_round.pk)
    return bool(claimed)


def computed(vision_round: VisionRound) -> Computed:
    """The round's figures from its snapshot. The first time they are computed now; when
    ratings or moderation are newer than the snapshot, the stored figures are returned as
    `updating` and one background recomputation is queued (not one per page view)."""
    snapshot = VisionResults.objects.filter(round=vision_round).first()
    if snapshot is None or snapshot.computed_revision is None:
        snapshot = results_refresh(vision_round)
    fresh = snapshot.computed_revision == snapshot.revision and snapshot.ratings_seen == _latest_rating(vision_round)
    if not fresh and refresh_request(vision_round):
        snapshot.refresh_from_db()  # the immediate backend (tests, demo) has run it already
        fresh = snapshot.refresh_requested_at is None
    key = f"{snapshot.computed_at.timestamp() if snapshot.computed_at else 0}-{snapshot.revision}"
    return Computed(vision_round, snapshot.data, snapshot.computed_at, not fresh, key)


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
