"""The scan's step on the journey page: status and figures from the rounds themselves."""

from django.utils.translation import gettext as _

from leerkoers.lib import journey
from leerkoers.scan import results, scoring
from leerkoers.scan.models import ScanRound


def report(organization) -> journey.StepReport:
    rounds = list(ScanRound.objects.filter(organization=organization).order_by("-opened_at", "-pk")[:20])
    if not rounds:
        return journey.StepReport(journey.Status.NOT_STARTED, [], _("Open a scan round for every layer"))
    figures = [journey.Figure(_("Rounds"), journey.count(len(rounds)))]
    open_round = next((r for r in rounds if r.is_open), None)
    if open_round is not None:
        figures.append(journey.Figure(_("Respondents"), journey.count(results.round_counts(open_round)["total"])))
    closed = [r for r in rounds if not r.is_open]
    if closed:
        latest = results.round_results(closed[0])
        if latest.overall.shown and latest.overall.overall is not None:
            figures.append(journey.Figure(_("Overall score"), str(latest.overall.overall)))
            figures.append(journey.Figure(_("Level"), str(scoring.LEVEL_LABELS[latest.overall.level])))
    if open_round is not None:
        return journey.StepReport(journey.Status.IN_PROGRESS, figures, _("Close the round when enough people answered"))
    return journey.StepReport(journey.Status.DONE, figures, _("Discuss the perception gap; repeat the scan in a year"))
