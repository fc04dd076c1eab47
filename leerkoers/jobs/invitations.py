"""Single-use personal links e-mailed in a background job: to every member of an
organisation, or to chosen members and typed e-mail addresses.

A step that asks people anonymously (the readiness scan, vision rounds, pilot evaluation
forms) describes its links once in a `PersonalLinks` (its invitation model, e-mail, link and
audit action) and calls `invitations_start` from its page; this module keeps the rest in one
place: a job with progress, a task that creates the rows (only each token's hash) and sends
the e-mails in chunks, and the audit record.

The invitation model has `organization`, a foreign key to the round (`round_field`, "round"
by default: a model with `organization`, `public_id` and `is_open`), `membership`, a unique
`token_hash`, and `layer` when the links have layers; `email` when people outside the
organisation's members may be invited.
"""

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import models
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from leerkoers.accounts.models import User
from leerkoers.audit.services import audit_record
from leerkoers.jobs.models import Job
from leerkoers.jobs.services import ProgressReporter, job_create, job_fail, job_finish
from leerkoers.orgs.models import Membership, hash_token

PERSONAL_PREFIX = "p-"


@dataclass(frozen=True)
class PersonalLinks:
    """What one step's personal links are: `name` is this object's dotted path (the task
    finds it again by it), `kind` the prefix of its jobs' kind, `subject` a text with
    %(org)s, `template` the e-mail's body, `link_url` the address of a raw token,
    `layer_for_role` the layer of a member's role (`default_layer` otherwise)."""

    name: str
    kind: str
    model: type[models.Model]
    subject: str
    template: str
    link_url: Callable[[str], str]
    action: str
    layer_for_role: Mapping[str, str] = field(default_factory=dict)
    default_layer: str = ""  # "": the invitations have no layer
    round_field: str = "round"
    closed_message: str = ""  # the refusal for a closed round, when the default does not fit

    @property
    def round_model(self) -> type[models.Model]:
        return self.model._meta.get_field(self.round_field).related_model

    @property
    def takes_emails(self) -> bool:
        return any(f.name == "email" for f in self.model._meta.fields)


def invitations_kind(links: PersonalLinks, round_) -> str:
    """The Job kind of a round's e-mailing, so that its page can show the progress."""
    return f"{links.kind}:{round_.public_id}"


def invitations_job(links: PersonalLinks, round_) -> Job | None:
    """The latest e-mailing of a round's personal links (its page shows the progress)."""
    jobs = Job.objects.filter(organization=round_.organization, kind=invitations_kind(links, round_))
    return jobs.select_related("organization").order_by("-created").first()


def _closed(links: PersonalLinks) -> ValidationError:
    return ValidationError(str(links.closed_message) or _("This round is closed; no more invitations can be sent."))


def invitations_start(
    *, links: PersonalLinks, round_, actor, language: str, member_ids: list[int] | None = None, emails=()
) -> Job:
    """Start e-mailing personal links in the background; refused for a closed round.

    Everyone in the organisation by default; with `member_ids` and/or `emails` only those
    members and addresses (see invitations_send)."""
    if not round_.is_open:
        raise _closed(links)
    if emails and not links.takes_emails:
        raise ValueError(f"{links.model.__name__} keeps no e-mail address")
    job = job_create(
        organization=round_.organization,
        kind=invitations_kind(links, round_),
        title=_("E-mailing personal links"),
        created_by=actor,
    )
    invitations_send_task.enqueue(
        links.name,
        round_.pk,
        str(job.pk),
        getattr(actor, "pk", None),
        language,
        None if member_ids is None else [int(pk) for pk in member_ids],
        [str(e) for e in emails],
    )
    return job


