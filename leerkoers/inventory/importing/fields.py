"""The fields an import can fill, with the Dutch and English headers that name them.

`recognise(header, kind)` maps each column of a file to a field (or to nothing); the mapping
screen and `--mapping` override it. A mapping is `{column header: field name}`.
"""

from dataclasses import dataclass
from functools import partial

from django.utils.translation import gettext_lazy as _

from leerkoers.inventory.importing import values
from leerkoers.inventory.models import Activity, ImportKind, Participation
from leerkoers.lib.field_limits import checked, field_of
from leerkoers.orgs.models import Team

KIND_WORDS = {
    "training": "training", "cursus": "course", "course": "course", "opleiding": "course", "education": "course",
    "e-learning": "e_learning", "elearning": "e_learning", "online": "e_learning", "online cursus": "e_learning",
    "e_learning": "e_learning", "workshop": "workshop", "congres": "conference", "conference": "conference",
    "seminar": "conference", "symposium": "conference", "coaching": "coaching", "mentoring": "coaching",
    "intervisie": "coaching", "on the job": "on_the_job", "on_the_job": "on_the_job", "werkplekleren": "on_the_job",
    "leren op de werkplek": "on_the_job", "certificering": "certification", "certification": "certification",
    "compliance": "certification", "overig": "other", "anders": "other", "other": "other",
}  # fmt: skip
INITIATOR_WORDS = {
    "hr": "hr", "l&d": "hr", "hr/l&d": "hr", "hr / l&d": "hr", "p&o": "hr", "hrm": "hr", "opleidingen": "hr",
    "manager": "manager", "leidinggevende": "manager", "teamleider": "manager", "afdelingshoofd": "manager",
    "medewerker": "employee", "employee": "employee", "werknemer": "employee", "zelf": "employee",
    "eigen initiatief": "employee", "self": "employee", "bestuur": "board", "board": "board", "directie": "board",
    "mt": "board", "management": "board", "managementteam": "board", "rvb": "board", "raad van bestuur": "board",
}  # fmt: skip
STATUS_WORDS = {
    "ingeschreven": "enrolled", "aangemeld": "enrolled", "enrolled": "enrolled", "registered": "enrolled",
    "not started": "enrolled", "niet gestart": "enrolled", "bezig": "in_progress", "gestart": "in_progress",
    "in progress": "in_progress", "in_progress": "in_progress", "started": "in_progress", "lopend": "in_progress",
    "afgerond": "completed", "voltooid": "completed", "behaald": "completed", "geslaagd": "completed",
    "completed": "completed", "complete": "completed", "passed": "completed", "done": "completed",
    "niet gehaald": "failed", "gezakt": "failed", "niet behaald": "failed", "failed": "failed",
    "geannuleerd": "cancelled", "afgemeld": "cancelled", "cancelled": "cancelled", "canceled": "cancelled",
    "withdrawn": "cancelled",
}  # fmt: skip
LEVEL_WORDS = {
    "0": 0, "geen": 0, "none": 0, "niet geevalueerd": 0, "not evaluated": 0,
    "1": 1, "niveau 1": 1, "level 1": 1, "reactie": 1, "reaction": 1, "tevredenheid": 1,
    "2": 2, "niveau 2": 2, "level 2": 2, "leren": 2, "learning": 2, "kennis": 2,
    "3": 3, "niveau 3": 3, "level 3": 3, "gedrag": 3, "behaviour": 3, "behavior": 3, "toepassing": 3,
    "4": 4, "niveau 4": 4, "level 4": 4, "resultaat": 4, "resultaten": 4, "results": 4, "effect": 4,
}  # fmt: skip


def _level(raw):
    if values.is_blank(raw):
        return 0
    if isinstance(raw, int | float) and not isinstance(raw, bool) and raw in (0, 1, 2, 3, 4):
        return int(raw)
    key = values.normalize(raw)
    for word, level in LEVEL_WORDS.items():
        if values.normalize(word) == key:
            return level
    raise ValueError(str(_("“%(value)s” is not an evaluation level (0 to 4).") % {"value": raw}))


def _stored_as(model, name: str, parser):
    """`parser`, then the model field's own limits (digits, range, sign): the import refuses
    exactly what the form and the API refuse, and nothing the table cannot hold gets in."""
    model_field = field_of(model, name)

    def parse(raw):
        return checked(model_field, parser(raw))

    return parse


def _text(model, name: str, *, required: bool = False):
    """Text no longer than the model field allows (its max_length)."""
    limit = field_of(model, name).max_length

    def parse(raw):
        text = values.parse_text(raw, limit)
        if required and not text:
            raise ValueError(str(_("This field is required.")))
        return text

    return parse


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    headers: tuple[str, ...]
    parse: object
    required: bool = False


