"""Workflows of a pilot: design, the random draw, start (locking the decision rule), rule
changes after the start, evaluation, and the decision with its scale-up plan.

Keyword-only; each validates with full_clean() inside one transaction and writes the audit
trail. Refusals are ValidationErrors in the user's language; nothing is half-written.
"""

import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerkoers.audit.services import audit_record
from leerkoers.jobs.invitations import PERSONAL_PREFIX, PersonalLinks, invitations_start
from leerkoers.jobs.models import Job
from leerkoers.orgs.models import Membership, Organization, Team, hash_token
from leerkoers.ownership import services as ownership
from leerkoers.ownership.models import TeamPlan
from leerkoers.pilots import evaluation
from leerkoers.pilots.decision import Outcome
from leerkoers.pilots.models import (
    Arm,
    EvaluationForm,
    EvaluationInvitation,
    EvaluationResponse,
    Pilot,
    PilotActivity,
    PilotKpi,
    PilotLearningGoal,
    PilotRuleChange,
    PilotTeam,
)

DESIGN_FIELDS = (
    "title",
    "hypothesis",
    "template",
    "assignment",
    "baseline_start",
    "start",
    "end",
    "follow_up_dates",
    "evaluation_plan",
    "fees",
    "hours",
    "hourly_cost",
    "materials",
)
RULE_FIELDS = ("scale_up_min", "max_p", "stop_max")
# The code of a refusal because of the pilot's status (the API answers it with 409).
STATE = "state"


def _audit(pilot: Pilot, actor, action: str, changes: dict | None = None) -> None:
    audit_record(
        organization=pilot.organization,
        actor=actor,
        action=f"pilots.{action}",
        target=pilot,
        summary=pilot.title,
        changes=changes,
    )


def _actor_label(actor) -> str:
    if getattr(actor, "is_authenticated", False):
        return actor.email
    if actor is not None and hasattr(actor, "prefix"):
        return f"API token {actor.name}"
    return ""


def _same_org(organization: Organization, rows, label: str) -> None:
    if any(row.organization_id != organization.pk for row in rows):
        raise ValidationError({label: _("Choose from this organisation's own records.")})


def _clean_dates(pilot: Pilot) -> dict:
    errors = {}
    if pilot.baseline_start and pilot.start and pilot.baseline_start >= pilot.start:
        errors["baseline_start"] = _("The baseline must begin before the start.")
    if pilot.start and pilot.end and pilot.end <= pilot.start:
        errors["end"] = _("The end must come after the start.")
    dates = []
    for raw in pilot.follow_up_dates or []:
        try:
            dates.append(date.fromisoformat(str(raw)))
        except ValueError:
            errors["follow_up_dates"] = _("Give follow-up dates as dates (YYYY-MM-DD).")
            break
    else:
        if pilot.start and any(d <= pilot.start for d in dates):
            errors["follow_up_dates"] = _("Follow-up dates come after the start.")
        pilot.follow_up_dates = sorted(d.isoformat() for d in set(dates))
    if pilot.stop_max is not None and pilot.scale_up_min is not None and pilot.stop_max >= pilot.scale_up_min:
        errors["stop_max"] = _("The improvement at which you stop must be below the one at which you scale up.")
    return errors


