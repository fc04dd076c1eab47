"""The scan's step on the journey page: status and figures from the rounds themselves."""

from django.utils.translation import gettext as _

from leerkoers.lib import journey
from leerkoers.scan import results, scoring
from leerkoers.scan.models import ScanRound


def reports(organizations) -> dict[int, journey.StepReport]:
    """Per organisation (by pk), in two queries for any number of organisations: the rounds,
    then the responses of each one's open round and latest closed round."""
    rounds: dict[int, list[ScanRound]] = {org.pk: [] for org in organizations}
    for scan_round in ScanRound.objects.filter(organization__in=list(rounds)).order_by("-opened_at", "-pk"):
        rounds[scan_round.organization_id].append(scan_round)
    open_rounds = {pk: next((r for r in found if r.is_open), None) for pk, found in rounds.items()}
    latest_closed = {pk: next((r for r in found if not r.is_open), None) for pk, found in rounds.items()}
    loaded = results.load_many([r for r in [*open_rounds.values(), *latest_closed.values()] if r is not None])
    return {pk: _report(found, open_rounds[pk], latest_closed[pk], loaded) for pk, found in rounds.items()}


def report(organization) -> journey.StepReport:
    return reports([organization])[organization.pk]


def _report(rounds, open_round, latest_closed, loaded) -> journey.StepReport:
    if not rounds:
        return journey.StepReport(journey.Status.NOT_STARTED, [], _("Open a scan round for every layer"))
    figures = [journey.Figure(_("Rounds"), journey.count(len(rounds)))]
    if open_round is not None:
        total = results.round_counts(open_round, loaded[open_round.pk])["total"]
        figures.append(journey.Figure(_("Respondents"), journey.count(total)))
    if latest_closed is not None:
        latest = results.round_results(latest_closed, loaded=loaded[latest_closed.pk])
        if latest.overall.shown and latest.overall.overall is not None:
            figures.append(journey.Figure(_("Overall score"), str(latest.overall.overall)))
            figures.append(journey.Figure(_("Level"), str(scoring.LEVEL_LABELS[latest.overall.level])))
    if open_round is not None:
        return journey.StepReport(journey.Status.IN_PROGRESS, figures, _("Close the round when enough people answered"))
    return journey.StepReport(journey.Status.DONE, figures, _("Discuss the perception gap; repeat the scan in a year"))
