"""The readiness-scan result a visitor brings along (`/sessie/?scan=<response uuid>`).

The booking keeps the response's UUID; this module turns it into something to show.
"""

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class ScanLink:
    uuid: UUID
    url: str | None = None


def scan_link(value: UUID) -> ScanLink:
    return ScanLink(value)
