"""The readiness-scan result a visitor brings along (`/sessie/?scan=<response public_id>`).

A booking keeps the response's UUID and links the ScanResponse itself. Only a public
response (no organisation), or one of the organisation the booking is made in, can be
attached: a round's response of another organisation never travels into a booking.
"""

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Q
from django.urls import reverse

from leerkoers.scan.models import ScanResponse
from leerkoers.scan.scoring import LEVEL_LABELS


@dataclass(frozen=True)
class ScanLink:
    uuid: UUID
    url: str | None = None
    score: int | None = None
    level: str = ""


def find_scan(value: UUID | None, *, organization=None) -> ScanResponse | None:
    if value is None:
        return None
    allowed = Q(organization__isnull=True)
    if organization is not None:
        allowed |= Q(organization=organization)
    return ScanResponse.objects.filter(allowed, public_id=value).first()


def scan_link(response: ScanResponse | None) -> ScanLink | None:
    if response is None:
        return None
    return ScanLink(
        uuid=response.public_id,
        url=reverse("scan_public:result", kwargs={"response_id": response.public_id}),
        score=round(response.overall_score) if response.overall_score is not None else None,
        level=str(LEVEL_LABELS.get(response.level, "")),
    )
