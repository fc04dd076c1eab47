"""How imported rows find what they update: activity natural keys, participant pseudonyms,
members and teams."""

import datetime as dt
import hashlib
import hmac
import re

from django.conf import settings

from leerkoers.inventory.importing.values import normalize
from leerkoers.orgs.models import Membership, Team


def natural_key(title: str, provider: str, start_date: dt.date | None) -> str:
    """The stable key of an activity without an external id: title + provider + start date."""
    text = "|".join((normalize(title), normalize(provider or ""), start_date.isoformat() if start_date else ""))
    return hashlib.sha256(text.encode()).hexdigest()


def pseudonym(identifier: str) -> str:
    """A keyed hash for a participant who is not a member: stable across imports, not reversible."""
    digest = hmac.new(
        settings.INVENTORY_PSEUDONYM_KEY.encode(), identifier.strip().lower().encode(), hashlib.sha256
    ).hexdigest()
    # 80 bits: collisions are negligible for millions of people, and a short key keeps the
    # two indexes that hold it small (a million-row import writes them both).
    return "~" + digest[:20]


def person_keys_for_search(text: str) -> list[str]:
    """What a participant typed in a search box may be stored as: as is, lower case, or pseudonym."""
    text = text.strip()
    return list(dict.fromkeys([text, text.lower(), pseudonym(text.lower())]))


class People:
    """Resolves a participant (employee number or e-mail) to (person_key, membership id, team id).

    Answers are cached by the text as written: an LMS export names the same people over and
    over, so `map(people.resolve, column)` costs one dict lookup for nearly every row."""

    def __init__(self, organization):
        self.by_key: dict[str, tuple[str, int, int | None]] = {}
        for pk, number, email, team_id in Membership.objects.filter(organization=organization).values_list(
            "pk", "employee_number", "user__email", "team_id"
        ):
            if number:
                self.by_key[number.strip().lower()] = (number.strip(), pk, team_id)
            self.by_key[email.lower()] = (email.lower(), pk, team_id)
        self.cache: dict[str, tuple[str, int | None, int | None]] = {}

    def resolve(self, identifier: str) -> tuple[str, int | None, int | None]:
        try:
            return self.cache[identifier]
        except KeyError:
            pass
        key = identifier.strip().lower()
        if key.startswith("mailto:"):
            key = key[7:]
        found = self.by_key.get(key)
        result = found if found is not None else (pseudonym(key), None, None)
        self.cache[identifier] = result
        return result


def team_lookup(organization) -> dict[str, int]:
    """Team id by normalised name."""
    return {
        normalize(name): pk for pk, name in Team.objects.filter(organization=organization).values_list("pk", "name")
    }


def split_teams(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,|/\n]+", text or "") if part.strip()]
