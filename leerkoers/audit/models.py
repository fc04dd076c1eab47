from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Readable names of the actions the foundation records; other actions show their code.
ACTION_LABELS = {
    "invitation.create": _("Invitation sent"),
    "invitation.accept": _("Invitation accepted"),
    "invitation.revoke": _("Invitation withdrawn"),
    "membership.change_role": _("Role changed"),
    "membership.change_team": _("Team of a member changed"),
    "membership.remove": _("Member removed"),
    "team.create": _("Team added"),
    "team.update": _("Team changed"),
    "api_token.create": _("API token created"),
    "api_token.revoke": _("API token revoked"),
}


class AuditEvent(models.Model):
    """Who changed what, when, in which organisation. Written by services, never edited."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["organization", "-created"])]

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))
