"""Reads of step 5: a pilot's KPI history per team (read-only over step 3's measurements),
its design check and its effect per KPI, and the summary the policy document uses.

Periods (docs/pilots.md): *before* is the baseline, measurements from `baseline_start`
(or any earlier date when it is empty) up to the day before `start`; *after* is from
`start` up to the last follow-up date or `end`, whichever is later (open when neither is set).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from statistics import median

from django.conf import settings
from django.db.models import Count, Prefetch
from django.utils import timezone

from leerkoers.alignment.models import Kpi, Measurement
from leerkoers.pilots import design, evaluation
from leerkoers.pilots.decision import Outcome, Roi, roi, rule_outcome, rule_text
from leerkoers.pilots.effect import team_change
from leerkoers.pilots.models import (
    Arm,
    EvaluationForm,
    EvaluationInvitation,
    EvaluationResponse,
    Pilot,
    PilotKpi,
    PilotTeam,
)

DEFAULT_BASELINE_MEASUREMENTS = 3


@dataclass(frozen=True)
class TeamSeries:
    team_id: int
    name: str
    arm: str
    points: list[tuple[date, float]]


@dataclass(frozen=True)
class KpiAnalysis:
    link: PilotKpi
    kpi: Kpi
    better: int
    series: list[TeamSeries]
    design: design.DesignCheck
    result: design.Result
    before_counts: dict[str, int]  # measurements before the start, per arm (raw counts)
    after_counts: dict[str, int]
    rule_says: str | None  # an Outcome value; None while the result is too early
    team_rows: list["TeamRow"] = field(default_factory=list)
    roi: Roi | None = None  # when the KPI has a money value per unit and there is an effect


@dataclass(frozen=True)
class TeamRow:
    name: str
    arm: str
    n_before: int
    mean_before: float | None
    n_after: int
    mean_after: float | None
    change: float | None


@dataclass(frozen=True)
class PilotAnalysis:
    pilot: Pilot
    pilot_teams: list[PilotTeam]
    comparison_teams: list[PilotTeam]
    kpis: list[KpiAnalysis] = field(default_factory=list)


def pilot_queryset(organization):
    return Pilot.objects.filter(organization=organization).prefetch_related(
        Prefetch("teams", queryset=PilotTeam.objects.select_related("team")),
        Prefetch("kpi_links", queryset=PilotKpi.objects.select_related("kpi")),
    )


def periods(pilot: Pilot) -> tuple[tuple[date | None, date | None], tuple[date | None, date | None]]:
    """((before from, before until), (after from, after until)), inclusive; None is open."""
    if pilot.start is None:
        return (pilot.baseline_start, None), (None, None)
    ends = [d for d in [pilot.end, *(_date(d) for d in pilot.follow_up_dates)] if d is not None]
    before_until = date.fromordinal(pilot.start.toordinal() - 1)
    return (pilot.baseline_start, before_until), (pilot.start, max(ends) if ends else None)


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _within(day: date, span: tuple[date | None, date | None]) -> bool:
    low, high = span
    return (low is None or day >= low) and (high is None or day <= high)


def _measurements(organization, kpi_ids, team_ids) -> dict[int, dict[int, list[tuple[date, float]]]]:
    found: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    rows = Measurement.objects.filter(organization=organization, kpi_id__in=kpi_ids, team_id__in=team_ids)
    for kpi_id, team_id, day, value in rows.order_by("date", "pk").values_list("kpi_id", "team_id", "date", "value"):
        found[kpi_id][team_id].append((day, float(value)))
    return found


def _cadence_days(series: list[TeamSeries]) -> float | None:
    gaps = [(b[0] - a[0]).days for s in series for a, b in zip(s.points, s.points[1:], strict=False) if b[0] > a[0]]
    return median(gaps) if gaps else None


def analyse(pilot: Pilot, *, today: date | None = None) -> PilotAnalysis:
    """Design check and effect for each KPI of a pilot from `pilot_queryset` (two queries
    beyond the prefetched ones)."""
    today = today or timezone.localdate()
    teams = list(pilot.teams.all())
    pilot_teams = [t for t in teams if t.arm == Arm.PILOT]
    comparison_teams = [t for t in teams if t.arm == Arm.COMPARISON]
    links = list(pilot.kpi_links.all())
    data = _measurements(pilot.organization, [link.kpi_id for link in links], [t.team_id for t in teams])
    before_span, after_span = periods(pilot)
    analysis = PilotAnalysis(pilot, pilot_teams, comparison_teams)
    for link in links:
        kpi = link.kpi
        better = 1 if kpi.direction == Kpi.Direction.HIGHER else -1
        series = [TeamSeries(t.team_id, t.team.name, t.arm, data[kpi.pk].get(t.team_id, [])) for t in teams]
        analysis.kpis.append(_kpi_analysis(pilot, link, kpi, better, series, before_span, after_span, today))
    return analysis


def _kpi_analysis(pilot, link, kpi, better, series, before_span, after_span, today) -> KpiAnalysis:
    started = pilot.start is not None and pilot.start <= today
    before = {s.team_id: [v for d, v in s.points if _within(d, before_span)] for s in series}
    after = {s.team_id: [v for d, v in s.points if started and _within(d, after_span)] for s in series}
    history = [[v for d, v in s.points if pilot.start is None or d < pilot.start] for s in series]
    sigma = design.pooled_spread(history)
    n_before = round(median([len(v) for v in before.values()])) if before and any(before.values()) else 0
    cadence = _cadence_days(series)
    n_after = n_before or DEFAULT_BASELINE_MEASUREMENTS
    if cadence and pilot.start and pilot.end and pilot.end > pilot.start:
        n_after = max(1, int((pilot.end - pilot.start).days // cadence))
    check = design.check(
        n_pilot=sum(1 for s in series if s.arm == Arm.PILOT),
        n_comparison=sum(1 for s in series if s.arm == Arm.COMPARISON),
        randomised=pilot.assignment == Pilot.Assignment.RANDOM,
        sigma=sigma,
        n_before=n_before or DEFAULT_BASELINE_MEASUREMENTS,
        n_after=n_after,
        unit=kpi.get_unit_display(),
    )
    changes = {arm: [] for arm in Arm.values}
    baselines = []
    for s in series:
        change = team_change(before[s.team_id], after[s.team_id])
        if change is not None:
            changes[s.arm].append(change)
            if s.arm == Arm.PILOT:
                baselines.append(sum(before[s.team_id]) / len(before[s.team_id]))
    result = design.verdict(
        pilot=changes[Arm.PILOT],
        comparison=changes[Arm.COMPARISON],
        better=better,
        pilot_baseline=sum(baselines) / len(baselines) if baselines else None,
        seed=pilot.pk or 0,
    )
    says = None
    if result.improvement is not None:
        low = min(better * result.interval.low, better * result.interval.high) if result.interval else None
        says = rule_outcome(pilot.rule, improvement=result.improvement, p_value=result.p_value, interval_low_better=low)
    counts = {
        name: {arm: sum(len(span[s.team_id]) for s in series if s.arm == arm) for arm in Arm.values}
        for name, span in (("before", before), ("after", after))
    }
    rows = [
        TeamRow(
            s.name,
            s.arm,
            len(before[s.team_id]),
            _mean(before[s.team_id]),
            len(after[s.team_id]),
            _mean(after[s.team_id]),
            team_change(before[s.team_id], after[s.team_id]),
        )
        for s in series
    ]
    money = None
    if link.value_per_unit is not None and result.improvement is not None:
        money = roi(
            improvement=Decimal(str(round(result.improvement, 4))),
            value_per_unit=link.value_per_unit,
            attribution=link.attribution,
            confidence=link.confidence,
            cost=pilot.cost,
            unit=kpi.get_unit_display(),
        )
    return KpiAnalysis(link, kpi, better, series, check, result, counts["before"], counts["after"], says, rows, money)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass(frozen=True)
class FormRow:
    form: EvaluationForm
    result: evaluation.FormResult
    questions: list[tuple[str, str, float | None]]  # key, question, mean (None when suppressed)
    personal_links: int = 0  # personal invitations sent (not how many were used: that is a count)
    asked: int | None = None  # personal invitations + people given the shared link


@dataclass(frozen=True)
class EvaluationReport:
    rows: list[FormRow]
    highest_level: int | None
    minimum: int


def evaluation_of(pilot: Pilot, kpis: list[KpiAnalysis]) -> EvaluationReport:
    """The pilot's forms with their response counts, rates and mean answers (small groups
    suppressed), and how far up the four levels the shown evidence reaches (three queries)."""
    forms = list(EvaluationForm.objects.filter(organization=pilot.organization, pilot=pilot))
    for f in forms:
        f.pilot = pilot  # is_open and the questions read it
    answers, link_answers = defaultdict(list), defaultdict(list)
    for form_id, given, verified in EvaluationResponse.objects.filter(
        organization=pilot.organization, form__pilot=pilot
    ).values_list("form_id", "answers", "verified"):
        (answers if verified else link_answers)[form_id].append(given)
    invited = dict(
        EvaluationInvitation.objects.filter(organization=pilot.organization, form__pilot=pilot)
        .values_list("form_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    people = {f.pk: (invited.get(f.pk, 0) + (f.invited or 0)) or None for f in forms}
    asked = {f.pk: evaluation.questions(f.level, f.audience, pilot.template) for f in forms}
    data = [
        evaluation.FormData(
            f.pk,
            f.level,
            f.audience,
            people[f.pk],
            [k for k, _q in asked[f.pk]],
            answers[f.pk],
            link_answers[f.pk],
        )
        for f in forms
    ]
    shown = any(k.result.verdict != design.Verdict.TOO_EARLY for k in kpis)
    result = evaluation.evaluate(data, minimum=settings.ANONYMITY_THRESHOLD, results_shown=shown)
    rows = [
        FormRow(
            f, r, [(key, str(text), r.means.get(key)) for key, text in asked[f.pk]], invited.get(f.pk, 0), people[f.pk]
        )
        for f, r in zip(forms, result.forms, strict=True)
    ]
    return EvaluationReport(rows, result.highest_level, result.minimum)


# --- for the policy document ---------------------------------------------------------------


@dataclass(frozen=True)
class PilotEffectSummary:
    kpi: str
    verdict: str  # a design.Verdict label, in the active language
    explanation: str  # the effect with its uncertainty in plain words


@dataclass(frozen=True)
class PilotSummary:
    title: str
    hypothesis: str
    status: str  # a Pilot.Status label
    start: date | None
    end: date | None
    effects: list[PilotEffectSummary]
    rule: str  # the decision rule in plain words
    decision: str  # an Outcome label, or ""
    decision_reason: str
    decided_at: date | None
    lessons: str
    scale_up_start: date | None
    scale_up_end: date | None
    scale_up_teams: list[str]


@dataclass(frozen=True)
class PolicySummary:
    pilots: list[PilotSummary]

    @property
    def lessons(self) -> list[tuple[str, str]]:
        """(pilot title, lessons) of every pilot that recorded them."""
        return [(p.title, p.lessons) for p in self.pilots if p.lessons.strip()]


def policy_summary(organization) -> PolicySummary:
    """Every pilot of the organisation with its hypothesis, status, effect per KPI with its
    uncertainty in plain words, decision and scale-up plan (for the policy document)."""
    pilots = list(pilot_queryset(organization).prefetch_related("follow_ups__teams__team"))
    summaries = []
    for pilot in pilots:
        analysis = analyse(pilot)
        follow_teams = [
            t.team.name for follow in pilot.follow_ups.all() for t in follow.teams.all() if t.arm == Arm.PILOT
        ]
        summaries.append(
            PilotSummary(
                title=pilot.title,
                hypothesis=pilot.hypothesis,
                status=str(pilot.get_status_display()),
                start=pilot.start,
                end=pilot.end,
                effects=[
                    PilotEffectSummary(k.kpi.name, str(k.result.verdict.label), k.result.explanation)
                    for k in analysis.kpis
                ],
                rule=rule_text(pilot.rule),
                decision=str(Outcome(pilot.decision).label) if pilot.decision else "",
                decision_reason=pilot.decision_reason,
                decided_at=timezone.localdate(pilot.decided_at) if pilot.decided_at else None,
                lessons=pilot.lessons,
                scale_up_start=pilot.scale_up_start,
                scale_up_end=pilot.scale_up_end,
                scale_up_teams=sorted(set(follow_teams)),
            )
        )
    return PolicySummary(summaries)
