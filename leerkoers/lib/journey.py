"""What a step reports to the journey page: a status derived from its data, key figures and
the next action. Each step's `<app>/journey.py` has `report(organization) -> StepReport`;
leerkoers/journey.py lists the steps."""

from dataclasses import dataclass, field

from django.db import models
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
