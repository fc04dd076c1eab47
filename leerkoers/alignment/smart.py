"""The SMART check of a learning goal: which parts are there and which are missing.

Pure function over plain values, so the guided form, the detail page and the API share it.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

MIN_BEHAVIOUR_WORDS = 3


@dataclass(frozen=True)
class Check:
    key: str
    letter: str  # S, M, A, R or T
    ok: bool
    label: str
    advice: str  # what to add when not ok


def smart_check(
    *,
    who: str,
    behaviour: str,
    measure: str,
    deadline: date | None,
    has_target_groups: bool,
    strategic_goal_count: int,
    today: date,
) -> list[Check]:
    """One Check per SMART element; `ok` False says what is missing and how to fix it."""
    words = re.findall(r"\w+", behaviour or "")
    return [
        Check(
            "who",
            "S",
            bool((who or "").strip()) or has_target_groups,
            _("Who learns"),
            _("Say who learns: describe the group, or choose teams or roles."),
        ),
        Check(
            "behaviour",
            "S",
            len(words) >= MIN_BEHAVIOUR_WORDS,
            _("Which behaviour or skill"),
            _("Describe in a few words what people will do differently or be able to do."),
        ),
        Check(
            "measure",
            "M",
            bool((measure or "").strip()),
            _("How it is measured"),
            _("Say how you will see that the goal is reached (survey, observation, KPI …)."),
        ),
        Check(
            "level",
            "A",
            bool(re.search(r"\d", measure or "")),
            _("A level to reach"),
            _(
                "Put a number in the measure, e.g. 'at least 8' or '90 % of the team', so it can be reached and checked."
            ),
        ),
        Check(
            "relevant",
            "R",
            strategic_goal_count > 0,
            _("Serves a strategic goal"),
            _("Link the learning goal to at least one strategic goal and say why it helps."),
        ),
        Check(
            "deadline",
            "T",
            deadline is not None and deadline >= today,
            _("By when"),
            _("Set a date by when the goal is reached.")
            if deadline is None
            else _("The date has passed: set a new date or close the goal."),
        ),
    ]


def is_smart(checks: list[Check]) -> bool:
    return all(check.ok for check in checks)
