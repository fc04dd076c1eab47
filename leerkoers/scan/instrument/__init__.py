"""The questionnaire as data: one JSON file per published version (v1.json, v2.json, …).

A published file is never edited: change the wording or the items in a new version. The
database keeps a copy of every version that was answered (Instrument), and
`instrument_ensure` refuses to start when a file no longer matches its stored copy, so
responses are always scored on the definition they were given with.
"""

import json
import re
from functools import cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DIRECTORY = Path(__file__).resolve().parent
LANGUAGES = ("nl", "en")


@cache
def versions() -> tuple[int, ...]:
    found = [int(m.group(1)) for p in DIRECTORY.glob("v*.json") if (m := re.fullmatch(r"v(\d+)\.json", p.name))]
    return tuple(sorted(found))


def current_version() -> int:
    return versions()[-1]


@cache
def definition(version: int) -> dict:
    """The definition of a version as published (read once per process; it never changes)."""
    if version not in versions():
        raise KeyError(version)
    data = json.loads((DIRECTORY / f"v{version}.json").read_text(encoding="utf-8"))
    if data.get("version") != version:
        raise ImproperlyConfigured(f"v{version}.json says it is version {data.get('version')}")
    return data


def item_ids(version: int) -> list[str]:
    return [item["id"] for dim in definition(version)["dimensions"] for item in dim["items"]]


def dimension_ids(version: int) -> list[str]:
    return [dim["id"] for dim in definition(version)["dimensions"]]


def text(value: dict, lang: str) -> str:
    """A translated text of the definition: the language asked for, else Dutch."""
    return value.get(lang) or value["nl"]
