"""Reminders of open work, by e-mail, to the people the responsibility matrix makes
Responsible (R): for each process, the members of the R layer(s) — board: directors, HR:
admins, managers, employees — get the open work of that process that is theirs (the same
rows as their open work on the step page, `selectors.open_items`). One e-mail per person per
run, listing only work they were not told about before; each piece goes to each person at
most once (claimed by inserting an `OpenWorkReminder`, whose unique constraint refuses a
second claim, also from a run at the same time). The matrix is read on every run, so moving
an R moves the reminders with it.

Run daily: `python manage.py send_open_work_reminders` enqueues `open_work_reminders_task`
for `db_worker`.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from leerkoers.orgs.access import Access
from leerkoers.orgs.models import Membership, Organization
from leerkoers.ownership import selectors
from leerkoers.ownership.models import LAYER_OF_ROLE, OpenWorkReminder, Raci
from leerkoers.ownership.teams import TeamTree

logger = logging.getLogger(__name__)


def responsible_roles(rows) -> set[str]:
    """The member roles whose layer is R in at least one process of the matrix `rows`."""
    return {
        role for role, layer in LAYER_OF_ROLE.items() if any(getattr(row, layer) == Raci.RESPONSIBLE for row in rows)
    }


def _claim(organization, member, process: str, item: str) -> bool:
    try:
        with transaction.atomic():
            OpenWorkReminder.objects.create(organization=organization, member=member, process=process, item=item)
    except IntegrityError:
        return False
    return True


def _new_work(organization, member, tree, rows, today, told) -> list[tuple[selectors.OpenItems, list[str]]]:
    """The open work of `member` not e-mailed to them before, claimed now: (process, texts)."""
    access = Access(organization=organization, role=member.role, user=member.user, membership=member)
    found = []
    for work in selectors.open_items(access, tree, rows, today):
        texts = []
        for row in work.items:
            key, text = work.describe(row)
            if (work.key, key) not in told and _claim(organization, member, work.key, key):
                texts.append(text)
        if texts:
            found.append((work, texts))
    return found


def _send(organization, member, work) -> None:
    context = {
        "organization": organization,
        "work": [(item, texts) for item, texts in work],
        "site": settings.SITE_URL,
    }
    send_mail(
        subject=_("Open work in Leerkoers: %(organization)s") % {"organization": organization.name},
        message=render_to_string("ownership/email/open_work.txt", context),
        from_email=None,
        recipient_list=[member.user.email],
    )


def open_work_reminders_send(*, organization=None, today: datetime.date | None = None) -> int:
    """E-mail every Responsible member (of `organization`, or of every organisation) the open
    work of their processes that they were not told about yet. Returns the e-mails sent."""
    today = today or timezone.localdate()
    organizations = [organization] if organization is not None else Organization.objects.order_by("pk")
    sent = 0
    for org in organizations:
        rows = selectors.matrix(org)
        roles = responsible_roles(rows)
        if not roles:
            continue
        tree = TeamTree.of(org)
        told: dict[int, set[tuple[str, str]]] = {}
        for member_id, process, item in OpenWorkReminder.objects.filter(organization=org).values_list(
            "member_id", "process", "item"
        ):
            told.setdefault(member_id, set()).add((process, item))
        members = (
            Membership.objects.filter(organization=org, role__in=roles, user__is_active=True)
            .exclude(user__email="")
            .select_related("user", "organization")
        )
        with translation.override(settings.LANGUAGE_CODE):
            for member in members.order_by("pk"):
                work = _new_work(org, member, tree, rows, today, told.get(member.pk, set()))
                if work:
                    _send(org, member, work)
                    sent += 1
    return sent


@task()
def open_work_reminders_task() -> int:
    sent = open_work_reminders_send()
    logger.info("open work reminders: %d e-mail(s) sent", sent)
    return sent
