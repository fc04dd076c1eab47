from django.db import models

from leerkoers.audit.models import AuditEvent


def audit_record(
    *,
    organization,
    actor,
    action: str,
    target: models.Model | None = None,
    summary: str = "",
    changes: dict | None = None,
) -> AuditEvent:
    """Record one change. `actor` is a user, an ApiToken or None (system)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    if user is not None:
        label = user.email
    elif actor is not None and hasattr(actor, "prefix"):
        label = f"API token {actor.name} ({actor.prefix}…)"
    else:
        label = "system"
    return AuditEvent.objects.create(
        organization=organization,
        actor=user,
        actor_label=label,
        action=action,
        object_type=target._meta.label if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        summary=summary[:300],
        changes=changes or {},
    )
