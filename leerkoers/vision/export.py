"""The CSV of a round's anonymised rating matrix: statement × layer counts, thresholds applied.

Built from results.RoundResults only, so the export can show no more than the page: a layer
without enough ratings on a statement has empty cells. The page and the API both answer with
`ratings_response`.
"""

import csv

from django.http import HttpResponse
from django.utils.translation import gettext as _

from leerkoers.vision.results import RoundResults


def _csv_safe(text: str) -> str:
    """Statements are typed by participants: never let a spreadsheet read one as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def ratings_rows(result: RoundResults) -> list[list]:
    """The header and one row per statement and layer; empty figures where they may not show."""
    rows = [
        [_("statement"), _("result"), _("layer"), _("ratings"), _("agree"), _("disagree"), _("pass"), _("agree share")]
    ]
    for row in result.rows:
        text = _csv_safe(row.statement.text)
        for cell in row.cells:
            if cell.shown:
                figures = [cell.votes, cell.raw_agree, cell.raw_disagree, cell.raw_pass, f"{cell.agree:.3f}"]
            else:
                figures = [""] * 5
            rows.append([text, row.result.kind, cell.layer, *figures])
    return rows


def ratings_response(result: RoundResults) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vision-{result.round.public_id}.csv"'
    csv.writer(response).writerows(ratings_rows(result))
    return response