def pilot_save(
    *,
    organization: Organization,
    actor,
    pilot: Pilot | None = None,
    fields: dict,
    pilot_teams: list[Team],
    comparison_teams: list[Team],
    kpis: list | None = None,
    learning_goals: list | None = None,
    activities: list | None = None,
) -> Pilot:
    """Create a pilot, or change one that is still in design: its fields, decision rule,
    teams (a team is in one group only) and links. Raises ValidationError on bad input and
    stores nothing; refuses a pilot that has started (the rule changes through
    `pilot_rule_change`)."""
    creating = pilot is None
    if creating:
        pilot = Pilot(organization=organization)
    elif not pilot.in_design:
        raise ValidationError(_("This pilot has started; its design can no longer change."), code=STATE)
    for name, value in fields.items():
        if name not in DESIGN_FIELDS + RULE_FIELDS:
            raise ValueError(f"not a design field: {name}")
        setattr(pilot, name, value)
    kpis, learning_goals, activities = kpis or [], learning_goals or [], activities or []
    _same_org(organization, [*pilot_teams, *comparison_teams], "pilot_teams")
    _same_org(organization, kpis, "kpis")
    _same_org(organization, learning_goals, "learning_goals")
    _same_org(organization, activities, "activities")
    errors = _clean_dates(pilot)
    if {t.pk for t in pilot_teams} & {t.pk for t in comparison_teams}:
        errors["comparison_teams"] = _("A team is either in the pilot or a comparison team, not both.")
    if pilot.assignment == Pilot.Assignment.RANDOM and (creating or pilot.draw_seed is None):
        errors["assignment"] = _("A random draw is made in Leerkoers: use “Draw the teams at random”.")
    elif pilot.assignment == Pilot.Assignment.RANDOM:
        drawn = {t.team_id: t.arm for t in pilot.teams.all()}
        chosen = {t.pk: Arm.PILOT for t in pilot_teams} | {t.pk: Arm.COMPARISON for t in comparison_teams}
        if drawn != chosen:
            pilot.assignment = Pilot.Assignment.CONVENIENCE  # hand-picked now: no longer a random draw
            pilot.draw_seed, pilot.draw_candidates = None, []
    try:
        pilot.full_clean()
    except ValidationError as exc:
        errors = {**exc.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        pilot.save()
        _replace_teams(pilot, pilot_teams, comparison_teams)
        _replace(pilot, PilotKpi, "kpi", kpis)
        _replace(pilot, PilotLearningGoal, "learning_goal", learning_goals)
        _replace(pilot, PilotActivity, "activity", activities)
        _audit(pilot, actor, "create" if creating else "update")
    return pilot


def _replace_teams(pilot: Pilot, pilot_teams, comparison_teams) -> None:
    PilotTeam.objects.filter(organization=pilot.organization, pilot=pilot).delete()
    PilotTeam.objects.bulk_create(
        [PilotTeam(organization=pilot.organization, pilot=pilot, team=t, arm=Arm.PILOT) for t in pilot_teams]
        + [
            PilotTeam(organization=pilot.organization, pilot=pilot, team=t, arm=Arm.COMPARISON)
            for t in comparison_teams
        ]
    )


def _replace(pilot: Pilot, model, name: str, rows) -> None:
    wanted = {row.pk for row in rows}
    existing = model.objects.filter(organization=pilot.organization, pilot=pilot)
    existing.exclude(**{f"{name}_id__in": wanted}).delete()
    have = set(existing.values_list(f"{name}_id", flat=True))
    model.objects.bulk_create(
        model(organization=pilot.organization, pilot=pilot, **{f"{name}_id": pk}) for pk in sorted(wanted - have)
    )


def pilot_draw(*, pilot: Pilot, candidates: list[Team], n_pilot: int, actor, seed: int | None = None) -> Pilot:
    """Draw `n_pilot` of the `candidates` at random as pilot teams, the rest as comparison
    teams, and record the seed and the candidates so that anyone can redo the draw:
    numpy.random.default_rng(seed).permutation(the candidates' ids, sorted)[:n_pilot].
    Only in design; refuses fewer than two candidates or an n_pilot that leaves no team
    on either side."""
    if not pilot.in_design:
        raise ValidationError(_("This pilot has started; its teams can no longer change."), code=STATE)
    _same_org(pilot.organization, candidates, "candidates")
    ids = sorted({t.pk for t in candidates})
    if len(ids) < 2:
        raise ValidationError({"candidates": _("Choose at least two teams to draw from.")})
    if not 1 <= n_pilot < len(ids):
        raise ValidationError({"n_pilot": _("Draw at least one pilot team and leave at least one comparison team.")})
    seed = secrets.randbelow(2**31) if seed is None else seed
    order = [int(i) for i in np.random.default_rng(seed).permutation(ids)]
    chosen = set(order[:n_pilot])
    by_id = {t.pk: t for t in candidates}
    with transaction.atomic():
        pilot.assignment = Pilot.Assignment.RANDOM
        pilot.draw_seed = seed
        pilot.draw_candidates = ids
        pilot.full_clean()
        pilot.save()
        _replace_teams(pilot, [by_id[i] for i in ids if i in chosen], [by_id[i] for i in ids if i not in chosen])
        _audit(pilot, actor, "draw", {"seed": seed, "candidates": ids, "pilot_teams": sorted(chosen)})
    return pilot


def _rule_dict(pilot: Pilot) -> dict:
    return {name: str(getattr(pilot, name)) for name in RULE_FIELDS}


def pilot_start(*, pilot: Pilot, actor) -> Pilot:
    """Start a pilot in design: it needs a pilot team, a KPI and a start date; the decision
    rule is locked from now on."""
    if not pilot.in_design:
        raise ValidationError(_("This pilot has already started."), code=STATE)
    errors = []
    if not pilot.teams.filter(arm=Arm.PILOT).exists():
        errors.append(_("Choose at least one pilot team."))
    if not pilot.kpi_links.exists():
        errors.append(_("Link at least one KPI: it is what the pilot should change."))
    if pilot.start is None:
        errors.append(_("Give the start date."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        pilot.status = Pilot.Status.RUNNING
        pilot.rule_locked_at = timezone.now()
        pilot.save(update_fields=["status", "rule_locked_at", "updated"])
        _audit(pilot, actor, "start", {"rule": _rule_dict(pilot)})
    return pilot


def pilot_rule_change(
    *, pilot: Pilot, scale_up_min: Decimal, max_p: Decimal, stop_max: Decimal, reason: str, actor
) -> Pilot:
    """Change the decision rule. In design it simply changes; once locked a reason is
    required and the change is kept with its date, shown beside the result."""
    before = _rule_dict(pilot)
    pilot.scale_up_min, pilot.max_p, pilot.stop_max = scale_up_min, max_p, stop_max
    reason = (reason or "").strip()
    errors = _clean_dates(pilot)
    errors = {k: v for k, v in errors.items() if k == "stop_max"}
    if pilot.rule_locked_at is not None and not reason:
        errors["reason"] = _("The rule was fixed at the start: say why it changes.")
    if pilot.status == Pilot.Status.DECIDED:
        errors["reason"] = _("The pilot is decided; its rule can no longer change.")
    try:
        pilot.full_clean()
    except ValidationError as exc:
        errors = {**exc.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    after = _rule_dict(pilot)
    if after == before:
        return pilot
    with transaction.atomic():
        pilot.save(update_fields=[*RULE_FIELDS, "updated"])
        if pilot.rule_locked_at is not None:
            change = PilotRuleChange(
                organization=pilot.organization,
                pilot=pilot,
                before=before,
                after=after,
                reason=reason,
                changed_by_label=_actor_label(actor),
            )
            change.full_clean()
            change.save()
        _audit(pilot, actor, "rule_change", {"before": before, "after": after, "reason": reason})
    return pilot


def pilot_evaluate(*, pilot: Pilot, actor) -> Pilot:
    """A running pilot moves to evaluation (its follow-up measurements and forms come in)."""
    if pilot.status != Pilot.Status.RUNNING:
        raise ValidationError(_("Only a running pilot can move to evaluation."), code=STATE)
    with transaction.atomic():
        pilot.status = Pilot.Status.EVALUATING
        pilot.save(update_fields=["status", "updated"])
        _audit(pilot, actor, "evaluate")
    return pilot


def pilot_decide(
    *,
    pilot: Pilot,
    decision: str,
    reason: str,
    lessons: str = "",
    scale_up_teams: list[Team] | None = None,
    scale_up_start: date | None = None,
    scale_up_end: date | None = None,
    actor,
) -> Pilot:
    """Record the decision on a pilot in evaluation: scale up, adjust or stop, with the
    reason, who and when. Scaling up to named teams creates a follow-up pilot in design for
    them (same hypothesis, KPIs, learning goals and activities)."""
    errors = {}
    if pilot.status != Pilot.Status.EVALUATING:
        raise ValidationError(_("Decide on a pilot once it is being evaluated."), code=STATE)
    if decision not in Outcome.values:
        errors["decision"] = _("Choose scale up, adjust or stop.")
    reason = (reason or "").strip()
    if not reason:
        errors["decision_reason"] = _("Give the reason for the decision.")
    teams = scale_up_teams or []
    _same_org(pilot.organization, teams, "scale_up_teams")
    if teams and decision != Outcome.SCALE_UP:
        errors["scale_up_teams"] = _("Next teams belong to a decision to scale up.")
    if teams and scale_up_start is None:
        errors["scale_up_start"] = _("Give the date the next teams start.")
    if scale_up_start and scale_up_end and scale_up_end <= scale_up_start:
        errors["scale_up_end"] = _("The end must come after the start.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        pilot.status = Pilot.Status.DECIDED
        pilot.decision = decision
        pilot.decision_reason = reason
        pilot.lessons = (lessons or "").strip()
        pilot.decided_at = timezone.now()
        pilot.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        pilot.decided_by_label = _actor_label(actor)
        pilot.scale_up_start, pilot.scale_up_end = scale_up_start, scale_up_end
        pilot.full_clean()
        pilot.save()
        if teams:
            _follow_up(pilot, teams, actor)
            _team_plans(pilot, teams, actor)
        _audit(pilot, actor, "decide", {"decision": decision, "scale_up_teams": [t.pk for t in teams]})
    return pilot


def _team_plans(pilot: Pilot, teams: list[Team], actor) -> None:
    """Step 4 carries the scale-up: each next team's learning plan for the year it starts
    (started when it has none) gets the pilot's activities it does not have yet, so the
    team's manager finds them in their own plan."""
    year = pilot.scale_up_start.year
    activities = [link.activity for link in pilot.activity_links.select_related("activity")]
    for team in teams:
        plan = TeamPlan.objects.filter(organization=pilot.organization, team=team, year=year).first()
        if plan is None:
            plan = ownership.team_plan_create(organization=pilot.organization, team=team, year=year, actor=actor)
        present = set(plan.activities.exclude(activity=None).values_list("activity_id", flat=True))
        for activity in activities:
            if activity.pk not in present:
                ownership.team_plan_activity_add(plan=plan, activity=activity, actor=actor)


def _follow_up(pilot: Pilot, teams: list[Team], actor) -> Pilot:
    title = _("%(title)s — scale-up") % {"title": pilot.title}
    n = 2
    while Pilot.objects.filter(organization=pilot.organization, title=title[:200]).exists():
        title = _("%(title)s — scale-up %(n)s") % {"title": pilot.title, "n": n}
        n += 1
    follow = Pilot(
        organization=pilot.organization,
        title=title[:200],
        hypothesis=pilot.hypothesis,
        template=pilot.template,
        start=pilot.scale_up_start,
        end=pilot.scale_up_end,
        evaluation_plan=pilot.evaluation_plan,
        scale_up_min=pilot.scale_up_min,
        max_p=pilot.max_p,
        stop_max=pilot.stop_max,
        follow_up_of=pilot,
    )
    follow.full_clean()
    follow.save()
    _replace_teams(follow, teams, [])
    org = pilot.organization
    PilotKpi.objects.bulk_create(
        PilotKpi(
            organization=org,
            pilot=follow,
            kpi_id=link.kpi_id,
            value_per_unit=link.value_per_unit,
            attribution=link.attribution,
            confidence=link.confidence,
        )
        for link in pilot.kpi_links.all()
    )
    for model, name, links in (
        (PilotLearningGoal, "learning_goal", pilot.learning_goal_links.all()),
        (PilotActivity, "activity", pilot.activity_links.all()),
    ):
        model.objects.bulk_create(
            model(organization=org, pilot=follow, **{f"{name}_id": getattr(link, f"{name}_id")}) for link in links
        )
    _audit(follow, actor, "create", {"follow_up_of": str(pilot.public_id)})
    return follow


# --- evaluation forms ---------------------------------------------------------------------

FORMS_OPEN = (Pilot.Status.RUNNING, Pilot.Status.EVALUATING)


def evaluation_form_create(*, pilot: Pilot, level: int, audience: str, invited: int | None, actor) -> EvaluationForm:
    """A short form of one level for one audience with its private link, while the pilot
    runs or is being evaluated. Refuses a level the audience is not asked (reaction and
    learning are for participants) and a second form of the same level and audience."""
    if pilot.status not in FORMS_OPEN:
        raise ValidationError(_("Forms are for a running pilot or one being evaluated."), code=STATE)
    if not evaluation.allowed(level, audience):
        raise ValidationError({"level": _("Reaction and learning are asked of participants only.")})
    if EvaluationForm.objects.filter(
        organization=pilot.organization, pilot=pilot, level=level, audience=audience
    ).exists():
        raise ValidationError({"level": _("This pilot already has a form of this level for them.")})
    form = EvaluationForm(
        organization=pilot.organization,
        pilot=pilot,
        level=level,
        audience=audience,
        invited=invited,
        token=secrets.token_urlsafe(24),
    )
    form.full_clean()
    with transaction.atomic():
        form.save()
        _audit(pilot, actor, "form_create", {"level": level, "audience": audience, "invited": invited})
    return form


def evaluation_form_questions(form: EvaluationForm) -> list[tuple[str, str]]:
    return evaluation.questions(form.level, form.audience, form.pilot.template)


def link_url(token: str) -> str:
    return settings.SITE_URL + reverse("pilots_public:respond", kwargs={"token": token})


PERSONAL_LINKS = PersonalLinks(
    name=f"{__name__}.PERSONAL_LINKS",
    kind="pilot-invite",
    model=EvaluationInvitation,
    subject=gettext_lazy("A short evaluation of a pilot at %(org)s"),
    template="pilots/email/invitation.txt",
    link_url=link_url,
    action="pilots.invitations_send",
    round_field="form",
    closed_message=gettext_lazy("This form is closed; no more invitations can be sent."),
)

MAX_EMAILS = 500


def evaluation_invite(
    *, form: EvaluationForm, teams: list[Team], emails: list[str], actor, language: str = "nl"
) -> Job:
    """E-mail single-use personal links to the members of `teams` (teams of this pilot; for
    a managers' form, the teams' managers) and to the typed `emails`, in the background (the
    returned job shows the progress). People already invited to the form are skipped. Refuses
    a closed form, teams outside the pilot, invalid addresses and an empty list."""
    if not form.is_open:
        raise ValidationError(_("This form is closed; no more invitations can be sent."), code=STATE)
    errors = {}
    pilot_team_ids = set(
        PilotTeam.objects.filter(organization=form.organization, pilot=form.pilot_id).values_list("team_id", flat=True)
    )
    if any(t.organization_id != form.organization_id or t.pk not in pilot_team_ids for t in teams):
        errors["teams"] = _("Choose teams of this pilot.")
    cleaned = []
    for raw in emails:
        address = raw.strip()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            errors["emails"] = _("Not an e-mail address: %(value)s.") % {"value": address[:100]}
            break
        cleaned.append(address.lower())
    if len(cleaned) > MAX_EMAILS:
        errors["emails"] = _("At most %(n)s addresses at a time.") % {"n": MAX_EMAILS}
    if errors:
        raise ValidationError(errors)
    team_ids = [t.pk for t in teams]
    if form.audience == evaluation.Audience.MANAGER:
        found = Team.objects.filter(organization=form.organization, pk__in=team_ids).exclude(manager=None)
        member_ids = list(found.values_list("manager_id", flat=True))
    else:
        member_ids = list(
            Membership.objects.filter(organization=form.organization, team_id__in=team_ids).values_list("pk", flat=True)
        )
    if not member_ids and not cleaned:
        raise ValidationError({"teams": _("Choose a team with members, or type at least one e-mail address.")})
    return invitations_start(
        links=PERSONAL_LINKS, round_=form, actor=actor, language=language, member_ids=member_ids, emails=cleaned
    )


@dataclass(frozen=True)
class Link:
    """The form behind a link, and the personal invitation when it is one."""

    form: EvaluationForm
    invitation: EvaluationInvitation | None = None


def link_resolve(token: str) -> Link | None:
    """The form behind a shared or a personal link, or None for an unknown link."""
    if token.startswith(PERSONAL_PREFIX):
        invitation = (
            EvaluationInvitation.objects.filter(token_hash=hash_token(token))
            .select_related("form__pilot", "form__organization")
            .first()
        )
        return Link(invitation.form, invitation) if invitation else None
    form = EvaluationForm.objects.filter(token=token).select_related("pilot", "organization").first()
    return Link(form) if form else None


def _used() -> ValidationError:
    return ValidationError(_("This personal link has already been used."), code=STATE)


def evaluation_response_submit(
    *, form: EvaluationForm, answers: dict, invitation: EvaluationInvitation | None = None
) -> EvaluationResponse:
    """Store one anonymous response: every question of the form answered 1…5, nothing else.
    Through a personal link (`invitation`, of this form) the response is verified and the
    link is used up — a conditional update, so that two submissions at the same moment
    cannot both pass; a used link is refused. Nothing records which link it was or when.
    Not written to the audit trail (a timestamped trail would date each response)."""
    if invitation is not None and invitation.form_id != form.pk:
        raise ValueError("the invitation belongs to another form")
    if not form.is_open:
        raise ValidationError(_("This form is closed."), code=STATE)
    if invitation is not None and invitation.used:
        raise _used()
    keys = [key for key, _text in evaluation_form_questions(form)]
    clean, errors = {}, {}
    for key in keys:
        try:
            value = int(answers.get(key))
        except (TypeError, ValueError):
            value = None
        if value not in evaluation.SCALE:
            errors[key] = _("Choose an answer from 1 to 5.")
        else:
            clean[key] = value
    if set(answers) - set(keys):
        errors["__all__"] = _("The answers name a question this form does not ask.")
    if errors:
        raise ValidationError(errors)
    response = EvaluationResponse(
        organization=form.organization, form=form, answers=clean, verified=invitation is not None
    )
    response.full_clean()
    with transaction.atomic():
        used_now = invitation is None or EvaluationInvitation.objects.filter(pk=invitation.pk, used=False).update(
            used=True
        )
        if not used_now:
            raise _used()
        response.save(force_insert=True)
    return response
