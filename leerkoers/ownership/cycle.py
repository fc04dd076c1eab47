"""Learning in the HR cycle: the learning agenda of each kind of conversation, the dates of
onboarding, and the calendar file of a member's conversations (pure, no database)."""

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _
from icalendar import Calendar, Event, vDuration

from leerkoers.ownership.models import ConversationKind

# What to talk about, per kind of conversation: the POP and its agreed goals come beside these.
PROMPTS = {
    ConversationKind.PLANNING: [
        _("Which organisation and team learning goals matter most for you this year?"),
        _("What do you want to learn, and which activity fits?"),
        _("What time, budget and support do you need?"),
    ],
    ConversationKind.PROGRESS: [
        _("What have you learned since the last conversation, and what did you use at work?"),
        _("Are the agreed goals still right? What should change?"),
        _("What gets in the way, and what help do you need?"),
    ],
    ConversationKind.APPRAISAL: [
        _("Which goals of the POP were reached, and what did they bring the team?"),
        _("What did you learn that you did not plan?"),
        _("What is the first goal for next year's plan?"),
    ],
    ConversationKind.ONBOARDING_WEEK: [
        _("What do you need to know or be able to do in your first month?"),
        _("Who is your buddy, and when do you meet?"),
    ],
    ConversationKind.ONBOARDING_MONTH: [
        _("What went well, and what is still hard?"),
        _("Which goals go into your first POP?"),
    ],
    ConversationKind.ONBOARDING_QUARTER: [
        _("Which goals of the starter POP are reached?"),
        _("Agree your POP for the rest of the year and share it."),
    ],
}

ONBOARDING = [
    (ConversationKind.ONBOARDING_WEEK, datetime.timedelta(weeks=1)),
    (ConversationKind.ONBOARDING_MONTH, datetime.timedelta(days=30)),
    (ConversationKind.ONBOARDING_QUARTER, datetime.timedelta(days=91)),
]

# The goals a new member's starter POP begins with (they change them as they like).
STARTER_GOALS = [
    _("Know the way in the team and the organisation"),
    _("Work independently in the main tasks of the role"),
]


def onboarding_dates(start: datetime.date) -> list[tuple[str, datetime.date]]:
    """The onboarding conversations of a member who starts on `start`."""
    return [(kind, start + delta) for kind, delta in ONBOARDING]


def reminder_due(planned_on: datetime.date, today: datetime.date, days_before: int) -> bool:
    """Whether a conversation's reminder is due today: from `days_before` days before it
    until the day itself (a reminder missed one day goes the next; after the day, never)."""
    return planned_on - datetime.timedelta(days=days_before) <= today <= planned_on


def ics(events: Iterable[tuple[str, datetime.date, str]], *, name: str, stamp: datetime.datetime) -> str:
    """An iCalendar file (RFC 5545, written by `icalendar`) of all-day events: (uid, date,
    summary) each. Subscribed calendars are asked to fetch it again every hour."""
    calendar = Calendar()
    calendar.add("prodid", "-//Leerkoers//ownership//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"value": "DURATION"})
    calendar.add("x-published-ttl", vDuration(datetime.timedelta(hours=1)))
    for uid, day, summary in events:
        event = Event()
        event.add("uid", uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + datetime.timedelta(days=1))
        event.add("summary", summary)
        event.add("transp", "TRANSPARENT")  # a reminder of the day, not a busy block
        calendar.add_component(event)
    return calendar.to_ical().decode()
