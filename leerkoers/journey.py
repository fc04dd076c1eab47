"""The journey: the steps of Leerkoers that exist, in their order, each with its reporter.

A step is added by one line in STEPS and a `journey.py` in its app with
`reports(organizations) -> {organisation pk: leerkoers.lib.journey.StepReport}`, a fixed
number of queries for any number of organisations (the advisor's overview shows every
client), and `report(organization)`, its entry for one (see docs/architecture.md). What
is planned but not built is in COMING: the journey page names it as coming, without a
status or a link. Nothing registers itself; this list is the whole journey.
"""

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from leerkoers.alignment import journey as alignment
from leerkoers.inventory import journey as inventory
from leerkoers.lib.journey import Status, StepReport
from leerkoers.orgs.access import EVERYONE, LEADERSHIP, LEADERSHIP_AND_MANAGERS, STEERING
from leerkoers.ownership import journey as ownership
from leerkoers.pilots import journey as pilots
from leerkoers.policy import journey as policy
from leerkoers.scan import journey as scan
from leerkoers.vision import journey as vision


@dataclass(frozen=True)
class Step:
    key: str  # the app's label; the navigation marks the step whose namespace is shown
    number: int | None  # None for the scan and the policy document
    title: str
    summary: str
    url_name: str  # namespaced URL taking org_slug
    report: Callable[..., StepReport]  # of one organisation
    short_title: str = ""  # in the navigation bar, where the full title does not fit
    # Of many organisations at once ({pk: StepReport}); without it, `report` runs per organisation.
    reports: Callable[..., dict[int, StepReport]] | None = None
    _: KW_ONLY
    # Who sees what of the step, by role rule of leerkoers.orgs.access (required): `readers`
    # open its page (the read rule of the view behind `url_name`; leerkoers/orgs/tests/test_journey_roles.py
    # checks they agree), `figure_readers` read its figures (as its pages show them), `actors`
    # take its next action (the rule of the pages that do it). Someone outside `readers` sees
    # the step's title and status only, without a link.
    readers: frozenset
    figure_readers: frozenset
    actors: frozenset

    def reports_for(self, organizations) -> dict[int, StepReport]:
        if self.reports is not None:
            return self.reports(organizations)
        return {org.pk: self.report(org) for org in organizations}

    def for_role(self, report: StepReport, role: str) -> StepReport:
        """`report` as the role may read it: figures and next action only where its rules allow."""
        reads = role in self.readers
        return StepReport(
            report.status,
            list(report.figures) if reads and role in self.figure_readers else [],
            report.next_action if reads and role in self.actors else "",
        )


@dataclass(frozen=True)
class ComingStep:
    number: int | None
    title: str
    summary: str


STEPS: list[Step] = [
    Step(
        "scan",
        None,
        _("Readiness scan"),
        _("Find out where the organisation stands, layer by layer."),
        "scan:index",
        scan.report,
        reports=scan.reports,
        readers=EVERYONE,
        figure_readers=LEADERSHIP,  # the overall score and level are scan results
        actors=STEERING,
    ),
    Step(
        "inventory",
        1,
        _("Map the current situation"),
        _("Which learning activities are there, who starts them, and what do they deliver?"),
        "inventory:index",
        inventory.report,
        _("Current situation"),
        reports=inventory.reports,
        readers=LEADERSHIP,
        figure_readers=LEADERSHIP,
        actors=STEERING,
    ),
    Step(
        "vision",
        2,
        _("A shared vision on learning"),
        _("Agree with every layer what learning should achieve here."),
        "vision:index",
        vision.report,
        _("Vision"),
        reports=vision.reports,
        readers=EVERYONE,
        figure_readers=EVERYONE,
        actors=STEERING,
    ),
    Step(
        "alignment",
        3,
        _("Link learning goals to strategy"),
        _("Tie learning goals to strategic goals and KPIs."),
        "alignment:index",
        alignment.report,
        _("Goals and strategy"),
        reports=alignment.reports,
        readers=EVERYONE,
        figure_readers=EVERYONE,
        actors=LEADERSHIP,
    ),
    Step(
        "ownership",
        4,
        _("Ownership in all layers"),
        _("Managers, employees and HR each own their part."),
        "ownership:index",
        ownership.report,
        _("Ownership"),
        reports=ownership.reports,
        readers=EVERYONE,
        figure_readers=LEADERSHIP_AND_MANAGERS,  # the indicators of the step page
        actors=STEERING,
    ),
    Step(
        "pilots",
        5,
        _("Start small, test and learn"),
        _("Pilots tied to KPIs: evaluate, then scale up, adjust or stop."),
        "pilots:index",
        pilots.report,
        _("Pilots"),
        reports=pilots.reports,
        readers=EVERYONE,
        figure_readers=EVERYONE,
        actors=LEADERSHIP,
    ),
    Step(
        "policy",
        None,
        _("Learning policy document"),
        _("The policy plan, assembled from all steps."),
        "policy:index",
        policy.report,
        _("Policy plan"),
        reports=policy.reports,
        readers=LEADERSHIP,
        figure_readers=LEADERSHIP,
        actors=LEADERSHIP,
    ),
]

COMING: list[ComingStep] = []


@dataclass(frozen=True)
class JourneyStep:
    definition: Step
    report: StepReport
    url: str


def journey_for(organization, role: str) -> list[JourneyStep]:
    """Every step with its report for `organization`, as `role` may read it."""
    return journeys_for([organization], role)[organization.pk]


def journeys_for(organizations, role: str) -> dict[int, list[JourneyStep]]:
    """Every step with its report, per organisation (by pk), as `role` may read it (see
    `Step.for_role`; a step the role cannot open has no url): each step's batched reporter
    runs once for all of them, so the queries do not grow with the number of organisations."""
    reports = [(step, step.reports_for(organizations)) for step in STEPS]
    return {
        org.pk: [
            JourneyStep(
                step,
                step.for_role(found[org.pk], role),
                reverse(step.url_name, kwargs={"org_slug": org.slug}) if role in step.readers else "",
            )
            for step, found in reports
        ]
        for org in organizations
    }


def steps_for(role: str | None) -> list[Step]:
    """The steps whose page `role` may open (the navigation's links)."""
    return [step for step in STEPS if role in step.readers]


def next_actions(steps: list[JourneyStep], limit: int = 3) -> list[JourneyStep]:
    """The open actions that most improve the policy document, best first, at most `limit`.

    The rule: a step without any data leaves a whole section of the document saying "what
    to do first", so it ranks before a step in progress, whose section already has
    something; within each group the route's order decides, because each step builds on
    the ones before it. The document itself comes last: a new export only pays off after
    the other steps have moved. Done steps and steps without a next action are left out."""
    open_steps = [step for step in steps if step.report.status != Status.DONE and step.report.next_action]
    order = {step.definition.key: n for n, step in enumerate(steps)}

    def rank(step: JourneyStep) -> tuple[bool, bool, int]:
        last = step.definition.key == "policy"
        return (last, step.report.status != Status.NOT_STARTED, order[step.definition.key])

    return sorted(open_steps, key=rank)[:limit]


def progress_share(steps: list[JourneyStep], total: int | None = None) -> float:
    """Share of the journey done: a step in progress counts half. `total` is the number of
    steps the share is out of (the built ones and the coming ones by default)."""
    total = total if total is not None else len(STEPS) + len(COMING)
    if not total:
        return 0.0
    weight = {Status.DONE: 1.0, Status.IN_PROGRESS: 0.5, Status.NOT_STARTED: 0.0}
    return sum(weight[step.report.status] for step in steps) / total
