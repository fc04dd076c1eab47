"""The responsibility matrix: the template and its validation (pure, no database)."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from leerkoers.ownership.models import TEMPLATE_NAMES, Layer, Raci


@dataclass(frozen=True)
class TemplateRow:
    key: str
    name: str
    letters: dict[str, str]


def _row(key, board, hr, managers, employees) -> TemplateRow:
    letters = {"board": board, "hr": hr, "managers": managers, "employees": employees}
    return TemplateRow(key, TEMPLATE_NAMES[key], letters)


# A sensible start: HR runs the process, managers own their teams' part, the board decides
# money and policy, employees choose their own development.
TEMPLATE = [
    _row("needs_analysis", "I", "A", "R", "C"),
    _row("budget", "A", "R", "C", "I"),
    _row("activity_choice", "I", "C", "A", "R"),
    _row("planning", "I", "A", "R", "C"),
    _row("evaluation", "I", "A", "R", "C"),
    _row("policy", "A", "R", "C", "C"),
]
TEMPLATE_KEYS = frozenset(row.key for row in TEMPLATE)


def problems(name: str, letters: Mapping[str, str]) -> list[str]:
    """What is wrong with one row of the matrix, in the user's language; [] when it is valid.

    A row is valid with exactly one Accountable layer and at least one Responsible one, and
    only the letters R, A, C, I (or nothing) in the four layers.
    """
    found = []
    unknown = [value for value in letters.values() if value and value not in Raci.values]
    if unknown or set(letters) - set(Layer.values):
        found.append(_("“%(process)s”: use only R, A, C or I.") % {"process": name})
    accountable = sum(1 for value in letters.values() if value == Raci.ACCOUNTABLE)
    if accountable != 1:
        found.append(
            _("“%(process)s”: exactly one layer must be Accountable (A); now %(count)d.")
            % {"process": name, "count": accountable}
        )
    if not any(value == Raci.RESPONSIBLE for value in letters.values()):
        found.append(_("“%(process)s”: at least one layer must be Responsible (R).") % {"process": name})
    return found
