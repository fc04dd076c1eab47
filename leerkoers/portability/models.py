"""The one table of its own: a requested deletion of an organisation, waiting out its grace period."""

from django.conf import settings
from django.db import models


class DeletionRequest(models.Model):
    """An admin asked to delete the organisation; it goes at `due_at` unless cancelled first.

    At most one request is pending per organisation (cancelled ones stay as a record until
    the organisation itself goes, with everything else).
    """

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField()
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(cancelled_at__isnull=True),
                name="deletionrequest_one_pending_per_org",
            ),
        ]

    @property
    def is_pending(self) -> bool:
        return self.cancelled_at is None
