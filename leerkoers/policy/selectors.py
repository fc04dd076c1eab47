"""Reads of the policy document's versions (without their files)."""

from leerkoers.policy.models import PolicyExport


def versions(organization, limit: int = 100) -> list[PolicyExport]:
    """The latest `limit` versions, newest first, with their author; the file is not loaded."""
    return list(
        PolicyExport.objects.filter(organization=organization)
        .defer("content", "figures")
        .select_related("created_by")
        .order_by("-number")[:limit]
    )
