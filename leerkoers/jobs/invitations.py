"""Single-use personal links e-mailed to every member of an organisation, in a background job.

A step that asks members anonymously (the readiness scan, vision rounds) describes its links
once in a `PersonalLinks` (its invitation model, e-mail, link and audit action) and calls
`invitations_start` from its page; this module keeps the rest in one place: a job with
progress, a task that creates the rows (only each token's hash) and sends the e-mails in
chunks, and the audit record.

The invitation model has `organization`, `round` (a model with `organization`, `public_id`
and `is_open`), `membership`, `layer` and a unique `token_hash`.
"""

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass

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
    layer_for_role: Mapping[str, str]
    default_layer: str
    action: str

    @property
    def round_model(self) -> type[models.Model]:
        return self.model._meta.get_field("round").related_model


def invitations_kind(links: PersonalLinks, round_) -> str:
    """The Job kind of a round's e-mailing, so that its page can show the progress."""
    return f"{links.kind}:{round_.public_id}"


def invitations_job(links: PersonalLinks, round_) -> Job | None:
    """The latest e-mailing of a round's personal links (its page shows the progress)."""
    jobs = Job.objects.filter(organization=round_.organization, kind=invitations_kind(links, round_))
    return jobs.select_related("organization").order_by("-created").first()


def _closed() -> ValidationError:
    return ValidationError(_("This round is closed; no more invitations can be sent."))


def invitations_start(*, links: PersonalLinks, round_, actor, language: str) -> Job:
    """Start e-mailing personal links in the background; refused for a closed round."""
    if not round_.is_open:
        raise _closed()
    job = job_create(
        organization=round_.organization,
        kind=invitations_kind(links, round_),
        title=_("E-mailing personal links"),
        created_by=actor,
    )
    invitations_send_task.enqueue(links.name, round_.pk, str(job.pk), getattr(actor, "pk", None), language)
    return job


def invitations_send(*, links: PersonalLinks, round_, actor, progress=None, chunk: int = 200) -> int:
    """E-mail a personal single-use link to every member not invited to this round yet.

    Returns how many were sent. Works in chunks (rows stored, then that chunk's e-mails sent)
    and reports `progress(done, total)`. Refused for a closed round.
    """
    if not round_.is_open:
        raise _closed()
    organization = round_.organization
    invited = links.model.objects.filter(organization=organization, round=round_).values_list(
        "membership_id", flat=True
    )
    members = list(
        Membership.objects.filter(organization=organization)
        .exclude(pk__in=list(invited))
        .select_related("user")
        .order_by("pk")
    )
    sent = 0
    for start in range(0, len(members), chunk):
        messages, rows = [], []
        for member in members[start : start + chunk]:
            raw = PERSONAL_PREFIX + secrets.token_urlsafe(24)
            layer = links.layer_for_role.get(member.role, links.default_layer)
            rows.append(
                links.model(
                    organization=organization, round=round_, membership=member, layer=layer, token_hash=hash_token(raw)
                )
            )
            context = {"organization": organization, "round": round_, "link": links.link_url(raw), "member": member}
            with translation.override(settings.LANGUAGE_CODE):
                subject = str(links.subject) % {"org": organization.name}
                messages.append((subject, render_to_string(links.template, context), None, [member.user.email]))
        # Rows first: a link in an e-mail always exists; a crash between the two leaves
        # members marked invited without an e-mail, never an e-mail with a dead link.
        links.model.objects.bulk_create(rows)
        send_mass_mail(messages, fail_silently=False)
        sent += len(rows)
        if progress is not None:
            progress(sent, len(members))
    audit_record(
        organization=organization,
        actor=actor,
        action=links.action,
        target=round_,
        summary=_("%(count)s personal links") % {"count": sent},
    )
    return sent


@task()
def invitations_send_task(links_name: str, round_id: int, job_id: str, actor_id: int | None, language: str) -> None:
    links = import_string(links_name)
    if not isinstance(links, PersonalLinks):
        raise TypeError(f"{links_name} is not a PersonalLinks")
    with translation.override(language):
        round_ = links.round_model.objects.select_related("organization").get(pk=round_id)
        actor = User.objects.filter(pk=actor_id).first() if actor_id else None
        try:
            sent = invitations_send(links=links, round_=round_, actor=actor, progress=ProgressReporter(job_id))
        except ValidationError as exc:
            job_fail(job_id, message=" ".join(exc.messages))
            return
        job_finish(job_id, result={"sent": sent}, message=_("%(count)s personal links sent.") % {"count": sent})
