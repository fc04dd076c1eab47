"""Changing the inventory by hand and through the API: activities and participations.

Imports of files are `importing` (pipeline, runs); xAPI statements are `xapi`. Every change
is validated with full_clean, audited, and bumps the analysis revision once committed.
"""

from django.db import transaction

from leerkoers.audit.services import audit_record
from leerkoers.inventory.importing.keys import People, natural_key
from leerkoers.inventory.importing.writer import refresh_participation_counts
from leerkoers.inventory.models import Activity, ActivityTeam, Participation, Source, occasion_of
from leerkoers.inventory.selectors import bump_revision


def activity_save(*, organization, activity: Activity, teams=None, actor=None, source: str = Source.MANUAL) -> Activity:
    """Create or update an activity (validated with full_clean); `teams` replaces its teams."""
    creating = activity.pk is None
    activity.organization = organization
    if creating:
        activity.source = source
    activity.natural_key = natural_key(activity.title, activity.provider, activity.start_date)
    with transaction.atomic():
        activity.full_clean()
        activity.save()
        if teams is not None:
            ActivityTeam.objects.filter(organization=organization, activity=activity).delete()
            ActivityTeam.objects.bulk_create(
                [ActivityTeam(organization=organization, activity=activity, team=t) for t in dict.fromkeys(teams)]
            )
        audit_record(
            organization=organization,
            actor=actor,
            action="inventory.activity_create" if creating else "inventory.activity_update",
            target=activity,
            summary=activity.title,
        )
    bump_revision(organization, participations=False)
    return activity


def activity_delete(*, organization, activity: Activity, actor=None) -> None:
    with transaction.atomic():
        audit_record(
            organization=organization,
            actor=actor,
            action="inventory.activity_delete",
            target=activity,
            summary=activity.title,
        )
        activity.delete()
    bump_revision(organization)


def participation_save(
    *, organization, participation: Participation, person: str, actor=None, source: str = Source.MANUAL
) -> Participation:
    """Create or update one participation; `person` is an employee number or e-mail address."""
    creating = participation.pk is None
    person_key, membership_id, member_team = People(organization).resolve(person)
    participation.organization = organization
    participation.person_key = person_key
    participation.membership_id = membership_id
    if participation.team_id is None:
        participation.team_id = member_team
    participation.occasion = occasion_of(participation.completion_date, participation.enrolled_on)
    if creating:
        participation.source = source
    with transaction.atomic():
        participation.full_clean()
        participation.save()
        refresh_participation_counts(organization, [participation.activity_id])
        audit_record(
            organization=organization,
            actor=actor,
            action="inventory.participation_create" if creating else "inventory.participation_update",
            target=participation,
        )
    bump_revision(organization)
    return participation


def participation_delete(*, organization, participation: Participation, actor=None) -> None:
    with transaction.atomic():
        audit_record(
            organization=organization, actor=actor, action="inventory.participation_delete", target=participation
        )
        activity_id = participation.activity_id
        participation.delete()
        refresh_participation_counts(organization, [activity_id])
    bump_revision(organization)
