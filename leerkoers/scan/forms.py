"""Reading the questionnaire form: one radio group per statement, values 1–5 or "dk"."""

from django.utils.translation import gettext as _

from leerkoers.orgs.models import Sector, SizeBand
from leerkoers.scan import instrument

DONT_KNOW = "dk"


def read_answers(data, version: int) -> tuple[dict, list[str], dict]:
    """(answers, missing item ids, raw values) from POST data; values stay as posted for re-display."""
    answers, missing, raw = {}, [], {}
    for item_id in instrument.item_ids(version):
        value = data.get(item_id, "")
        raw[item_id] = value
        if value == DONT_KNOW:
            answers[item_id] = None
        elif value in {"1", "2", "3", "4", "5"}:
            answers[item_id] = int(value)
        else:
            missing.append(item_id)
    return answers, missing, raw


def read_profile(data) -> tuple[str, str, list[str]]:
    sector, size_band, errors = data.get("sector", ""), data.get("size_band", ""), []
    if sector and sector not in Sector.values:
        errors.append(_("Choose a sector from the list."))
    if size_band and size_band not in SizeBand.values:
        errors.append(_("Choose a size from the list."))
    return sector, size_band, errors
