"""Step 2 on the journey page: status and figures from the vision rounds themselves."""

from django.db.models import Count
from django.utils.translation import gettext as _

from leerkoers.lib import journey
from leerkoers.vision.models import VisionApproval, VisionParticipant, VisionRound, VisionStatement


def reports(organizations) -> dict[int, journey.StepReport]:
    """Per organisation (by pk), in four queries for any number of organisations."""
    pks = [org.pk for org in organizations]
    latest: dict[int, VisionRound] = {}
    for vision_round in VisionRound.objects.filter(organization__in=pks).order_by("-opened_at", "-pk"):
        latest.setdefault(vision_round.organization_id, vision_round)
    rounds = [r.pk for r in latest.values()]
    participants = _per_round(VisionParticipant, rounds)
    statements = _per_round(VisionStatement, rounds)
    approvals: dict[int, VisionApproval] = {}
    for approval in (
        VisionApproval.objects.filter(organization__in=pks).select_related("version").order_by("-approved_at", "-pk")
    ):
        approvals.setdefault(approval.organization_id, approval)
    return {pk: _report(latest.get(pk), participants, statements, approvals.get(pk)) for pk in pks}


def report(organization) -> journey.StepReport:
    return reports([organization])[organization.pk]


def _per_round(model, rounds: list[int]) -> dict[int, int]:
    found = model.objects.filter(round_id__in=rounds).values("round_id").annotate(n=Count("pk"))
    return {row["round_id"]: row["n"] for row in found.order_by()}


def _report(latest, participants, statements, approval) -> journey.StepReport:
    if latest is None:
        return journey.StepReport(journey.Status.NOT_STARTED, [], _("Open a vision round with every layer"))
    figures = [
        journey.Figure(_("Participants"), journey.count(participants.get(latest.pk, 0))),
        journey.Figure(_("Statements"), journey.count(statements.get(latest.pk, 0))),
    ]
    if approval is not None:
        figures.append(journey.Figure(_("Approved version"), f"v{approval.version.number}"))
        return journey.StepReport(journey.Status.DONE, figures, _("Use the approved vision in the policy plan"))
    if latest.is_open:
        return journey.StepReport(journey.Status.IN_PROGRESS, figures, _("Close the round when every layer has rated"))
    return journey.StepReport(
        journey.Status.IN_PROGRESS, figures, _("Draft the vision from the consensus and ask the board to approve it")
    )