def _activity_fields() -> list[Field]:
    return [
        Field("title", _("Title"), ("titel", "title", "naam", "name", "activiteit", "activity", "naam activiteit",
              "opleiding", "training", "cursus", "course", "course name", "course title", "cursusnaam",
              "naam opleiding", "omschrijving"), _text(Activity, "title", required=True), required=True),
        Field("kind", _("Kind"), ("soort", "type", "vorm", "leervorm", "kind", "activity type", "soort activiteit",
              "type activiteit", "format"),
              values.choice_parser(KIND_WORDS, "training, cursus, e-learning, workshop, congres, coaching, "
                                   "on the job, certificering, overig")),
        Field("provider", _("Provider"), ("aanbieder", "leverancier", "opleider", "provider", "vendor", "supplier",
              "opleidingsinstituut", "trainer", "bureau"), _text(Activity, "provider")),
        Field("initiator", _("Initiated by"), ("initiatiefnemer", "initiatief", "aangevraagd door", "initiator",
              "requested by", "initiated by", "aanvrager"),
              values.choice_parser(INITIATOR_WORDS, "HR, manager, medewerker, bestuur")),
        Field("teams", _("Teams"), ("team", "teams", "afdeling", "afdelingen", "department", "departments",
              "doelgroep", "target group", "unit"), partial(values.parse_text, max_length=2000)),
        Field("start_date", _("Start date"), ("startdatum", "begindatum", "start", "start date", "datum", "date",
              "van", "from", "begin"), values.parse_date),
        Field("end_date", _("End date"), ("einddatum", "end date", "eind", "end", "tot", "to", "tot en met"),
              values.parse_date),
        Field("hours_per_participant", _("Hours per participant"), ("uren", "uren per deelnemer", "studie uren",
              "studieuren", "studiebelasting", "duur uren", "duur", "hours", "hours per participant", "duration",
              "duration hours", "contacturen"), _stored_as(Activity, "hours_per_participant", values.parse_decimal)),
        Field("cost", _("Cost (euros)"), ("kosten", "kosten totaal", "totale kosten", "bedrag", "prijs", "cost",
              "costs", "price", "amount", "total cost", "kosten eur", "investering", "uitgaven", "spend"),
              _stored_as(Activity, "cost", values.parse_decimal)),
        Field("participants", _("Number of participants"), ("deelnemers", "aantal deelnemers", "aantal",
              "participants", "number of participants", "attendees", "headcount"),
              _stored_as(Activity, "participants", values.parse_int)),
        Field("goal", _("Goal"), ("doel", "leerdoel", "doelstelling", "goal", "objective", "purpose",
              "learning objective", "waarom"), partial(values.parse_text, max_length=5000)),
        Field("result", _("Result"), ("resultaat", "opbrengst", "result", "outcome", "results", "effect"),
              partial(values.parse_text, max_length=5000)),
        Field("result_measure", _("How the result was measured"), ("gemeten door", "meting", "hoe gemeten",
              "meetmethode", "measured by", "measurement", "evaluation method", "evaluatiemethode"),
              _text(Activity, "result_measure")),
        Field("evaluation_level", _("Evaluation level"), ("evaluatieniveau", "evaluatie niveau", "kirkpatrick",
              "niveau evaluatie", "evaluation level", "evaluatie", "evaluation"), _level),
        Field("mandatory", _("Mandatory"), ("verplicht", "compliance", "mandatory", "required", "wettelijk verplicht"),
              values.parse_bool),
        Field("external_id", _("External id"), ("id", "extern id", "externe id", "code", "cursuscode",
              "activiteit id", "activity id", "external id", "course id", "course code", "opleidingscode"),
              _text(Activity, "external_id")),
    ]  # fmt: skip


def _participation_fields() -> list[Field]:
    return [
        Field("person", _("Person (employee number or e-mail)"), ("medewerker", "personeelsnummer",
              "medewerkernummer", "personeelsnr", "e-mail", "email", "e-mailadres", "emailadres", "employee",
              "employee number", "employee id", "user", "user id", "learner", "learner id", "deelnemer",
              "participant", "persoon", "person"), _text(Participation, "person_key", required=True), required=True),
        Field("activity", _("Activity (title)"), ("activiteit", "training", "cursus", "opleiding", "course",
              "course title", "course name", "activity", "titel", "title", "naam activiteit", "cursusnaam"),
              _text(Activity, "title")),
        Field("activity_external_id", _("Activity (external id)"), ("cursuscode", "activiteit id", "course id",
              "course code", "activity id", "opleidingscode", "extern id", "external id", "code"),
              _text(Activity, "external_id")),
        Field("team", _("Team"), ("team", "afdeling", "department", "unit", "organisatie eenheid"),
              _text(Team, "name")),
        Field("status", _("Status"), ("status", "voortgang", "completion status", "progress", "state"),
              values.choice_parser(STATUS_WORDS, "ingeschreven, bezig, afgerond, niet gehaald, geannuleerd")),
        Field("completion_date", _("Completion date"), ("afgerond op", "datum afgerond", "voltooid op",
              "afrondingsdatum", "datum voltooid", "completion date", "completed on", "date completed",
              "completed", "datum", "date"), values.parse_date),
        Field("enrolled_on", _("Enrolment date"), ("inschrijfdatum", "datum inschrijving", "ingeschreven op",
              "aangemeld op", "aanmelddatum", "startdatum", "gestart op", "enrolment date", "enrollment date",
              "enrolled on", "registration date", "registered on", "start date", "started on"), values.parse_date),
        Field("hours", _("Hours"), ("uren", "studie uren", "studieuren", "hours", "time spent", "duur",
              "duration", "tijd"), _stored_as(Participation, "hours", values.parse_decimal)),
        Field("score", _("Score"), ("score", "cijfer", "resultaat", "grade", "result", "punten", "points"),
              _stored_as(Participation, "score", values.parse_decimal)),
    ]  # fmt: skip


def fields_for(kind: str) -> list[Field]:
    return _activity_fields() if kind == ImportKind.ACTIVITIES else _participation_fields()


def recognise(header: list[str], kind: str) -> dict[str, str]:
    """Map each recognised column header to a field; each field is used at most once."""
    by_word: dict[str, str] = {}
    for field in fields_for(kind):
        for word in (field.name, *field.headers):
            by_word.setdefault(values.normalize(word), field.name)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for column in header:
        name = by_word.get(values.normalize(column))
        if name and name not in used and column not in mapping:
            mapping[column] = name
            used.add(name)
    return mapping


def header_test(kind: str):
    """The reader's test for this kind's header row: two or more recognised column names."""

    def is_header(cells: list) -> bool:
        return len(recognise([str(c) for c in cells if not values.is_blank(c)], kind)) >= 2

    return is_header
