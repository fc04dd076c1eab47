"""The seed's three kinds of pilot as templates: a starting text for a new pilot's design."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    hypothesis: str
    evaluation_plan: str


PRESETS = [
    Preset(
        "learning_goals",
        _("One team formulates learning goals"),
        _(
            "If team X formulates its own learning goals with its manager and reviews them every month, "
            "KPI Z of team X improves by … within six months."
        ),
        _(
            "Reaction and learning: a short form for the team right after the first session. "
            "Behaviour: after six weeks, team members and their manager say whether the goals are used in the work. "
            "Results: KPI Z per team, monthly, compared with teams that do not take part."
        ),
    ),
    Preset(
        "training_kpi",
        _("Tie a training to a KPI"),
        _("If team X follows training Y, KPI Z improves by … points within three months of the training."),
        _(
            "Reaction and learning: a form right after the training. Behaviour: after six weeks, participants and "
            "their managers say what they apply. Results: KPI Z per team, monthly, for the pilot and comparison teams."
        ),
    ),
    Preset(
        "lms",
        _("Try a learning management system"),
        _(
            "If team X uses the learning management system for three months, its members spend more time on "
            "learning and KPI Z improves by …"
        ),
        _(
            "Adoption: the share of the team that logged in at least once. Use: active users per week and courses "
            "completed. Satisfaction: a short form after one month (would you keep using it, what is missing). "
            "Results: KPI Z per team compared with teams without the system."
        ),
    ),
]

BY_KEY = {preset.key: preset for preset in PRESETS}
