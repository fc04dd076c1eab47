"""The journey: the readiness scan, five steps and the policy document.

Each step's app reports its own status and key figures by registering a function in its
AppConfig.ready():

    from leerkoers.orgs import journey
    journey.register("inventory", report_inventory)

where `report_inventory(organization) -> journey.StepReport`. The status is derived from
the data, never ticked by hand. A step whose app is not there yet shows "not started".
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from leerkoers.lib import formatting


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


@dataclass(frozen=True)
class Figure:
    label: str
    value: str


def count(n: int | None) -> str:
    """A count as the user's language writes it (20.000 / 20,000); see leerkoers.lib.formatting."""
    return formatting.number(n or 0, 0)


def percent(share: float) -> str:
    """A share between 0 and 1 as a whole percentage, the same way on every step."""
    return formatting.percent(share)


@dataclass(frozen=True)
class StepReport:
    status: Status
    figures: list[Figure] = field(default_factory=list)
    next_action: str = ""


@dataclass(frozen=True)
class StepDefinition:
    key: str
    number: int | None  # None for the scan and the policy document
    title: str
    summary: str
    url_name: str  # namespaced URL taking org_slug
    short_title: str = ""  # in the navigation bar, where the full title does not fit


STEPS: list[StepDefinition] = [
    StepDefinition(
        "scan",
        None,
        _("Readiness scan"),
        _("Find out where the organisation stands, layer by layer."),
        "scan:index",
    ),
    StepDefinition(
        "inventory",
        1,
        _("Map the current situation"),
        _("Which learning activities are there, who starts them, and what do they deliver?"),
        "inventory:index",
        _("Current situation"),
    ),
    StepDefinition(
        "vision",
        2,
        _("A shared vision on learning"),
        _("Agree with every layer what learning should achieve here."),
        "vision:index",
        _("Vision"),
    ),
    StepDefinition(
        "alignment",
        3,
        _("Link learning goals to strategy"),
        _("Tie learning goals to strategic goals and KPIs."),
        "alignment:index",
        _("Goals and strategy"),
    ),
    StepDefinition(
        "ownership",
        4,
        _("Ownership in all layers"),
        _("Managers, employees and HR each own their part."),
        "ownership:index",
        _("Ownership"),
    ),
    StepDefinition(
        "pilots",
        5,
        _("Start small, test and learn"),
        _("Pilots tied to KPIs: evaluate, then scale up, adjust or stop."),
        "pilots:index",
        _("Pilots"),
    ),
    StepDefinition(
        "policy",
        None,
        _("Learning policy document"),
        _("The policy plan, assembled from all steps."),
        "policy:index",
        _("Policy plan"),
    ),
]

_REPORTERS: dict[str, Callable] = {}


def register(key: str, reporter: Callable) -> None:
    if key not in {step.key for step in STEPS}:
        raise ValueError(f"Unknown journey step {key!r}")
    _REPORTERS[key] = reporter


@dataclass(frozen=True)
class JourneyStep:
    definition: StepDefinition
    report: StepReport
    url: str | None
    available: bool


def journey_for(organization) -> list[JourneyStep]:
    steps = []
    for definition in STEPS:
        reporter = _REPORTERS.get(definition.key)
        report = reporter(organization) if reporter else StepReport(Status.NOT_STARTED)
        try:
            url = reverse(definition.url_name, kwargs={"org_slug": organization.slug})
        except NoReverseMatch:
            url = None
        steps.append(JourneyStep(definition, report, url, available=reporter is not None))
    return steps


def progress_share(steps: list[JourneyStep]) -> float:
    """Share of the journey done: a step in progress counts half."""
    if not steps:
        return 0.0
    weight = {Status.DONE: 1.0, Status.IN_PROGRESS: 0.5, Status.NOT_STARTED: 0.0}
    return sum(weight[step.report.status] for step in steps) / len(steps)
