"""Step 4 on the journey page: status and figures from the matrix, team plans and POPs."""

from django.db.models import Exists
from django.utils.translation import gettext as _

from leerkoers.lib import journey
from leerkoers.orgs.models import Organization
from leerkoers.ownership.models import LearningProcess, Pop, TeamPlan
from leerkoers.ownership.selectors import indicators_for


def report(organization) -> journey.StepReport:
    """Not started without a saved matrix, a team plan or a POP; done when most teams
    (at least 80 %) have a current plan and half the members an agreed POP; else in progress.
    The POP figure is hidden (–) when the organisation is below the anonymity threshold."""
    started = (
        Organization.objects.filter(pk=organization.pk)
        .filter(
            Exists(LearningProcess.objects.filter(organization=organization))
            | Exists(TeamPlan.objects.filter(organization=organization))
            | Exists(Pop.objects.filter(organization=organization))
        )
        .exists()
    )
    if not started:
        return journey.StepReport(
            journey.Status.NOT_STARTED, [], _("Agree who is responsible for each learning process")
        )
    found = indicators_for(organization, trend=False)
    plans, pops = found.team_plans, found.pops.overall
    figures = [
        journey.Figure(_("Teams with a current plan"), journey.percent(plans.value) if plans.whole else "–"),
        journey.Figure(
            _("Members with an agreed POP"), journey.percent(pops.value) if pops is not None and pops.whole else "–"
        ),
        journey.Figure(
            _("Activities started by managers and employees"),
            journey.percent(found.initiatives.overall.value) if found.initiatives.overall.whole else "–",
        ),
    ]
    plan_share = plans.value or 0
    pop_share = (pops.value or 0) if pops is not None else 0
    if plan_share >= 0.8 and pop_share >= 0.5:
        return journey.StepReport(journey.Status.DONE, figures, _("Keep the plans current in every conversation"))
    if plan_share < 0.8:
        next_action = _("Ask the managers to start their team's learning plan")
    else:
        next_action = _("Invite everyone to draft a personal development plan")
    return journey.StepReport(journey.Status.IN_PROGRESS, figures, next_action)
