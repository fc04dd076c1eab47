"""What step 1 reports to the journey page: status and key figures, derived from the data."""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from leerkoers.inventory.models import Activity
from leerkoers.lib import journey


def report(organization) -> journey.StepReport:
    figures = Activity.objects.filter(organization=organization).aggregate(
        activities=Count("pk"),
        with_goal=Count("pk", filter=~Q(goal="")),
        participations=Sum("participation_count"),
        spend=Sum("cost"),
    )
    count = figures["activities"]
    if not count:
        return journey.StepReport(
            journey.Status.NOT_STARTED, [], _("Import the LMS or HR export of learning activities")
        )
    shown = [
        journey.Figure(_("Activities"), journey.count(count)),
        journey.Figure(_("Participations"), journey.count(figures["participations"])),
        journey.Figure(_("With a goal"), journey.percent(figures["with_goal"] / count)),
    ]
    # Done once the inventory is substantial and most activities say what they are for.
    if count >= 10 and figures["participations"] and figures["with_goal"] * 2 >= count:
        return journey.StepReport(journey.Status.DONE, shown, _("Use the starting point in the policy document"))
    return journey.StepReport(journey.Status.IN_PROGRESS, shown, _("Add goals and results to the activities"))
