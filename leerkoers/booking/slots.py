"""Free slots of an advisor: pure functions over plain data, with "now" passed in.

Windows are wall-clock times in the advisor's zone. A day's window is turned into real
instants with that zone, so on a daylight-saving day the window lasts the real time
between its wall-clock start and end (09:00–12:00 is still three hours; 01:00–04:00 on
2027-03-28 in Amsterdam lasts two). Slot starts are laid every `interval` minutes of real
time from the window's start. A wall-clock time that does not exist (the skipped hour)
is moved forward, the way calendars do; an ambiguous one (the repeated hour) means its
first occurrence.

A slot is free when the session fits in a window, starts no sooner than `now + notice`,
no later than the horizon, its blocked range (session plus the buffers) overlaps no
busy range, and the advisor's day (in the advisor's zone) is not full.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Window:
    weekday: int  # Monday 0 … Sunday 6
    start: time
    end: time


@dataclass(frozen=True)
class Exception_:
    date: date
    off: bool  # True: not available (whole day when start is None); False: extra hours
    start: time | None = None
    end: time | None = None


@dataclass(frozen=True)
class Busy:
    start: datetime  # blocked range of an existing booking (aware)
    end: datetime
    local_date: date


@dataclass(frozen=True)
class Rules:
    zone: ZoneInfo
    windows: tuple[Window, ...]
    exceptions: tuple[Exception_, ...] = ()
    interval: int = 30
    buffer_before: int = 0
    buffer_after: int = 0
    min_notice_hours: int = 0
    horizon_days: int = 183
    max_per_day: int = 100


@dataclass(frozen=True, order=True)
class Slot:
    start: datetime  # aware, UTC
    end: datetime
    advisor_id: int | None = field(default=None, compare=False)


def aware(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The instant of a wall-clock time; skipped times move forward, repeated ones mean the first."""
    # fold=0 takes the offset in force before a change: a repeated time gets its first
    # occurrence, and a skipped time (02:30 on a spring-forward night) lands on the instant
    # the clock shows as 03:30.
    return datetime.combine(day, wall).replace(tzinfo=zone, fold=0).astimezone(UTC)


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The real instants [midnight, next midnight) of a calendar day in a zone."""
    return aware(day, time(0), zone), aware(day + timedelta(days=1), time(0), zone)


def _subtract(intervals: list[tuple[datetime, datetime]], cut: tuple[datetime, datetime]):
    result = []
    for start, end in intervals:
        if cut[1] <= start or cut[0] >= end:
            result.append((start, end))
            continue
        if start < cut[0]:
            result.append((start, cut[0]))
        if cut[1] < end:
            result.append((cut[1], end))
    return result


def day_windows(rules: Rules, day: date) -> list[tuple[datetime, datetime]]:
    """The advisor's available intervals on one of their local days, as UTC instants."""
    exceptions = [e for e in rules.exceptions if e.date == day]
    if any(e.off and e.start is None for e in exceptions):
        return []
    intervals = [
        (aware(day, w.start, rules.zone), aware(day, w.end, rules.zone))
        for w in rules.windows
        if w.weekday == day.weekday()
    ]
    intervals += [
        (aware(day, e.start, rules.zone), aware(day, e.end, rules.zone))
        for e in exceptions
        if not e.off and e.start is not None
    ]
    for e in exceptions:
        if e.off and e.start is not None:
            intervals = _subtract(intervals, (aware(day, e.start, rules.zone), aware(day, e.end, rules.zone)))
    return sorted(iv for iv in intervals if iv[0] < iv[1])


def free_slots(
    rules: Rules,
    *,
    length: int,
    busy: Iterable[Busy],
    start: datetime,
    end: datetime,
    now: datetime,
    advisor_id: int | None = None,
) -> list[Slot]:
    """Free slots of `length` minutes that start in [start, end), sorted, without duplicates.

    `busy` are the blocked ranges of the advisor's active bookings. Nothing is returned
    before `now + min_notice_hours` or after `now + horizon_days` (the horizon counts whole
    local days: on the last day the whole day is bookable).
    """
    busy = list(busy)
    per_day: dict[date, int] = {}
    for b in busy:
        per_day[b.local_date] = per_day.get(b.local_date, 0) + 1
    session = timedelta(minutes=length)
    before, after = timedelta(minutes=rules.buffer_before), timedelta(minutes=rules.buffer_after)
    step = timedelta(minutes=rules.interval)
    earliest = max(start, now + timedelta(hours=rules.min_notice_hours))
    last_day = now.astimezone(rules.zone).date() + timedelta(days=rules.horizon_days)
    latest = min(end, day_bounds(last_day, rules.zone)[1])
    if earliest >= latest:
        return []

    slots: set[Slot] = set()
    day = earliest.astimezone(rules.zone).date()
    final_day = (latest - timedelta(microseconds=1)).astimezone(rules.zone).date()
    while day <= final_day:
        if per_day.get(day, 0) < rules.max_per_day:
            for window_start, window_end in day_windows(rules, day):
                cursor = window_start
                while cursor + session <= window_end:
                    if earliest <= cursor < latest:
                        blocked = (cursor - before, cursor + session + after)
                        if not any(b.start < blocked[1] and blocked[0] < b.end for b in busy):
                            slots.add(Slot(cursor, cursor + session, advisor_id))
                    cursor += step
        day += timedelta(days=1)
    return sorted(slots)


def nearest(slots: Iterable[Slot], wanted: datetime, count: int = 5) -> list[Slot]:
    """The `count` slots whose start is closest to `wanted`, in time order."""
    closest = sorted(slots, key=lambda s: (abs((s.start - wanted).total_seconds()), s.start))[:count]
    return sorted(closest)


def merge_any(slot_lists: Iterable[list[Slot]]) -> list[Slot]:
    """Slots of several advisors as one list: one entry per (start, end), first advisor wins."""
    seen: dict[tuple[datetime, datetime], Slot] = {}
    for slots in slot_lists:
        for slot in slots:
            seen.setdefault((slot.start, slot.end), slot)
    return sorted(seen.values())


def group_by_day(slots: Iterable[Slot], zone: ZoneInfo) -> list[tuple[date, list[datetime]]]:
    """Slots as (day, [local start, …]) in the viewer's zone, for the booking page."""
    days: dict[date, list[datetime]] = {}
    for slot in slots:
        local = slot.start.astimezone(zone)
        days.setdefault(local.date(), []).append(local)
    return sorted(days.items())
