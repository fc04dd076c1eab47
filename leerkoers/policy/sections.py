"""The sections of the policy document, each built from its step's own selectors and reports.

A builder takes the organisation and the export date and returns a `content.Section` in the
active language. It reads only through the step's selectors (`scan.results`,
`inventory.selectors`, `alignment.selectors` / `golden_thread`, `vision.results`), so the
document shows the figures the step's pages show, with the same anonymity rules: a group
the page hides is hidden here too. A step without data gives a section that says what to
do first (`has_data=False`), never an empty table.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from leerkoers.alignment import golden_thread as gt
from leerkoers.alignment import journey as alignment_journey
from leerkoers.alignment.kpi_status import Status as KpiStatus
from leerkoers.alignment.models import LearningGoal, StrategicGoal
from leerkoers.alignment.selectors import kpis_with_status, thread_for
from leerkoers.inventory import journey as inventory_journey
from leerkoers.inventory import selectors as inventory_selectors
from leerkoers.inventory.models import Initiator
from leerkoers.lib import formatting
from leerkoers.ownership import journey as ownership_journey
from leerkoers.ownership import selectors as ownership_selectors
from leerkoers.ownership.models import PopStatus
from leerkoers.pilots import journey as pilots_journey
from leerkoers.pilots import selectors as pilots_selectors
from leerkoers.policy.content import Bar, Bullets, Chart, Definitions, Figure, Heading, Paragraph, Section, Table
from leerkoers.scan import journey as scan_journey
from leerkoers.scan import results as scan_results
from leerkoers.scan import scoring
from leerkoers.scan.models import ScanRound
from leerkoers.vision import journey as vision_journey
from leerkoers.vision.selectors import approved_vision

SUMMARY = "summary"
READINESS = "readiness"
STARTING_POINT = "starting_point"
VISION = "vision"
GOALS = "goals"
OWNERSHIP = "ownership"
PILOTS = "pilots"
ROADMAP = "roadmap"
DEFINITIONS = "definitions"

TITLES = {
    SUMMARY: gettext_lazy("Summary for the board"),
    READINESS: gettext_lazy("Readiness"),
    STARTING_POINT: gettext_lazy("Starting point"),
    VISION: gettext_lazy("Our vision on learning"),
    GOALS: gettext_lazy("Goals and the golden thread"),
    OWNERSHIP: gettext_lazy("Ownership in all layers"),
    PILOTS: gettext_lazy("Pilots and decisions"),
    ROADMAP: gettext_lazy("Roadmap"),
    DEFINITIONS: gettext_lazy("Appendix: definitions and sources"),
}
ORDER = [SUMMARY, READINESS, STARTING_POINT, VISION, GOALS, OWNERSHIP, PILOTS, ROADMAP, DEFINITIONS]
LIST_LIMIT = 12  # rows of a long list that a board document shows; the rest is counted


def _first(text: str) -> str:
    return _("What to do first: %(action)s.") % {"action": text[:1].lower() + text[1:]}


def _empty(key: str, action: str, why: str) -> Section:
    return Section(key, str(TITLES[key]), [Paragraph(why), Paragraph(_first(action), note=True)], has_data=False)


def _bar_chart(title: str, bars: list[Bar], alt: str, maximum: float) -> Chart:
    """A chart whose alternative text lists every bar: `alt` has a %(list)s placeholder."""
    return Chart(title, bars, alt % {"list": "; ".join(f"{bar.label} {bar.text}" for bar in bars)}, maximum)


def _period(start: datetime.date | None, end: datetime.date | None) -> str:
    if start and end:
        return _("%(start)s to %(end)s") % {"start": formatting.date(start), "end": formatting.date(end)}
    if start:
        return _("from %(start)s") % {"start": formatting.date(start)}
    return formatting.MISSING


def _more(total: int, shown: int) -> list[Paragraph]:
    if total <= shown:
        return []
    return [Paragraph(_("… and %(n)d more.") % {"n": total - shown}, note=True)]


# --- readiness (the scan) ------------------------------------------------------------


def readiness(organization, today: datetime.date) -> Section:
    closed = list(
        ScanRound.objects.filter(organization=organization, status=ScanRound.Status.CLOSED).order_by(
            "-closed_at", "-pk"
        )
    )
    if not closed:
        action = scan_journey.report(organization).next_action
        return _empty(READINESS, action, _("No scan round has been closed yet, so there are no readiness results."))
    language = formatting.locale().language
    result = scan_results.round_results(closed[0], language)
    overall = result.overall
    blocks = [
        Paragraph(
            _("From the scan round “%(round)s”, closed on %(date)s, with %(count)s respondents.")
            % {
                "round": closed[0].title,
                "date": formatting.date(closed[0].closed_at, "long"),
                "count": overall.respondents,
            }
        )
    ]
    figures = []
    if overall.shown and overall.overall is not None:
        level = str(scoring.LEVEL_LABELS[overall.level])
        blocks.append(
            Paragraph(
                _("The overall score is %(score)s of 100: level “%(level)s”. %(description)s")
                % {"score": overall.overall, "level": level, "description": scoring.LEVEL_DESCRIPTIONS[overall.level]}
            )
        )
        figures += [
            Figure("readiness.overall", _("Readiness score (of 100)"), str(overall.overall), overall.overall),
            Figure("readiness.level", _("Readiness level"), level),
        ]
    else:
        blocks.append(Paragraph(overall.reason or _("Too few respondents to show a score."), note=True))
    layers = [group for group in result.layers if group.shown]
    columns = [_("Dimension"), _("Everyone")] + [group.label for group in layers]
    rows = []
    for dimension in result.dimensions:
        cells = [overall.dimensions.get(dimension.id)] + [group.dimensions.get(dimension.id) for group in layers]
        rows.append([dimension.name] + [formatting.MISSING if c is None else str(c) for c in cells])
        score = overall.dimensions.get(dimension.id)
        if score is not None:
            figures.append(Figure(f"readiness.dimension.{dimension.id}", dimension.name, str(score), score))
    blocks.append(Table(columns, rows, _("Score per dimension and layer (0–100)"), frozenset(range(1, len(columns)))))
    scored = [(d.name, overall.dimensions.get(d.id)) for d in result.dimensions]
    bars = [Bar(name, float(score), str(score)) for name, score in scored if score is not None]
    if bars:
        blocks.append(
            _bar_chart(
                _("Readiness per dimension, everyone (0–100)"),
                bars,
                _("Bar chart of the readiness score per dimension: %(list)s."),
                100,
            )
        )
    hidden = [group for group in result.layers if not group.shown and group.reason]
    if hidden:
        blocks.append(
            Paragraph(
                _("Not shown: %(layers)s (to keep respondents anonymous).")
                % {"layers": "; ".join(f"{g.label} — {g.reason}" for g in hidden)},
                note=True,
            )
        )
    if result.gaps:
        blocks += [Heading(_("Perception gaps")), Bullets([gap["text"] for gap in result.gaps])]
    if len(closed) > 1:
        points = scan_results.trend(organization, language)
        blocks += [
            Heading(_("Trend")),
            Table(
                [_("Round"), _("Closed on"), _("Overall score")],
                [
                    [
                        point["round"].title,
                        formatting.date(point["round"].closed_at),
                        str(point["overall"].overall) if point["overall"].shown else _("not shown"),
                    ]
                    for point in points
                ],
                numeric=frozenset({2}),
            ),
        ]
    definitions = [
        (
            _("Readiness score"),
            _(
                "Mean of the answered statements of a dimension on a scale of 0 (strongly disagree) to 100 "
                "(strongly agree); “don't know” does not count. Source: the readiness scan, round “%(round)s”."
            )
            % {"round": closed[0].title},
        ),
        (
            _("Anonymity"),
            _("A layer or a score is shown only from %(n)d respondents on; smaller groups are left out.")
            % {"n": result.threshold},
        ),
    ]
    return Section(READINESS, str(TITLES[READINESS]), blocks, True, figures, definitions)


# --- starting point (the inventory) -----------------------------------------------------


def starting_point(organization, today: datetime.date) -> Section:
    analysis = inventory_selectors.analysis(organization)
    if not analysis.activity_count:
        action = inventory_journey.report(organization).next_action
        return _empty(STARTING_POINT, action, _("No learning activities have been recorded yet."))
    shares = analysis.shares
    blocks: list = [Paragraph(sentence) for sentence in inventory_selectors.starting_point(analysis)]
    figures = [
        Figure("inventory.activities", _("Learning activities"), formatting.number(analysis.activity_count, 0),
               analysis.activity_count),
        Figure("inventory.spend", _("Spend on learning"), formatting.money(analysis.total_spend, cents=False),
               float(analysis.total_spend)),
    ]  # fmt: skip
    coherence_rows = []
    for key, label, share in (
        ("inventory.with_goal", _("States a goal"), shares.with_goal),
        ("inventory.measured", _("Has a measured result"), shares.with_measured_result),
        ("inventory.linked", _("Linked to a learning goal"), shares.linked_to_goal),
    ):
        if share is None or share.percent is None:
            continue
        text = formatting.percent(share.count / share.total)
        coherence_rows.append([label, formatting.number(share.count, 0), text])
        figures.append(
            Figure(key, _("Activities: %(what)s") % {"what": label.lower()}, text, share.count / share.total)
        )
    blocks += [
        Heading(_("Coherence")),
        Table([_("Activities that…"), _("Number"), _("Share")], coherence_rows, numeric=frozenset({1, 2})),
    ]
    labels = dict(Initiator.choices)
    total = analysis.total_spend
    if analysis.by_initiator:
        rows, bars = [], []
        for row in analysis.by_initiator:
            label = str(labels.get(row.key) or _("Unknown"))
            share = float(row.spend / total) if total else 0.0
            rows.append(
                [
                    label,
                    formatting.number(row.activities, 0),
                    formatting.money(row.spend, cents=False),
                    formatting.percent(share),
                    formatting.number(row.hours, 0),
                ]
            )
            bars.append(Bar(label, share, formatting.percent(share)))
            figures.append(Figure(f"inventory.initiator.{row.key}", _("Spend initiated by %(who)s") % {"who": label},
                                  formatting.percent(share), share))  # fmt: skip
        blocks += [
            Heading(_("Spend by initiator")),
            Table(
                [_("Initiator"), _("Activities"), _("Spend"), _("Share of spend"), _("Hours booked")],
                rows,
                numeric=frozenset({1, 2, 3, 4}),
            ),
            _bar_chart(
                _("Share of the spend by initiator"),
                bars,
                _("Bar chart of the share of the spend per initiator: %(list)s."),
                1.0,
            ),
        ]
    if analysis.overlap_groups:
        saving = _("%(low)s to %(high)s") % {
            "low": formatting.money(analysis.overlap_saving_low, cents=False),
            "high": formatting.money(analysis.overlap_saving_high, cents=False),
        }
        blocks += [
            Heading(_("Overlapping activities")),
            Paragraph(
                _(
                    "%(groups)d groups of similar activities were bought separately, together %(spend)s; "
                    "combining them could save an estimated %(saving)s."
                )
                % {
                    "groups": analysis.overlap_groups,
                    "spend": formatting.money(analysis.overlap_spend, cents=False),
                    "saving": saving,
                }
            ),
            Table(
                [_("Topic"), _("Activities"), _("Spend"), _("Possible saving")],
                [
                    [
                        group.label,
                        formatting.number(group.count, 0),
                        formatting.money(group.spend, cents=False),
                        _("%(low)s to %(high)s")
                        % {
                            "low": formatting.money(group.saving_low, cents=False),
                            "high": formatting.money(group.saving_high, cents=False),
                        },
                    ]
                    for group in analysis.overlaps[:LIST_LIMIT]
                ],
                numeric=frozenset({1, 2}),
            ),
            *_more(analysis.overlap_groups, min(LIST_LIMIT, len(analysis.overlaps))),
        ]
        figures.append(Figure("inventory.overlap_spend", _("Spend on overlapping activities"),
                              formatting.money(analysis.overlap_spend, cents=False), float(analysis.overlap_spend)))  # fmt: skip
    definitions = [
        (_("Spend"), _("The sum of the recorded costs of the learning activities in the inventory (step 1).")),
        (
            _("Overlapping activities"),
            _("Activities with near-identical titles bought by different teams or from different providers."),
        ),
        (_("Hours booked"), _("Hours per participant times the participants, whatever their status.")),
    ]
    return Section(STARTING_POINT, str(TITLES[STARTING_POINT]), blocks, True, figures, definitions)


# --- vision ---------------------------------------------------------------------------------


def vision(organization, today: datetime.date) -> Section:
    approved = approved_vision(organization)
    if approved is None:
        return _empty(
            VISION, vision_journey.report(organization).next_action, _("The board has not approved a vision yet.")
        )
    status = _("Version %(number)d of the round “%(round)s”, approved by the board on %(date)s.") % {
        "number": approved.version,
        "round": approved.round_title,
        "date": formatting.date(approved.approved_at, "long"),
    }
    blocks: list = [Paragraph(status, note=True)]
    blocks += [Paragraph(part.strip()) for part in approved.text.split("\n\n") if part.strip()]
    figures = [Figure("vision.version", _("Approved vision version"), f"v{approved.version}", approved.version)]
    support = approved.support
    rows, bars = [], []
    for row in support:
        if not row.shown or row.summary is None or row.summary.support_share is None:
            continue
        share = row.summary.support_share
        rows.append(
            [
                row.label,
                formatting.number(row.summary.count, 0),
                formatting.percent(share),
                formatting.number(row.summary.mean, 1),
                formatting.number(row.summary.blocks, 0),
            ]
        )
        bars.append(Bar(row.label, share, formatting.percent(share)))
        figures.append(Figure(f"vision.support.{row.layer}", _("Support for the vision: %(layer)s") % {"layer": row.label},
                              formatting.percent(share), share))  # fmt: skip
    if rows:
        blocks += [
            Heading(_("Support per layer")),
            Table(
                [_("Layer"), _("Responses"), _("Support (4–5)"), _("Mean (1–5)"), _("Cannot live with it")],
                rows,
                numeric=frozenset({1, 2, 3, 4}),
            ),
            _bar_chart(
                _("Support for the vision per layer"),
                bars,
                _("Bar chart of the share of each layer supporting the vision: %(list)s."),
                1.0,
            ),
        ]
        hidden = [row.label for row in support if not row.shown]
        if hidden:
            blocks.append(
                Paragraph(
                    _("Not shown, too few responses to stay anonymous: %(layers)s.") % {"layers": ", ".join(hidden)},
                    note=True,
                )
            )
    else:
        blocks.append(Paragraph(_("No layer has endorsed this version in enough numbers to show."), note=True))
    definitions = [
        (
            _("Support"),
            _(
                "Share of a layer's responses to the endorsement round at level 4 (support with reservations) "
                "or 5 (full support) of five; a layer is shown only with enough responses to stay anonymous. "
                "Source: step 2, vision version %(number)d."
            )
            % {"number": approved.version},
        )
    ]
    return Section(VISION, str(TITLES[VISION]), blocks, True, figures, definitions)


# --- goals (the golden thread) ----------------------------------------------------------------


def goals(organization, today: datetime.date) -> Section:
    thread = thread_for(organization)
    if not thread.strategic_goals and not thread.learning_goals:
        action = alignment_journey.report(organization).next_action
        return _empty(GOALS, action, _("No strategic goals or learning goals have been written down yet."))
    period = gt.strategy_period(thread)
    spend, hours = gt.aligned_share(thread, gt.SPEND, period), gt.aligned_share(thread, gt.HOURS, period)
    gaps = gt.gaps(thread)
    learning_of = thread.strategic_goals_of_learning_goal()
    per_goal: dict[int, int] = {}
    for sg_ids in learning_of.values():
        for sg_id in sg_ids:
            per_goal[sg_id] = per_goal.get(sg_id, 0) + 1
    figures = [
        Figure("goals.strategic_goals", _("Strategic goals"), formatting.number(len(thread.strategic_goals), 0),
               len(thread.strategic_goals)),
        Figure("goals.learning_goals", _("Learning goals"), formatting.number(len(thread.learning_goals), 0),
               len(thread.learning_goals)),
    ]  # fmt: skip
    blocks: list = []
    if spend.total:
        blocks.append(
            Paragraph(
                _("%(share)s of the learning spend (%(aligned)s of %(total)s) serves a learning goal of the strategy.")
                % {
                    "share": formatting.percent(spend.share),
                    "aligned": formatting.money(spend.aligned, cents=False),
                    "total": formatting.money(spend.total, cents=False),
                }
            )
        )
        figures.append(Figure("goals.aligned_spend", _("Aligned spend"), formatting.percent(spend.share), spend.share))
    if hours.total:
        figures.append(Figure("goals.aligned_hours", _("Aligned hours"), formatting.percent(hours.share), hours.share))
    if spend.total or hours.total:
        bars = [Bar(_("Spend"), spend.share, formatting.percent(spend.share)),
                Bar(_("Hours"), hours.share, formatting.percent(hours.share))]  # fmt: skip
        blocks.append(
            Chart(
                _("Share of the learning aligned with strategy"),
                bars,
                _("Bar chart: %(spend)s of the spend and %(hours)s of the hours serve a strategic learning goal.")
                % {"spend": bars[0].text, "hours": bars[1].text},
                maximum=1.0,
            )
        )
    if thread.strategic_goals:
        blocks += [
            Heading(_("Strategic goals")),
            Table(
                [_("Strategic goal"), _("Period"), _("Learning goals")],
                [
                    [
                        goal.title,
                        _period(goal.period_start, goal.period_end) if goal.period_end else formatting.MISSING,
                        formatting.number(per_goal.get(goal.id, 0), 0),
                    ]
                    for goal in thread.strategic_goals[:LIST_LIMIT]
                ],
                numeric=frozenset({2}),
            ),
            *_more(len(thread.strategic_goals), LIST_LIMIT),
        ]
    kpis = kpis_with_status(organization)
    if kpis:
        on_track = sum(1 for _kpi, assessment in kpis if assessment.status == KpiStatus.ON_TRACK)
        figures += [
            Figure("goals.kpis", _("KPIs"), formatting.number(len(kpis), 0), len(kpis)),
            Figure("goals.kpis_on_track", _("KPIs on track"), formatting.number(on_track, 0), on_track),
        ]
        rows = []
        for kpi, assessment in kpis[:LIST_LIMIT]:
            latest = assessment.latest
            rows.append(
                [
                    kpi.name,
                    formatting.number(kpi.baseline_value),
                    _("%(value)s by %(date)s")
                    % {"value": formatting.number(kpi.target_value), "date": formatting.date(kpi.target_date)},
                    formatting.number(latest.value) if latest else formatting.MISSING,
                    str(assessment.status.label),
                ]
            )
        blocks += [
            Heading(_("KPIs")),
            Table([_("KPI"), _("Baseline"), _("Target"), _("Latest"), _("Status")], rows, numeric=frozenset({1, 3})),
            *_more(len(kpis), LIST_LIMIT),
        ]
    gap_lines = []
    titles = {sg.id: sg.title for sg in thread.strategic_goals}
    if gaps.strategic_goals_without_learning_goals:
        names = ", ".join(titles[i] for i in gaps.strategic_goals_without_learning_goals[:5])
        gap_lines.append(_("Strategic goals without a learning goal: %(names)s.") % {"names": names})
    if gaps.learning_goals_without_activities:
        gap_lines.append(
            _("Learning goals without an activity: %(n)d.") % {"n": len(gaps.learning_goals_without_activities)}
        )
    if gaps.activities_without_learning_goals:
        gap_lines.append(
            _("Activities that serve no learning goal: %(n)d.") % {"n": len(gaps.activities_without_learning_goals)}
        )
    figures.append(Figure("goals.unlinked_activities", _("Activities serving no learning goal"),
                          formatting.number(len(gaps.activities_without_learning_goals), 0),
                          len(gaps.activities_without_learning_goals)))  # fmt: skip
    if gap_lines:
        blocks += [Heading(_("Gaps in the golden thread")), Bullets(gap_lines)]
    definitions = [
        (
            _("Aligned spend"),
            _(
                "Cost of the activities that serve a learning goal linked to an active strategic goal, as a share of "
                "the cost of all activities starting within the strategy period. Source: step 3 with the inventory."
            ),
        ),
        (
            _("KPI status"),
            _(
                "On track when the trend of the measurements reaches the planned path from baseline to target, "
                "within its noise; at risk or off track when it falls short."
            ),
        ),
    ]
    return Section(GOALS, str(TITLES[GOALS]), blocks, True, figures, definitions)


# --- ownership (step 4) -----------------------------------------------------------------------------


def _share(share) -> str:
    return formatting.percent(share.value) if share is not None and share.value is not None else formatting.MISSING


def ownership(organization, today: datetime.date) -> Section:
    summary = ownership_selectors.policy_summary(organization, today.year)
    pops_known = sum(n or 0 for n in summary.pop_states.values())
    pops_hidden = any(n is None for n in summary.pop_states.values())
    if not summary.team_plans.part and not pops_known and not pops_hidden:
        return _empty(
            OWNERSHIP,
            ownership_journey.report(organization).next_action,
            _("No team learning plan or personal development plan has been made this year (%(year)d).")
            % {"year": summary.year},
        )
    blocks: list = [
        Paragraph(
            _("Team learning plans in %(year)d: %(part)d of %(whole)d teams have a current plan (%(share)s).")
            % {"year": summary.year, "part": summary.team_plans.part, "whole": summary.team_plans.whole,
               "share": _share(summary.team_plans)}
        )
    ]  # fmt: skip
    overall = summary.pops.overall
    if overall is None:
        blocks.append(
            Paragraph(
                _("Personal development plans: too few people to show the coverage (fewer than %(n)d).")
                % {"n": summary.pops.minimum},
                note=True,
            )
        )
    else:
        blocks.append(
            Paragraph(
                _("Personal development plans: %(share)s of the members have an agreed plan (%(part)d of %(whole)d).")
                % {"share": _share(overall), "part": overall.part, "whole": overall.whole}
            )
        )
    initiatives = summary.initiatives.overall
    if initiatives.whole:
        blocks.append(
            Paragraph(
                _("%(share)s of the learning activities were started by managers or employees rather than HR alone.")
                % {"share": _share(initiatives)}
            )
        )
    bars = [
        Bar(label, share.value, _share(share))
        for label, share in (
            (_("Teams with a plan"), summary.team_plans),
            (_("Members with an agreed POP"), overall),
            (_("Started by managers or employees"), initiatives),
        )
        if share is not None and share.value is not None
    ]
    if bars:
        blocks.append(
            _bar_chart(_("Ownership indicators"), bars, _("Bar chart of the ownership indicators: %(list)s."), 1.0)
        )
    labels = dict(PopStatus.choices)
    blocks += [
        Heading(_("Personal development plans by state")),
        Table(
            [_("State"), _("Plans")],
            [
                [str(labels.get(state, state)), _("fewer than %(n)d") % {"n": summary.pops.minimum} if n is None
                 else formatting.number(n, 0)]
                for state, n in summary.pop_states.items()
            ],
            numeric=frozenset({1}),
        ),
        Heading(_("Who does what (RACI)")),
        Table(
            [_("Process")] + [label for _key, label in summary.layers],
            [[row.process] + [row.letters.get(key, "") or formatting.MISSING for key, _label in summary.layers]
             for row in summary.matrix],
        ),
    ]  # fmt: skip
    blocks += _hr_cycle(summary.cycle, summary.conversations)
    figures = [
        Figure("ownership.team_plans", _("Teams with a learning plan"), _share(summary.team_plans),
               summary.team_plans.value),
        Figure("ownership.initiatives", _("Activities started by managers or employees"), _share(initiatives),
               initiatives.value),
    ]  # fmt: skip
    if overall is not None:
        figures.append(Figure("ownership.pops", _("Members with an agreed POP"), _share(overall), overall.value))
    if summary.conversations is not None and summary.conversations.whole:
        figures.append(
            Figure("ownership.conversations", _("Conversations held with a learning follow-up"),
                   _share(summary.conversations), summary.conversations.value)
        )  # fmt: skip
    definitions = [
        (
            _("RACI"),
            _("R does the work, A decides and answers for it, C is consulted, I is informed. Source: step 4."),
        ),
        (
            _("POP coverage"),
            _(
                "Members with a personal development plan agreed with their manager this year, as a share of the "
                "members; teams and states below the anonymity threshold are not shown."
            ),
        ),
        (
            _("HR cycle"),
            _(
                "The conversations of the HR cycle (planning, progress, appraisal, onboarding) planned or held this "
                "year, as recorded in step 4 (Learning in the HR cycle); a conversation counts as held when its date "
                "held is recorded, and with a learning follow-up when the follow-up agreed in it was noted. A kind "
                "held with fewer than %(n)d members shows no count (nor, where needed, the next smallest), and no "
                "share of follow-ups is given while fewer than %(n)d members had a conversation held. The learning "
                "agenda and the onboarding template are those of step 4."
            )
            % {"n": summary.cycle.minimum},
        ),
    ]
    return Section(OWNERSHIP, str(TITLES[OWNERSHIP]), blocks, True, figures, definitions)


def _hr_cycle(cycle, conversations) -> list:
    """The HR cycle part of the ownership section: the kinds of conversation held this year
    with their counts (small ones hidden) and learning agenda, and the onboarding template."""
    blocks: list = [Heading(_("Learning in the HR cycle"))]
    hidden = _("hidden (small group)")
    if not cycle.kinds:
        blocks.append(Paragraph(_("No conversation of the HR cycle has been planned or held this year."), note=True))
    else:
        if conversations is not None and conversations.whole:
            blocks.append(
                Paragraph(
                    _("%(part)d of the %(whole)d conversations held this year had a learning follow-up (%(share)s).")
                    % {"part": conversations.part, "whole": conversations.whole, "share": _share(conversations)}
                )
            )
        blocks += [
            Table(
                [_("Conversation"), _("Held this year"), _("With a learning follow-up")],
                [
                    [kind.label, hidden if kind.held is None else formatting.number(kind.held, 0),
                     formatting.MISSING if kind.with_follow_up is None else formatting.number(kind.with_follow_up, 0)]
                    for kind in cycle.kinds
                ],
                numeric=frozenset({1, 2}),
            ),
            Heading(_("The learning agenda of each conversation"), level=3),
            Bullets([f"{kind.label}: {' '.join(kind.prompts)}" for kind in cycle.kinds]),
        ]  # fmt: skip
    steps = ", ".join(
        _("%(label)s (day %(days)d)") % {"label": label, "days": days} for label, days in cycle.onboarding
    )
    blocks += [
        Heading(_("Onboarding template"), level=3),
        Paragraph(
            _("A new member has three onboarding conversations after their first working day: %(steps)s.")
            % {"steps": steps}
        ),
        Paragraph(
            _("They start with a draft personal development plan with these goals: %(goals)s.")
            % {"goals": "; ".join(cycle.starter_goals)}
        ),
    ]
    return blocks


# --- pilots (step 5) ------------------------------------------------------------------------------


class Reads:
    """What more than one section reads, read once per document: the pilots' analysis feeds
    both their own section and the roadmap."""

    def __init__(self, organization):
        self.organization = organization

    @cached_property
    def pilots(self):
        return pilots_selectors.policy_summary(self.organization)


def pilots(organization, today: datetime.date, *, reads: Reads | None = None) -> Section:
    summary = (reads or Reads(organization)).pilots
    if not summary.pilots:
        return _empty(PILOTS, pilots_journey.report(organization).next_action, _("No pilot has been set up yet."))
    decided = [pilot for pilot in summary.pilots if pilot.decision]
    blocks: list = [
        Paragraph(
            ngettext(
                "%(n)d pilot tests learning in practice before it is scaled up; %(decided)d decided.",
                "%(n)d pilots test learning in practice before it is scaled up; %(decided)d decided.",
                len(summary.pilots),
            )
            % {"n": len(summary.pilots), "decided": len(decided)}
        ),
        Table(
            [_("Pilot"), _("Status"), _("Period"), _("Decision")],
            [
                [
                    pilot.title,
                    pilot.status,
                    _period(pilot.start, pilot.end),
                    pilot.decision or formatting.MISSING,
                ]
                for pilot in summary.pilots[:LIST_LIMIT]
            ],
        ),
        *_more(len(summary.pilots), LIST_LIMIT),
    ]
    for pilot in summary.pilots[:LIST_LIMIT]:
        blocks += [Heading(pilot.title, level=3), Paragraph(_("Hypothesis: %(text)s") % {"text": pilot.hypothesis})]
        if pilot.effects:
            blocks.append(
                Bullets([f"{effect.kpi}: {effect.verdict}. {effect.explanation}" for effect in pilot.effects])
            )
        if pilot.rule:
            blocks.append(
                Paragraph(_("Decision rule, set before the start: %(rule)s") % {"rule": pilot.rule}, note=True)
            )
        if pilot.decision:
            decision = _("Decision: %(decision)s.") % {"decision": pilot.decision}
            if pilot.decided_at:
                decision = _("Decision of %(date)s: %(decision)s.") % {
                    "date": formatting.date(pilot.decided_at),
                    "decision": pilot.decision,
                }
            blocks.append(Paragraph(f"{decision} {pilot.decision_reason}".strip()))
        if pilot.scale_up_start and pilot.scale_up_teams:
            blocks.append(
                Paragraph(
                    _("Scaled up to %(teams)s, %(period)s.")
                    % {
                        "teams": ", ".join(pilot.scale_up_teams),
                        "period": _period(pilot.scale_up_start, pilot.scale_up_end),
                    }
                )
            )
    if summary.lessons:
        blocks += [
            Heading(_("Lessons learned")),
            Bullets([f"{title}: {lessons}" for title, lessons in summary.lessons]),
        ]
    figures = [
        Figure("pilots.count", _("Pilots"), formatting.number(len(summary.pilots), 0), len(summary.pilots)),
        Figure("pilots.decided", _("Pilots decided"), formatting.number(len(decided), 0), len(decided)),
    ]
    definitions = [
        (
            _("Effect of a pilot"),
            _(
                "The change of the KPI in the pilot teams minus the change in the comparison teams, with its "
                "uncertainty; the decision follows the rule fixed before the pilot started. Source: step 5."
            ),
        )
    ]
    return Section(PILOTS, str(TITLES[PILOTS]), blocks, True, figures, definitions)


# --- roadmap ------------------------------------------------------------------------------------------------


def _roadmap_items(organization, today: datetime.date, reads: Reads) -> list[tuple[datetime.date, str, str]]:
    items: list[tuple[datetime.date, str, str]] = []
    for kpi, _assessment in kpis_with_status(organization):
        items.append(
            (
                kpi.target_date,
                _("KPI “%(name)s” reaches %(value)s")
                % {"name": kpi.name, "value": formatting.number(kpi.target_value)},
                _("Goals"),
            )
        )
    for title, deadline in LearningGoal.objects.filter(organization=organization, deadline__isnull=False).values_list(
        "title", "deadline"
    ):
        items.append((deadline, _("Learning goal “%(title)s” achieved") % {"title": title}, _("Goals")))
    for title, end in StrategicGoal.objects.filter(
        organization=organization, status=StrategicGoal.Status.ACTIVE, period_end__isnull=False
    ).values_list("title", "period_end"):
        items.append((end, _("End of the period of “%(title)s”") % {"title": title}, _("Goals")))
    for pilot in reads.pilots.pilots:
        if pilot.end and not pilot.decision:
            items.append(
                (pilot.end, _("Pilot “%(title)s” ends; evaluate and decide") % {"title": pilot.title}, _("Pilots"))
            )
        if pilot.scale_up_start and pilot.scale_up_teams:
            items.append(
                (
                    pilot.scale_up_start,
                    _("Scale-up of “%(title)s” starts in %(teams)s")
                    % {"title": pilot.title, "teams": ", ".join(pilot.scale_up_teams)},
                    _("Pilots"),
                )
            )
    latest = (
        ScanRound.objects.filter(organization=organization, status=ScanRound.Status.CLOSED)
        .order_by("-closed_at", "-pk")
        .first()
    )
    if latest is not None and latest.closed_at:
        closed = latest.closed_at.date()
        try:
            again = closed.replace(year=closed.year + 1)
        except ValueError:  # 29 February
            again = closed.replace(year=closed.year + 1, day=28)
        items.append((max(again, today), _("Repeat the readiness scan to see the trend"), _("Readiness")))
    return sorted((item for item in items if item[0] >= today), key=lambda item: (item[0], item[1]))


def roadmap(organization, today: datetime.date, *, reads: Reads | None = None) -> Section:
    items = _roadmap_items(organization, today, reads or Reads(organization))
    if not items:
        return _empty(
            ROADMAP,
            _("Give the KPIs target dates and the learning goals deadlines"),
            _("There are no dates ahead yet: no KPI target dates, learning goal deadlines, pilots or scan rounds."),
        )
    blocks = [
        Paragraph(_("What is planned from %(date)s on, in order of date.") % {"date": formatting.date(today, "long")}),
        Table(
            [_("Date"), _("Milestone"), _("Step")],
            [[formatting.date(day), text, str(step)] for day, text, step in items[: LIST_LIMIT * 2]],
        ),
        *_more(len(items), LIST_LIMIT * 2),
    ]
    figures = [Figure("roadmap.milestones", _("Milestones ahead"), formatting.number(len(items), 0), len(items))]
    definitions = [
        (
            _("Roadmap"),
            _(
                "KPI target dates, learning goal deadlines and strategy periods from step 3; the next scan a year after the last."
            ),
        )
    ]
    return Section(ROADMAP, str(TITLES[ROADMAP]), blocks, True, figures, definitions)


# --- the summary and the appendix, from the other sections -----------------------------------------------


def summary(sections: dict[str, Section], today: datetime.date) -> Section:
    """One page for the board from the figures of the other sections (whether or not they
    are in the document): where we stand, what we propose, what it costs, how we will know."""
    figures = {figure.key: figure for section in sections.values() for figure in section.figures}

    def value(key: str) -> str | None:
        found = figures.get(key)
        return found.value if found else None

    stand = []
    if value("readiness.overall"):
        stand.append(
            _("Readiness for a strategic learning policy: %(score)s of 100 (“%(level)s”).")
            % {"score": value("readiness.overall"), "level": value("readiness.level")}
        )
    if value("inventory.activities"):
        stand.append(
            _("%(count)s learning activities are recorded, costing %(spend)s.")
            % {"count": value("inventory.activities"), "spend": value("inventory.spend")}
        )
    if value("inventory.with_goal"):
        stand.append(_("%(share)s of them state a goal.") % {"share": value("inventory.with_goal")})
    propose = []
    if value("vision.version"):
        propose.append(
            _("A vision on learning (version %(version)s), approved by the board.")
            % {"version": value("vision.version")}
        )
    if value("goals.strategic_goals"):
        propose.append(
            _("%(sg)s strategic goals served by %(lg)s learning goals.")
            % {"sg": value("goals.strategic_goals"), "lg": value("goals.learning_goals")}
        )
    costs = []
    if value("inventory.spend"):
        costs.append(_("Current spend on learning: %(spend)s.") % {"spend": value("inventory.spend")})
    if value("goals.aligned_spend"):
        costs.append(_("Share of it aligned with the strategy: %(share)s.") % {"share": value("goals.aligned_spend")})
    if value("inventory.overlap_spend"):
        costs.append(
            _("Spent on overlapping activities, to be combined: %(spend)s.")
            % {"spend": value("inventory.overlap_spend")}
        )
    if value("ownership.team_plans"):
        propose.append(
            _("Managers own their team's development: %(share)s of the teams have a learning plan.")
            % {"share": value("ownership.team_plans")}
        )
    know = []
    if value("goals.kpis"):
        know.append(
            _("%(on_track)s of %(kpis)s KPIs are on track.")
            % {"on_track": value("goals.kpis_on_track"), "kpis": value("goals.kpis")}
        )
    if value("pilots.count"):
        know.append(
            _("%(n)s pilots test the approach in practice; %(decided)s have been decided.")
            % {"n": value("pilots.count"), "decided": value("pilots.decided")}
        )
    if value("roadmap.milestones"):
        know.append(_("%(n)s milestones ahead, listed in the roadmap.") % {"n": value("roadmap.milestones")})
    blocks: list = []
    not_yet = _("Not known yet: the steps that tell this have no data.")
    for heading, lines in (
        (_("Where we stand"), stand),
        (_("What we propose"), propose),
        (_("What it costs"), costs),
        (_("How we will know it works"), know),
    ):
        blocks += [Heading(heading), Bullets(lines) if lines else Paragraph(not_yet, note=True)]
    has_data = bool(stand or propose or costs or know)
    if not has_data:
        return _empty(SUMMARY, _("Start with the readiness scan or the inventory"), _("No step has data yet."))
    return Section(SUMMARY, str(TITLES[SUMMARY]), blocks, True)


def definitions(sections: list[Section], today: datetime.date) -> Section:
    items = [item for section in sections for item in section.definitions]
    intro = Paragraph(
        _("Every figure in this document was computed from the data in Leerkoers on %(date)s.")
        % {"date": formatting.date(today, "long")}
    )
    return Section(DEFINITIONS, str(TITLES[DEFINITIONS]), [intro, Definitions(items)] if items else [intro], True)


@dataclass(frozen=True)
class Builder:
    key: str
    build: Callable[..., Section]
    shares_reads: bool = False  # takes `reads=`: what it reads with other sections, read once

    def __call__(self, organization, today: datetime.date, reads: Reads) -> Section:
        if self.shares_reads:
            return self.build(organization, today, reads=reads)
        return self.build(organization, today)


# The sections built from a step's data, in their default order (summary and appendix aside).
STEP_BUILDERS = [
    Builder(READINESS, readiness),
    Builder(STARTING_POINT, starting_point),
    Builder(VISION, vision),
    Builder(GOALS, goals),
    Builder(OWNERSHIP, ownership),
    Builder(PILOTS, pilots, shares_reads=True),
    Builder(ROADMAP, roadmap, shares_reads=True),
]
