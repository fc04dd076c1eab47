"""xAPI 1.0.3 statements → participation records.

A statement's actor (mbox or account name) is the person, its object (an Activity IRI) the
learning activity (created on first sight, found again by `external_id` = the IRI), its verb
the status. Statements are validated before anything is stored; a batch is all or nothing.
Idempotent by statement id: the same id with the same content is accepted again without a
duplicate; the same id with other content is a conflict (HTTP 409).
"""

import datetime as dt
import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from leerkoers.audit.services import audit_record
from leerkoers.inventory.importing.keys import People, natural_key
from leerkoers.inventory.importing.writer import refresh_participation_counts
from leerkoers.inventory.models import (
    Activity,
    Participation,
    ParticipationStatus,
    Source,
    XapiStatement,
    occasion_of,
)
from leerkoers.inventory.selectors import bump_revision

VERB_STATUS = {
    "completed": ParticipationStatus.COMPLETED, "passed": ParticipationStatus.COMPLETED,
    "mastered": ParticipationStatus.COMPLETED, "failed": ParticipationStatus.FAILED,
    "attempted": ParticipationStatus.IN_PROGRESS, "launched": ParticipationStatus.IN_PROGRESS,
    "initialized": ParticipationStatus.IN_PROGRESS, "progressed": ParticipationStatus.IN_PROGRESS,
    "experienced": ParticipationStatus.IN_PROGRESS, "resumed": ParticipationStatus.IN_PROGRESS,
    "registered": ParticipationStatus.ENROLLED, "satisfied": ParticipationStatus.COMPLETED,
}  # fmt: skip
RANK = {"enrolled": 0, "in_progress": 1, "failed": 2, "completed": 3, "cancelled": 0}
MAX_STATEMENTS = 1000
_IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]+$")
_DURATION = re.compile(r"^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


class XapiInvalid(Exception):
    def __init__(self, errors: list[dict]):
        super().__init__("invalid statements")
        self.errors = errors


class XapiConflict(Exception):
    def __init__(self, ids: list[str]):
        super().__init__("conflicting statement ids")
        self.ids = ids


@dataclass
class StoreResult:
    ids: list[str] = field(default_factory=list)
    stored: int = 0
    repeated: int = 0


@dataclass
class _Statement:
    id: uuid.UUID
    person: str
    verb: str
    status: str
    activity_iri: str
    title: str
    score: Decimal | None
    hours: Decimal | None
    timestamp: dt.datetime | None
    content_hash: str


def content_hash(statement: dict) -> str:
    # `stored`, `authority` and `version` are set by an LRS, not by the statement's author.
    body = {k: v for k, v in statement.items() if k not in ("stored", "authority", "version")}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _validate(index: int, statement, errors: list[dict]) -> _Statement | None:
    def fail(path: str, message: str) -> None:
        errors.append({"statement": index, "field": path, "message": message})

    if not isinstance(statement, dict):
        fail("", _("A statement must be a JSON object."))
        return None
    before = len(errors)
    raw_id = statement.get("id")
    statement_id = None
    if raw_id is None:
        statement_id = uuid.uuid4()
        statement = {**statement, "id": str(statement_id)}
    else:
        try:
            statement_id = uuid.UUID(str(raw_id))
            if str(statement_id) != str(raw_id).lower():
                raise ValueError
        except ValueError:
            fail("id", _("The id must be a UUID."))
    actor = statement.get("actor")
    person = ""
    if not isinstance(actor, dict):
        fail("actor", _("The actor is missing."))
    else:
        mbox, account = actor.get("mbox"), actor.get("account")
        if isinstance(mbox, str) and mbox.startswith("mailto:") and "@" in mbox:
            person = mbox[7:].strip().lower()
        elif isinstance(account, dict) and account.get("name") and account.get("homePage"):
            person = str(account["name"]).strip()
        elif actor.get("mbox_sha1sum") or actor.get("openid"):
            person = str(actor.get("mbox_sha1sum") or actor.get("openid"))
        else:
            fail("actor", _("The actor needs an mbox (mailto:…) or an account with homePage and name."))
    verb = statement.get("verb")
    verb_id = verb.get("id") if isinstance(verb, dict) else None
    if not isinstance(verb_id, str) or not _IRI.match(verb_id):
        fail("verb.id", _("The verb needs an id that is an IRI."))
        verb_id = ""
    obj = statement.get("object")
    iri, title = "", ""
    if not isinstance(obj, dict) or obj.get("objectType", "Activity") != "Activity":
        fail("object", _("The object must be an Activity."))
    else:
        iri = obj.get("id") if isinstance(obj.get("id"), str) else ""
        if not _IRI.match(iri):
            fail("object.id", _("The activity needs an id that is an IRI."))
        elif len(iri) > 500:
            fail("object.id", _("The activity id is longer than 500 characters."))
        names = (obj.get("definition") or {}).get("name") if isinstance(obj.get("definition"), dict) else None
        if isinstance(names, dict) and names:
            title = str(
                names.get("nl-NL")
                or names.get("nl")
                or names.get("en-US")
                or names.get("en")
                or next(iter(names.values()))
            )
    timestamp = None
    if "timestamp" in statement:
        timestamp = parse_datetime(str(statement["timestamp"])) if isinstance(statement["timestamp"], str) else None
        if timestamp is None:
            fail("timestamp", _("The timestamp must be an ISO 8601 date and time."))
    score, hours = None, None
    result = statement.get("result")
    if result is not None:
        if not isinstance(result, dict):
            fail("result", _("The result must be a JSON object."))
        else:
            score = _score(result.get("score"), fail)
            duration = result.get("duration")
            if duration is not None:
                match = _DURATION.match(str(duration)) if isinstance(duration, str) else None
                if not match or duration in ("P", "PT"):
                    fail("result.duration", _("The duration must be an ISO 8601 duration such as PT1H30M."))
                else:
                    d, h, m, s = (Decimal(x) if x else Decimal(0) for x in match.groups())
                    hours = (d * 24 + h + m / 60 + s / 3600).quantize(Decimal("0.01"))
    if len(errors) > before:
        return None
    name = verb_id.rstrip("/").rsplit("/", 1)[-1].lower()
    status = VERB_STATUS.get(name, ParticipationStatus.IN_PROGRESS)
    if name == "completed" and isinstance(result, dict) and result.get("success") is False:
        status = ParticipationStatus.FAILED
    return _Statement(
        statement_id,
        person,
        verb_id,
        status,
        iri,
        (title or iri)[:300],
        score,
        hours,
        timestamp,
        content_hash(statement),
    )


def _score(score, fail) -> Decimal | None:
    if score is None:
        return None
    if not isinstance(score, dict):
        fail("result.score", _("The score must be a JSON object."))
        return None

    def number(key):
        value = score.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            fail(f"result.score.{key}", _("The score must be a number."))
            return None
        return Decimal(str(value))

    scaled, raw, low, high = number("scaled"), number("raw"), number("min"), number("max")
    if scaled is not None and not (-1 <= scaled <= 1):
        fail("result.score.scaled", _("The scaled score must lie between -1 and 1."))
        return None
    if low is not None and high is not None and low >= high:
        fail("result.score.min", _("The minimum score must be lower than the maximum."))
        return None
    if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
        fail("result.score.raw", _("The raw score must lie between the minimum and the maximum."))
        return None
    if scaled is not None:
        return (scaled * 100).quantize(Decimal("0.01"))
    return raw


def statements_store(*, organization, payload, dry_run: bool = False, actor=None) -> StoreResult:
    """Validate and store one statement (a dict) or a list of them; raises XapiInvalid or
    XapiConflict (nothing stored in either case)."""
    statements = payload if isinstance(payload, list) else [payload]
    if not statements:
        raise XapiInvalid([{"statement": 0, "field": "", "message": _("There are no statements.")}])
    if len(statements) > MAX_STATEMENTS:
        raise XapiInvalid(
            [
                {
                    "statement": 0,
                    "field": "",
                    "message": _("Send at most %(max)d statements at once.") % {"max": MAX_STATEMENTS},
                }
            ]
        )
    errors: list[dict] = []
    valid = [_validate(i, s, errors) for i, s in enumerate(statements)]
    seen: dict[uuid.UUID, str] = {}
    for i, s in enumerate(valid):
        if s is None:
            continue
        if s.id in seen and seen[s.id] != s.content_hash:
            errors.append(
                {"statement": i, "field": "id", "message": _("The same id is used twice with other content.")}
            )
        seen[s.id] = s.content_hash
    if errors:
        raise XapiInvalid(errors)
    result = StoreResult(ids=[str(s.id) for s in valid])
    with transaction.atomic():
        known = dict(
            XapiStatement.objects.filter(organization=organization, statement_id__in=list(seen)).values_list(
                "statement_id", "content_hash"
            )
        )
        conflicts = [str(i) for i, h in seen.items() if i in known and known[i] != h]
        if conflicts:
            raise XapiConflict(conflicts)
        if dry_run:
            return result
        people = People(organization)
        touched = set()
        done: set[uuid.UUID] = set()
        for s in valid:
            if s.id in known or s.id in done:
                result.repeated += 1
                continue
            done.add(s.id)
            participation = _apply(organization, s, people)
            touched.add(participation.activity_id)
            XapiStatement.objects.create(
                organization=organization,
                statement_id=s.id,
                content_hash=s.content_hash,
                participation=participation,
                verb=s.verb[:500],
            )
            result.stored += 1
        if result.stored:
            refresh_participation_counts(organization, sorted(touched))
            audit_record(
                organization=organization,
                actor=actor,
                action="inventory.xapi",
                summary=f"{result.stored} xAPI statements stored",
            )
            transaction.on_commit(lambda: bump_revision(organization))
    return result


def _apply(organization, s: _Statement, people: People) -> Participation:
    activity = Activity.objects.filter(organization=organization, external_id=s.activity_iri).first()
    if activity is None:
        activity = Activity.objects.create(
            organization=organization,
            title=s.title,
            external_id=s.activity_iri,
            kind="e_learning",
            source=Source.XAPI,
            natural_key=natural_key(s.title, "", None),
        )
    person_key, membership_id, team_id = people.resolve(s.person)
    participation = _participation_for(organization, activity, person_key, s)
    if participation is None:
        participation = Participation(
            organization=organization,
            activity=activity,
            person_key=person_key,
            membership_id=membership_id,
            team_id=team_id,
            status=s.status,
            source=Source.XAPI,
        )
    # A later "attempted" does not undo a completion.
    if participation.pk is None or RANK.get(s.status, 0) >= RANK.get(participation.status, 0):
        participation.status = s.status
        if s.status in (ParticipationStatus.COMPLETED, ParticipationStatus.FAILED):
            participation.completion_date = s.timestamp.date() if s.timestamp else participation.completion_date
    participation.occasion = occasion_of(participation.completion_date, participation.enrolled_on)
    if s.score is not None:
        participation.score = s.score
    if s.hours is not None:
        participation.hours = s.hours
    participation.statement_id = s.id
    participation.save()
    return participation


def _participation_for(organization, activity, person_key: str, s: _Statement) -> Participation | None:
    """The participation a statement is about: for a completion on a date, the one with that
    completion date, else the person's open one (no completion date yet); for anything else,
    the open one, else the latest. None: a new participation (a first one, or a retake)."""
    mine = Participation.objects.filter(organization=organization, activity=activity, person_key=person_key)
    ends = s.status in (ParticipationStatus.COMPLETED, ParticipationStatus.FAILED) and s.timestamp
    if ends:
        same_day = mine.filter(completion_date=s.timestamp.date()).first()
        if same_day is not None:
            return same_day
    open_one = mine.filter(completion_date__isnull=True).order_by("-pk").first()
    if open_one is not None or ends:
        return open_one
    return mine.order_by("-completion_date", "-pk").first()
