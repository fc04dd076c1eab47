"""The policy document on the journey page: status from its versions and their sections."""

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from leerkoers.lib import formatting, journey
from leerkoers.policy.models import PolicyExport


def reports(organizations) -> dict[int, journey.StepReport]:
    """Per organisation (by pk), from each one's latest version, in one query for any number
    of organisations."""
    newest = PolicyExport.objects.filter(organization=OuterRef("organization")).order_by("-number").values("number")
    latest = {
        export.organization_id: export
        for export in PolicyExport.objects.filter(
            organization__in=[org.pk for org in organizations], number=Subquery(newest[:1])
        ).defer("content", "figures")
    }
    return {org.pk: _report(latest.get(org.pk)) for org in organizations}


def report(organization) -> journey.StepReport:
    return reports([organization])[organization.pk]


def _report(latest: PolicyExport | None) -> journey.StepReport:
    """Not started without a version; done when the latest version has every section it
    includes filled from its step's data; in progress otherwise."""
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
