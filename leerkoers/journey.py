"""The journey: the steps of Leerkoers that exist, in their order, each with its reporter.

A step is added by one line in STEPS and a `journey.py` in its app with
`reports(organizations) -> {organisation pk: leerkoers.lib.journey.StepReport}`, a fixed
number of queries for any number of organisations (the advisor's overview shows every
client), and `report(organization)`, its entry for one (see docs/architecture.md). What
is planned but not built is in COMING: the journey page names it as coming, without a
status or a link. Nothing registers itself; this list is the whole journey.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from leerkoers.alignment import journey as alignment
from leerkoers.inventory import journey as inventory
from leerkoers.lib.journey import Status, StepReport
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

    def reports_for(self, organizations) -> dict[int, StepReport]:
        if self.reports is not None:
            return self.reports(organizations)
        return {org.pk: self.report(org) for org in organizations}


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
    ),
    Step(
        "ownership",
        4,
        _("Ownership in all layers"),
        _("Managers, employees and HR each own their part."),
        "ownership:index",
        ownership.report,
        _("Ownership"),
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
    ),
]

COMING: list[ComingStep] = []


@dataclass(frozen=True)
class JourneyStep:
    definition: Step
    report: StepReport
    url: str


def journey_for(organization) -> list[JourneyStep]:
    """Every step with its report for `organization`."""
    return journeys_for([organization])[organization.pk]


def journeys_for(organizations) -> dict[int, list[JourneyStep]]:
    """Every step with its report, per organisation (by pk): each step's batched reporter
    runs once for all of them, so the queries do not grow with the number of organisations."""
    reports = [(step, step.reports_for(organizations)) for step in STEPS]
    return {
        org.pk: [
            JourneyStep(step, found[org.pk], reverse(step.url_name, kwargs={"org_slug": org.slug}))
            for step, found in reports
        ]
        for org in organizations
    }


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
