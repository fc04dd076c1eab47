"""Comparing two exported versions by their stored figures: pure, over plain data."""

from dataclasses import dataclass

CHANGED, ADDED, REMOVED = "changed", "added", "removed"


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    old: str | None  # None: the figure was not in the older version
    new: str | None  # None: it is not in the newer one
    kind: str


def _differs(old: dict, new: dict) -> bool:
    # Numbers decide where both versions have them: "€ 1.250" (nl) and "€1,250" (en) are equal.
    if old.get("number") is not None and new.get("number") is not None:
        return round(float(old["number"]), 4) != round(float(new["number"]), 4)
    return old["value"] != new["value"]


def changes(old: list[dict], new: list[dict]) -> list[Change]:
    """The figures whose written value differs between `old` and `new` (each a list of
    {"key", "label", "value", "number"}), in the newer version's order, then those only in the older.
    Figures are matched by key, so versions in different languages compare too; the label
    is the newer version's."""
    before = {figure["key"]: figure for figure in old}
    after = {figure["key"]: figure for figure in new}
    found = []
    for key, figure in after.items():
        if key not in before:
            found.append(Change(key, figure["label"], None, figure["value"], ADDED))
        elif _differs(before[key], figure):
            found.append(Change(key, figure["label"], before[key]["value"], figure["value"], CHANGED))
    found += [Change(key, f["label"], f["value"], None, REMOVED) for key, f in before.items() if key not in after]
    return found
