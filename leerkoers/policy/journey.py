"""The policy document on the journey page: status from its versions and their sections."""

from django.utils.translation import gettext as _

from leerkoers.lib import formatting, journey
from leerkoers.policy.models import PolicyExport


def report(organization) -> journey.StepReport:
    """Not started without a version; done when the latest version has every section it
    includes filled from its step's data; in progress otherwise."""
    latest = (
        PolicyExport.objects.filter(organization=organization).defer("content", "figures").order_by("-number").first()
    )
    if latest is None:
        return journey.StepReport(journey.Status.NOT_STARTED, [], _("Make the first version of the policy document"))
    waiting = [section for section in latest.sections if not section.get("has_data")]
    figures = [
        journey.Figure(_("Versions"), journey.count(latest.number)),
        journey.Figure(_("Latest version"), formatting.date(latest.as_of)),
    ]
    if waiting:
        figures.append(journey.Figure(_("Sections without data"), journey.count(len(waiting))))
        return journey.StepReport(
            journey.Status.IN_PROGRESS, figures, _("Complete the steps the document still waits for, then export again")
        )
    return journey.StepReport(journey.Status.DONE, figures, _("Export a new version after each step's progress"))
