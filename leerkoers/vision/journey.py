"""Step 2 on the journey page: status and figures from the vision rounds themselves."""

from django.utils.translation import gettext as _

from leerkoers.lib import journey
from leerkoers.vision.models import VisionApproval, VisionRound


def report(organization) -> journey.StepReport:
    rounds = list(VisionRound.objects.filter(organization=organization).order_by("-opened_at", "-pk")[:20])
    if not rounds:
        return journey.StepReport(journey.Status.NOT_STARTED, [], _("Open a vision round with every layer"))
    latest = rounds[0]
    figures = [
        journey.Figure(_("Participants"), journey.count(latest.participants.count())),
        journey.Figure(_("Statements"), journey.count(latest.statements.count())),
    ]
    approval = (
        VisionApproval.objects.filter(organization=organization)
        .select_related("version")
        .order_by("-approved_at", "-pk")
        .first()
    )
    if approval is not None:
        figures.append(journey.Figure(_("Approved version"), f"v{approval.version.number}"))
        return journey.StepReport(journey.Status.DONE, figures, _("Use the approved vision in the policy plan"))
    if latest.is_open:
        return journey.StepReport(journey.Status.IN_PROGRESS, figures, _("Close the round when every layer has rated"))
    return journey.StepReport(
        journey.Status.IN_PROGRESS, figures, _("Draft the vision from the consensus and ask the board to approve it")
    )
