"""Reads of the policy document's versions (without their files)."""

from django.http import HttpResponse

from leerkoers.policy import compare
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


def version_changes(
    first: PolicyExport, second: PolicyExport
) -> tuple[PolicyExport, PolicyExport, list[compare.Change]]:
    """The two versions, the older first whichever way they were named, and the figures that
    changed from the older to the newer (the page and the API compare alike)."""
    older, newer = (second, first) if first.number > second.number else (first, second)
    return older, newer, compare.changes(older.figures, newer.figures)
