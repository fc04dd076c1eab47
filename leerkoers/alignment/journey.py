"""Step 3 on the journey page: status from the data, the aligned-spend figure, what next."""

from django.utils.translation import gettext as _

from leerkoers.alignment import golden_thread as gt
from leerkoers.alignment.models import Kpi
from leerkoers.alignment.selectors import threads_for
from leerkoers.lib import journey


def reports(organizations) -> dict[int, journey.StepReport]:
    """Per organisation (by pk), in eight queries for any number of organisations."""
    threads = threads_for(organizations, participations=False)
    with_kpi: dict[int, set[int]] = {pk: set() for pk in threads}
    for org_id, sg_id in Kpi.objects.filter(organization__in=list(threads)).values_list(
        "organization_id", "strategic_goal_id"
    ):
        with_kpi[org_id].add(sg_id)
    return {pk: _report(thread, with_kpi[pk]) for pk, thread in threads.items()}


def report(organization) -> journey.StepReport:
    return reports([organization])[organization.pk]


def _report(thread: gt.Thread, with_kpi: set[int]) -> journey.StepReport:
    """Not started without strategic goals and learning goals; done when every strategic goal
    has a KPI and a learning goal and every learning goal an activity; else in progress."""
    if not thread.strategic_goals and not thread.learning_goals:
        return journey.StepReport(journey.Status.NOT_STARTED, [], _("Write down the strategic goals and their KPIs"))
    gaps = gt.gaps(thread)
    spend = gt.aligned_share(thread, gt.SPEND, gt.strategy_period(thread))  # as the page's headline
    without_kpi = [sg.id for sg in thread.strategic_goals if sg.id not in with_kpi]
    figures = [
        journey.Figure(_("Strategic goals"), journey.count(len(thread.strategic_goals))),
        journey.Figure(_("Learning goals"), journey.count(len(thread.learning_goals))),
        journey.Figure(_("Aligned spend"), journey.percent(spend.share) if spend.total else "–"),
    ]
    if not thread.strategic_goals:
        next_action = _("Write down the strategic goals and their KPIs")
    elif without_kpi:
        next_action = _("Give every strategic goal a KPI")
    elif gaps.strategic_goals_without_learning_goals:
        next_action = _("Formulate learning goals for every strategic goal")
    elif gaps.learning_goals_without_activities:
        next_action = _("Link activities to every learning goal")
    elif gaps.activities_without_learning_goals:
        next_action = _("Review the activities that serve no learning goal")
    else:
        next_action = _("Follow the KPIs and keep the thread up to date")
    done = (
        bool(thread.strategic_goals)
        and not without_kpi
        and not gaps.strategic_goals_without_learning_goals
        and not gaps.learning_goals_without_activities
    )
    return journey.StepReport(journey.Status.DONE if done else journey.Status.IN_PROGRESS, figures, next_action)
