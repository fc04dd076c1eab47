"""Step 5 on the journey page: status and figures from the pilots themselves."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from leerkoers.lib import journey
from leerkoers.pilots.models import Pilot


def reports(organizations) -> dict[int, journey.StepReport]:
    """Per organisation (by pk), in one grouped query for any number of organisations."""
    rows = (
        Pilot.objects.filter(organization__in=[org.pk for org in organizations])
        .values("organization_id")
        .annotate(
            total=Count("pk"),
            running=Count("pk", filter=Q(status__in=[Pilot.Status.RUNNING, Pilot.Status.EVALUATING])),
            decided=Count("pk", filter=Q(status=Pilot.Status.DECIDED)),
        )
        .order_by()
    )
    counts = {row["organization_id"]: row for row in rows}
    return {org.pk: _report(counts.get(org.pk)) for org in organizations}


def report(organization) -> journey.StepReport:
    return reports([organization])[organization.pk]


def _report(counts) -> journey.StepReport:
    if not counts or not counts["total"]:
        return journey.StepReport(journey.Status.NOT_STARTED, [], _("Design a first pilot tied to a KPI"))
    figures = [
        journey.Figure(_("Pilots"), journey.count(counts["total"])),
        journey.Figure(_("Running or in evaluation"), journey.count(counts["running"])),
        journey.Figure(_("Decided"), journey.count(counts["decided"])),
    ]
    if counts["decided"]:
        return journey.StepReport(journey.Status.DONE, figures, _("Scale up what worked and start the next pilot"))
    return journey.StepReport(journey.Status.IN_PROGRESS, figures, _("Evaluate the running pilots and decide"))
