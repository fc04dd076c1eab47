"""Step 4 on the journey page: status and figures from the matrix, team plans and POPs."""

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkoers.inventory.models import Activity
from leerkoers.lib import journey
from leerkoers.orgs.models import Membership, Organization, Team
from leerkoers.ownership import indicators
from leerkoers.ownership.models import LearningProcess, PlanStatus, Pop, TeamPlan


def reports(organizations) -> dict[int, journey.StepReport]:
    """Per organisation (by pk), in five grouped queries for any number of organisations (the
    advisor's overview); the figures are those of `selectors.indicators_for` without trend."""
    pks = [org.pk for org in organizations]
    year = timezone.localdate().year
    started = set(
        Organization.objects.filter(pk__in=pks)
        .filter(
            Exists(LearningProcess.objects.filter(organization=OuterRef("pk")))
            | Exists(TeamPlan.objects.filter(organization=OuterRef("pk")))
            | Exists(Pop.objects.filter(organization=OuterRef("pk")))
        )
        .values_list("pk", flat=True)
    )
    current = TeamPlan.objects.filter(team=OuterRef("pk"), year=year, status=PlanStatus.ACTIVE)
    plans = {
        row["organization_id"]: indicators.Share(row["part"], row["whole"])
        for row in Team.objects.filter(organization__in=started)
        .filter(Exists(Membership.objects.filter(team=OuterRef("pk"))))
        .values("organization_id")
        .annotate(whole=Count("pk"), part=Count("pk", filter=Q(Exists(current))))
        .order_by()
    }
    members = dict(
        Membership.objects.filter(organization__in=started)
        .values("organization_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("organization_id", "n")
    )
    agreed = dict(
        Pop.objects.filter(organization__in=started, year=year, status__in=list(indicators.AGREED_STATES))
        .values("organization_id")
        .annotate(n=Count("member", distinct=True))
        .order_by()
        .values_list("organization_id", "n")
    )
    initiatives = {
        row["organization_id"]: indicators.Share(row["part"], row["whole"])
        for row in Activity.objects.filter(organization__in=started)
        .exclude(initiator="")
        .values("organization_id")
        .annotate(whole=Count("pk"), part=Count("pk", filter=Q(initiator__in=list(indicators.OWN_INITIATORS))))
        .order_by()
    }
    minimum = settings.ANONYMITY_THRESHOLD
    found = {}
    for pk in pks:
        if pk not in started:
            found[pk] = journey.StepReport(
                journey.Status.NOT_STARTED, [], _("Agree who is responsible for each learning process")
            )
            continue
        everyone = members.get(pk, 0)
        # As indicators.pop_coverage: hidden below the threshold (but shown for nobody at all).
        pops = indicators.Share(agreed.get(pk, 0), everyone) if everyone >= minimum or everyone == 0 else None
        found[pk] = _report(plans.get(pk, indicators.Share(0, 0)), pops, initiatives.get(pk, indicators.Share(0, 0)))
    return found


def report(organization) -> journey.StepReport:
    """Not started without a saved matrix, a team plan or a POP; done when most teams
    (at least 80 %) have a current plan and half the members an agreed POP; else in progress.
    The POP figure is hidden (–) when the organisation is below the anonymity threshold."""
    return reports([organization])[organization.pk]


def _report(plans: indicators.Share, pops: indicators.Share | None, initiatives: indicators.Share):
    figures = [
        journey.Figure(_("Teams with a current plan"), journey.percent(plans.value) if plans.whole else "–"),
        journey.Figure(
            _("Members with an agreed POP"), journey.percent(pops.value) if pops is not None and pops.whole else "–"
        ),
        journey.Figure(
            _("Activities started by managers and employees"),
            journey.percent(initiatives.value) if initiatives.whole else "–",
        ),
    ]
    plan_share = plans.value or 0
    pop_share = (pops.value or 0) if pops is not None else 0
    if plan_share >= 0.8 and pop_share >= 0.5:
        return journey.StepReport(journey.Status.DONE, figures, _("Keep the plans current in every conversation"))
    if plan_share < 0.8:
        next_action = _("Ask the managers to start their team's learning plan")
    else:
        next_action = _("Invite everyone to draft a personal development plan")
    return journey.StepReport(journey.Status.IN_PROGRESS, figures, next_action)