def _recipients(links: PersonalLinks, round_, member_ids, emails) -> list[tuple[Membership | None, str]]:
    """(membership or None, address) of everyone to invite who is not invited to this round
    yet. An address that is a member's own is that member; duplicates count once."""
    organization = round_.organization
    invited = links.model.objects.filter(organization=organization, **{links.round_field: round_})
    invited_members = set(invited.exclude(membership=None).values_list("membership_id", flat=True))
    members = Membership.objects.filter(organization=organization).select_related("user").order_by("pk")
    if member_ids is not None:
        members = members.filter(pk__in=list(member_ids))
    wanted = {m.pk: m for m in members}
    addresses = {e.strip().lower() for e in emails if e.strip()}
    if addresses:
        for member in Membership.objects.filter(organization=organization, user__email__in=addresses).select_related(
            "user"
        ):
            wanted.setdefault(member.pk, member)
    found = [(m, m.user.email) for pk, m in sorted(wanted.items()) if pk not in invited_members]
    known = {m.user.email.lower() for m in wanted.values()}
    if addresses - known:
        invited_emails = {e.lower() for e in invited.values_list("email", flat=True)}
        found += [(None, e) for e in sorted(addresses - known - invited_emails)]
    return found


def invitations_send(
    *, links: PersonalLinks, round_, actor, progress=None, chunk: int = 200, member_ids=None, emails=()
) -> int:
    """E-mail a personal single-use link to everyone not invited to this round yet: every
    member, or the members `member_ids` (of this organisation; others are ignored) and the
    addresses `emails` (for links whose model keeps an `email`).

    Returns how many were sent. Works in chunks (rows stored, then that chunk's e-mails sent)
    and reports `progress(done, total)`. Refused for a closed round.
    """
    if not round_.is_open:
        raise _closed(links)
    organization = round_.organization
    recipients = _recipients(links, round_, member_ids, emails)
    sent = 0
    for start in range(0, len(recipients), chunk):
        messages, rows = [], []
        for member, address in recipients[start : start + chunk]:
            raw = PERSONAL_PREFIX + secrets.token_urlsafe(24)
            values = {"organization": organization, links.round_field: round_, "membership": member}
            if links.default_layer:
                values["layer"] = (
                    links.layer_for_role.get(member.role, links.default_layer) if member else links.default_layer
                )
            if links.takes_emails and member is None:
                values["email"] = address
            rows.append(links.model(**values, token_hash=hash_token(raw)))
            context = {"organization": organization, "round": round_, "link": links.link_url(raw), "member": member}
            with translation.override(settings.LANGUAGE_CODE):
                subject = str(links.subject) % {"org": organization.name}
                messages.append((subject, render_to_string(links.template, context), None, [address]))
        # Rows first: a link in an e-mail always exists; a crash between the two leaves
        # members marked invited without an e-mail, never an e-mail with a dead link.
        links.model.objects.bulk_create(rows)
        send_mass_mail(messages, fail_silently=False)
        sent += len(rows)
        if progress is not None:
            progress(sent, len(recipients))
    audit_record(
        organization=organization,
        actor=actor,
        action=links.action,
        target=round_,
        summary=_("%(count)s personal links") % {"count": sent},
    )
    return sent


@task()
def invitations_send_task(
    links_name: str,
    round_id: int,
    job_id: str,
    actor_id: int | None,
    language: str,
    member_ids: list[int] | None = None,
    emails: list[str] | None = None,
) -> None:
    links = import_string(links_name)
    if not isinstance(links, PersonalLinks):
        raise TypeError(f"{links_name} is not a PersonalLinks")
    with translation.override(language):
        round_ = links.round_model.objects.select_related("organization").get(pk=round_id)
        actor = User.objects.filter(pk=actor_id).first() if actor_id else None
        try:
            sent = invitations_send(
                links=links,
                round_=round_,
                actor=actor,
                progress=ProgressReporter(job_id),
                member_ids=member_ids,
                emails=emails or (),
            )
        except ValidationError as exc:
            job_fail(job_id, message=" ".join(exc.messages))
            return
        job_finish(job_id, result={"sent": sent}, message=_("%(count)s personal links sent.") % {"count": sent})
