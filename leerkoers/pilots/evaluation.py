"""Evaluation on the four Kirkpatrick levels: the questions of the short forms, and the
results of the answers with small groups suppressed (pure functions over plain data).

Levels and their LTEM tier (Thalheimer's Learning-Transfer Evaluation Model), as the report
tags each piece of evidence:

- 1 reaction (participants, right after) — LTEM tier 3, learner perceptions;
- 2 learning (participants, right after; self-assessed) — LTEM tier 3 as well: a
  self-assessment is a perception, not a knowledge test (tier 4+);
- 3 behaviour (participants and their managers, after some weeks) — LTEM tier 7, transfer,
  as reported by the people involved;
- 4 results (step 3's KPI measurements for pilot and comparison teams) — LTEM tier 8,
  effects of transfer.

Anonymity (the scan's rule, leerkoers/scan/results.py): a form is shown once it has
`minimum` respondents and as many *distinct* ones. A response through a single-use personal
link counts one (one link, one person); responses through the form's shared link that differ
in at most anonymity.NEAR_COPY_SHARE of the questions from one counted before count once together — on
these short forms that means identical answers. So four made-up copies beside one real answer
do not make a group of five. Per level, the forms of both audiences then go through the shared
small-cell rule (leerkoers.lib.anonymity.suppress), with the forms hidden for too few distinct
respondents passed in as hidden.

How far up the chain the evidence reaches = the highest level with a shown result (a form
level with at least `minimum` responses that is not suppressed, level 4 when the KPI result
is beyond "too early").
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from leerkoers.lib.anonymity import PRIMARY, respondents, suppress


class Level(models.IntegerChoices):
    REACTION = 1, _("1 – Reaction")
    LEARNING = 2, _("2 – Learning")
    BEHAVIOUR = 3, _("3 – Behaviour")
    RESULTS = 4, _("4 – Results")


class Audience(models.TextChoices):
    PARTICIPANT = "participant", _("Participants")
    MANAGER = "manager", _("Their managers")


DISTINCT = "distinct"  # a form hidden for too few distinct respondents

LTEM_TIER = {Level.REACTION: 3, Level.LEARNING: 3, Level.BEHAVIOUR: 7, Level.RESULTS: 8}
SCALE = range(1, 6)  # 1 = disagree completely … 5 = agree completely

# (level, audience, template or "") → [(key, question)]; the LMS trial asks its own.
QUESTIONS = {
    (Level.REACTION, Audience.PARTICIPANT, ""): [
        ("useful", _("What I learned is useful for my work.")),
        ("recommend", _("I would recommend it to a colleague.")),
    ],
    (Level.LEARNING, Audience.PARTICIPANT, ""): [
        ("know", _("I know what I will do differently.")),
        ("able", _("I feel able to apply it.")),
    ],
    (Level.BEHAVIOUR, Audience.PARTICIPANT, ""): [
        ("apply", _("I apply what I learned in my daily work.")),
        ("support", _("My manager supports me in applying it.")),
    ],
    (Level.BEHAVIOUR, Audience.MANAGER, ""): [
        ("apply", _("My team members apply what they learned.")),
        ("difference", _("I see a difference in the work.")),
    ],
    (Level.REACTION, Audience.PARTICIPANT, "lms"): [
        ("adoption", _("I have logged in to the system and found my way.")),
        ("use", _("I use the system at least once a week.")),
        ("satisfaction", _("I want to keep using the system.")),
    ],
}


def questions(level: int, audience: str, template: str = "") -> list[tuple[str, str]]:
    """The questions of a form; the general ones when the template has none of its own."""
    return QUESTIONS.get((level, audience, template)) or QUESTIONS.get((level, audience, ""), [])


def allowed(level: int, audience: str) -> bool:
    """Reaction and learning are asked of participants; behaviour of participants and managers."""
    return any(lvl == level and aud == audience for lvl, aud, _t in QUESTIONS)


@dataclass(frozen=True)
class FormData:
    key: object  # the caller's id of the form
    level: int
    audience: str
    invited: int | None  # people asked: personal invitations and people given the shared link
    question_keys: list[str]
    answers: list[dict]  # one dict per response through a personal link: question key → 1…5
    link_answers: list[dict] = field(default_factory=list)  # responses through the shared link

    @property
    def responses(self) -> int:
        return len(self.answers) + len(self.link_answers)


@dataclass(frozen=True)
class FormResult:
    key: object
    level: int
    audience: str
    ltem_tier: int
    responses: int | None  # None when suppressed (then `suppressed` says why)
    response_rate: float | None
    means: dict[str, float] = field(default_factory=dict)  # question key → mean; empty when suppressed
    suppressed: str = ""  # anonymity.PRIMARY / COMPLEMENTARY, DISTINCT, or ""


@dataclass(frozen=True)
class Evaluation:
    forms: list[FormResult]
    highest_level: int | None  # how far up the chain the shown evidence reaches
    minimum: int


def distinct(form: FormData, enough: int) -> int:
    """Respondents of a form, counting near-copies among shared-link responses once (stops
    counting at `enough`, which is all the threshold needs)."""
    vectors = [tuple(a.get(q) for q in form.question_keys) for a in form.link_answers]
    return respondents(len(form.answers), vectors, enough)


def evaluate(forms: list[FormData], *, minimum: int, results_shown: bool) -> Evaluation:
    """Response counts, rates and mean answers per form; per level the forms of both audiences
    are one table whose cells are suppressed by leerkoers.lib.anonymity (fewer than `minimum`
    responses, or fewer than `minimum` distinct ones, hides a form, and a second one when the
    first could be worked out). Shown means are over all responses of the form."""
    hidden: dict[object, str] = {}
    for level in sorted({f.level for f in forms}):
        at_level = [f for f in forms if f.level == level]
        cells = {f.key: f.responses for f in at_level}
        too_similar = {f.key: DISTINCT for f in at_level if f.responses >= minimum and distinct(f, minimum) < minimum}
        if len(cells) > 1:
            hidden |= suppress(cells, minimum, hidden=too_similar)
        else:
            hidden |= too_similar | {k: PRIMARY for k, n in cells.items() if 0 < n < minimum}
    results = []
    for f in forms:
        n = f.responses
        reason = hidden.get(f.key, "")
        if reason:
            results.append(FormResult(f.key, f.level, f.audience, LTEM_TIER[f.level], None, None, {}, reason))
            continue
        means = {}
        for q in f.question_keys:
            values = [a[q] for a in f.answers + f.link_answers if q in a]
            if values:
                means[q] = sum(values) / len(values)
        rate = n / f.invited if f.invited else None
        results.append(FormResult(f.key, f.level, f.audience, LTEM_TIER[f.level], n, rate, means, ""))
    shown = [r.level for r in results if r.responses and r.responses >= minimum]
    if results_shown:
        shown.append(Level.RESULTS)
    return Evaluation(results, max(shown) if shown else None, minimum)
