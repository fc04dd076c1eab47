"""Demo data of the policy document: one exported version per demo organisation."""

from leerkoers.policy.models import Format, PolicyExport
from leerkoers.policy.services import policy_export_create


def seed(*, demo, other, small: bool) -> None:
    """Idempotent: an organisation that has a version keeps it."""
    for organization in (demo, other):
        if not PolicyExport.objects.filter(organization=organization).exists():
            policy_export_create(organization=organization, actor=None, format=Format.DOCX, language="nl")
