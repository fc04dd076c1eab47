"""What step 1 reports to the journey page: status and key figures, derived from the data."""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from leerkoers.inventory.models import Activity
from leerkoers.lib import journey


def reports(organizations) -> dict[int, journey.StepReport]:
    """Per organisation (by pk), in one grouped query for any number of organisations."""
    rows = (
        Activity.objects.filter(organization__in=[org.pk for org in organizations])
        .values("organization_id")
        .annotate(
            activities=Count("pk"),
            with_goal=Count("pk", filter=~Q(goal="")),
            participations=Sum("participation_count"),
            spend=Sum("cost"),
        )
        .order_by()
    )
    figures = {row["organization_id"]: row for row in rows}
    return {org.pk: _report(figures.get(org.pk)) for org in organizations}


def report(organization) -> journey.StepReport:
    return reports([organization])[organization.pk]


def _report(figures) -> journey.StepReport:
    count = figures["activities"] if figures else 0
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
