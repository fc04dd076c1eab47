"""Step 5 on the journey page: status and figures from the pilots themselves."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from leerkoers.lib import journey
from leerkoers.pilots.models import Pilot


def report(organization) -> journey.StepReport:
    counts = Pilot.objects.filter(organization=organization).aggregate(
        total=Count("pk"),
        running=Count("pk", filter=Q(status__in=[Pilot.Status.RUNNING, Pilot.Status.EVALUATING])),
        decided=Count("pk", filter=Q(status=Pilot.Status.DECIDED)),
    )
    if not counts["total"]:
        return journey.StepReport(journey.Status.NOT_STARTED, [], _("Design a first pilot tied to a KPI"))
    figures = [
        journey.Figure(_("Pilots"), journey.count(counts["total"])),
        journey.Figure(_("Running or in evaluation"), journey.count(counts["running"])),
        journey.Figure(_("Decided"), journey.count(counts["decided"])),
    ]
    if counts["decided"]:
        return journey.StepReport(journey.Status.DONE, figures, _("Scale up what worked and start the next pilot"))
    return journey.StepReport(journey.Status.IN_PROGRESS, figures, _("Evaluate the running pilots and decide"))
