"""Reads of the policy document's versions (without their files)."""

from django.http import HttpResponse

from leerkoers.policy.models import PolicyExport


def versions(organization, limit: int = 100) -> list[PolicyExport]:
    """The latest `limit` versions, newest first, with their author; the file is not loaded."""
    return list(
        PolicyExport.objects.filter(organization=organization)
        .defer("content", "figures")
        .select_related("created_by")
        .order_by("-number")[:limit]
    )


def file_response(export: PolicyExport) -> HttpResponse:
    """The version's file as a download (the page and the API serve it alike)."""
    response = HttpResponse(bytes(export.content), content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
