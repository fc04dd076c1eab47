"""Slot computation as pure functions, with fixed dates and "now" passed in."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from leerkoers.booking.slots import (
    Busy,
    Exception_,
    Rules,
    Slot,
    Window,
    aware,
    free_slots,
    group_by_day,
    merge_any,
    nearest,
)

AMS = ZoneInfo("Europe/Amsterdam")
NYC = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


def rules(windows=None, **kwargs) -> Rules:
    windows = windows or tuple(Window(d, time(9), time(12)) for d in range(7))
    kwargs.setdefault("horizon_days", 400)
    return Rules(zone=AMS, windows=tuple(windows), **kwargs)


def day_range(day: date, zone=AMS):
    start = datetime.combine(day, time(0), zone)
    return start, datetime.combine(day + timedelta(days=1), time(0), zone)


def starts(slots, zone=AMS):
    return [s.start.astimezone(zone).strftime("%H:%M") for s in slots]


def test_it_lays_slots_every_interval_inside_the_window():
    start, end = day_range(date(2027, 3, 3))
    slots = free_slots(rules(interval=30), length=60, busy=[], start=start, end=end, now=NOW)
    assert starts(slots) == ["09:00", "09:30", "10:00", "10:30", "11:00"]
    assert all(s.end - s.start == timedelta(minutes=60) for s in slots)


def test_it_keeps_wall_clock_times_across_the_spring_forward_change():
    # 2027-03-28: Amsterdam goes from +01:00 to +02:00 at 02:00.
    before, after = date(2027, 3, 27), date(2027, 3, 29)
    r = rules(interval=60)
    sat = free_slots(r, length=60, busy=[], start=day_range(before)[0], end=day_range(before)[1], now=NOW)
    mon = free_slots(r, length=60, busy=[], start=day_range(after)[0], end=day_range(after)[1], now=NOW)
    assert starts(sat) == starts(mon) == ["09:00", "10:00", "11:00"]
    assert sat[0].start == datetime(2027, 3, 27, 8, 0, tzinfo=UTC)
    assert mon[0].start == datetime(2027, 3, 29, 7, 0, tzinfo=UTC)


def test_it_gives_the_real_hours_of_a_window_that_spans_the_skipped_hour():
    day = date(2027, 3, 28)
    r = rules(windows=[Window(6, time(1), time(4))], interval=60)
    slots = free_slots(r, length=60, busy=[], start=day_range(day)[0], end=day_range(day)[1], now=NOW)
    # 01:00–04:00 wall clock lasts two real hours that night: 01:00 (+01) and 03:00 (+02).
    assert starts(slots) == ["01:00", "03:00"]
    assert [s.start for s in slots] == [
        datetime(2027, 3, 28, 0, 0, tzinfo=UTC),
        datetime(2027, 3, 28, 1, 0, tzinfo=UTC),
    ]


def test_it_moves_a_window_start_in_the_skipped_hour_forward():
    assert aware(date(2027, 3, 28), time(2, 30), AMS) == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert aware(date(2027, 3, 28), time(2, 30), AMS).astimezone(AMS).strftime("%H:%M") == "03:30"


def test_it_gives_the_repeated_hour_its_first_occurrence_and_real_length_in_autumn():
    # 2027-10-31: Amsterdam goes from +02:00 back to +01:00 at 03:00.
    day = date(2027, 10, 31)
    assert aware(day, time(2, 30), AMS) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    r = rules(windows=[Window(6, time(1), time(4))], interval=60)
    slots = free_slots(r, length=60, busy=[], start=day_range(day)[0], end=day_range(day)[1], now=NOW)
    # Four real hours: 01:00 +02, 02:00 +02, 02:00 +01, 03:00 +01.
    assert [s.start for s in slots] == [
        datetime(2027, 10, 30, 23, 0, tzinfo=UTC),
        datetime(2027, 10, 31, 0, 0, tzinfo=UTC),
        datetime(2027, 10, 31, 1, 0, tzinfo=UTC),
        datetime(2027, 10, 31, 2, 0, tzinfo=UTC),
    ]
    assert [s.start.astimezone(AMS).utcoffset() for s in slots] == [timedelta(hours=h) for h in (2, 2, 1, 1)]


def test_it_keeps_office_hours_the_same_in_the_week_after_the_autumn_change():
    fri, mon = date(2027, 10, 29), date(2027, 11, 1)
    r = rules(interval=60)
    fri_slots = free_slots(r, length=60, busy=[], start=day_range(fri)[0], end=day_range(fri)[1], now=NOW)
    mon_slots = free_slots(r, length=60, busy=[], start=day_range(mon)[0], end=day_range(mon)[1], now=NOW)
    assert starts(fri_slots) == starts(mon_slots) == ["09:00", "10:00", "11:00"]
    assert fri_slots[0].start.hour == 7 and mon_slots[0].start.hour == 8  # UTC


def test_it_shows_a_visitor_in_new_york_the_right_local_times_while_the_zones_disagree_on_dst():
    # 2027-03-14 the US springs forward, Europe only on the 28th: the gap is 5 hours, then 6.
    r = rules(interval=60)
    gap_week = date(2027, 3, 22)
    start, end = day_range(gap_week, NYC)
    slots = free_slots(r, length=60, busy=[], start=start, end=end, now=NOW)
    assert starts(slots, NYC) == ["04:00", "05:00", "06:00"]  # 09:00 Amsterdam (+01) is 04:00 in New York (-04)
    assert all(s.start.astimezone(AMS).hour in (9, 10, 11) for s in slots)
    after = date(2027, 3, 29)
    start, end = day_range(after, NYC)
    assert starts(free_slots(r, length=60, busy=[], start=start, end=end, now=NOW), NYC) == ["03:00", "04:00", "05:00"]


def test_it_groups_slots_by_the_visitors_day_not_the_advisors():
    # Tokyo is 8 hours ahead in March: a window 20:00–23:00 in Amsterdam falls on the
    # next morning in Tokyo.
    r = rules(windows=[Window(d, time(20), time(23)) for d in range(7)], interval=60)
    start, _ = day_range(date(2027, 3, 10), TOKYO)
    _, end = day_range(date(2027, 3, 11), TOKYO)
    slots = free_slots(r, length=60, busy=[], start=start, end=end, now=NOW)
    days = group_by_day(slots, TOKYO)
    assert days[0][0] == date(2027, 3, 10)
    assert [t.strftime("%H:%M") for t in days[1][1]] == ["04:00", "05:00", "06:00"]
    assert days[1][0] == date(2027, 3, 11)


def test_it_respects_the_minimum_notice_and_the_horizon():
    r = rules(interval=60, min_notice_hours=48, horizon_days=10)
    now = datetime(2027, 3, 1, 9, 30, tzinfo=AMS)
    slots = free_slots(r, length=60, busy=[], start=now, end=now + timedelta(days=30), now=now.astimezone(UTC))
    assert slots[0].start.astimezone(AMS) == datetime(2027, 3, 3, 10, 0, tzinfo=AMS)
    assert slots[-1].start.astimezone(AMS).date() == date(2027, 3, 11)


def test_it_blocks_slots_whose_buffers_touch_a_booking():
    r = rules(interval=30, buffer_before=15, buffer_after=15)
    day = date(2027, 3, 3)
    booked = Busy(
        datetime(2027, 3, 3, 10, 0, tzinfo=AMS) - timedelta(minutes=15),
        datetime(2027, 3, 3, 10, 30, tzinfo=AMS) + timedelta(minutes=15),
        day,
    )
    slots = free_slots(r, length=30, busy=[booked], start=day_range(day)[0], end=day_range(day)[1], now=NOW)
    # 09:30 would end at 10:00 +15 min buffer, overlapping the booking's buffer: blocked.
    assert starts(slots) == ["09:00", "11:00", "11:30"]


def test_it_closes_a_day_that_has_its_maximum_of_sessions():
    r = rules(interval=60, max_per_day=1)
    day = date(2027, 3, 3)
    booked = Busy(datetime(2027, 3, 3, 9, 0, tzinfo=AMS), datetime(2027, 3, 3, 10, 0, tzinfo=AMS), day)
    start, _ = day_range(day)
    _, end = day_range(day + timedelta(days=1))
    slots = free_slots(r, length=60, busy=[booked], start=start, end=end, now=NOW)
    assert {s.start.astimezone(AMS).date() for s in slots} == {date(2027, 3, 4)}


def test_it_applies_days_off_partial_absence_and_extra_hours():
    day = date(2027, 3, 3)
    r = rules(
        interval=60,
        exceptions=(
            Exception_(day, off=True, start=time(10), end=time(11)),
            Exception_(day, off=False, start=time(14), end=time(16)),
            Exception_(day + timedelta(days=1), off=True),
        ),
    )
    start, _ = day_range(day)
    _, end = day_range(day + timedelta(days=1))
    slots = free_slots(r, length=60, busy=[], start=start, end=end, now=NOW)
    assert starts(slots) == ["09:00", "11:00", "14:00", "15:00"]


def test_it_merges_advisors_and_finds_the_nearest_times():
    a = [Slot(datetime(2027, 3, 3, 9, tzinfo=UTC), datetime(2027, 3, 3, 10, tzinfo=UTC), 1)]
    b = [
        Slot(datetime(2027, 3, 3, 9, tzinfo=UTC), datetime(2027, 3, 3, 10, tzinfo=UTC), 2),
        Slot(datetime(2027, 3, 3, 12, tzinfo=UTC), datetime(2027, 3, 3, 13, tzinfo=UTC), 2),
    ]
    merged = merge_any([a, b])
    assert [(s.start.hour, s.advisor_id) for s in merged] == [(9, 1), (12, 2)]
    wanted = datetime(2027, 3, 3, 11, 30, tzinfo=UTC)
    assert [s.start.hour for s in nearest(merged, wanted, 1)] == [12]
