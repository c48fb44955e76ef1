import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from clinic.scheduling.availability import (
    Busy,
    Rules,
    Slot,
    WorkingInterval,
    free_slots,
    local,
    slots_by_local_date,
)

LONDON = ZoneInfo("Europe/London")
RULES = Rules()
MONDAY = date(2026, 6, 1)  # summer: London is UTC+1
SUNDAY = date(2026, 6, 7)
WINTER_MONDAY = date(2026, 1, 5)


def at(day, hhmm, fold=0):
    """The UTC instant of a London wall-clock time."""
    wall = datetime.combine(day, time.fromisoformat(hhmm), tzinfo=LONDON).replace(fold=fold)
    return wall.astimezone(UTC)


def zulu(day, hhmm):
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=UTC)


def works(pid, day, start, end):
    return WorkingInterval(pid, day.weekday(), time.fromisoformat(start), time.fromisoformat(end))


def every_day(pid, start, end):
    return [
        WorkingInterval(pid, weekday, time.fromisoformat(start), time.fromisoformat(end))
        for weekday in range(7)
    ]


def booked(pid, day, start, end, buffer=10):
    """A booking as the loader passes it: its end already carries the buffer."""
    return Busy(pid, at(day, start), at(day, end) + timedelta(minutes=buffer))


def find(
    hours,
    *,
    day=MONDAY,
    day_to=None,
    duration=30,
    practitioners=(1,),
    closures=(),
    bookings=(),
    now=None,
    rules=RULES,
):
    return free_slots(
        duration=timedelta(minutes=duration),
        practitioner_ids=practitioners,
        hours=hours,
        closures=closures,
        bookings=bookings,
        day_from=day,
        day_to=day_to or day,
        now=now or at(day - timedelta(days=2), "12:00"),
        rules=rules,
    )


def clock(slots):
    return [local(slot.start, RULES).strftime("%H:%M") for slot in slots]


@pytest.mark.parametrize(
    ("duration", "start", "end", "expected"),
    [
        (30, "09:00", "10:30", ["09:00", "09:15", "09:30", "09:45", "10:00"]),
        (60, "09:00", "10:30", ["09:00", "09:15", "09:30"]),
        (90, "09:00", "10:30", ["09:00"]),
        (105, "09:00", "10:30", []),
    ],
)
def test_slots_fill_the_working_interval_and_never_cross_its_end(duration, start, end, expected):
    slots = find([works(1, MONDAY, start, end)], duration=duration)
    assert clock(slots) == expected
    assert all(slot.end == slot.start + timedelta(minutes=duration) for slot in slots)


def test_last_slot_ends_exactly_at_the_end_of_hours():
    slots = find([works(1, MONDAY, "09:00", "17:00")])
    assert slots[0].start == at(MONDAY, "09:00")
    assert slots[-1].end == at(MONDAY, "17:00")
    assert len(slots) == 31


def test_no_slot_spans_a_lunch_break():
    hours = [works(1, MONDAY, "09:00", "12:30"), works(1, MONDAY, "13:30", "17:00")]
    slots = find(hours, duration=60)
    lunch = (at(MONDAY, "12:30"), at(MONDAY, "13:30"))
    assert not [slot for slot in slots if slot.start < lunch[1] and lunch[0] < slot.end]
    assert "11:30" in clock(slots) and "13:30" in clock(slots)
    assert "11:45" not in clock(slots)


@pytest.mark.parametrize(
    ("grid", "duration", "expected"),
    [
        (15, 30, ["09:00", "09:15", "09:30", "09:45", "10:00", "10:15", "10:30"]),
        (30, 30, ["09:00", "09:30", "10:00", "10:30"]),
        (60, 30, ["09:00", "10:00"]),
        (15, 45, ["09:00", "09:15", "09:30", "09:45", "10:00", "10:15"]),
    ],
)
def test_starts_sit_on_the_local_grid(grid, duration, expected):
    slots = find([works(1, MONDAY, "09:00", "11:00")], duration=duration, rules=Rules(grid_minutes=grid))
    assert clock(slots) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("09:10", "10:10", ["09:15", "09:30"]),
        ("09:15", "10:10", ["09:15", "09:30"]),
        ("09:01", "10:00", ["09:15", "09:30"]),
        ("09:00:30", "10:00", ["09:15", "09:30"]),
    ],
)
def test_an_off_grid_interval_starts_at_the_next_grid_time(start, end, expected):
    assert clock(find([works(1, MONDAY, start, end)])) == expected


def test_a_clinic_wide_closure_closes_every_practitioner():
    hours = [works(1, MONDAY, "09:00", "17:00"), works(2, MONDAY, "09:00", "17:00")]
    closure = Busy(None, at(MONDAY, "00:00"), at(MONDAY + timedelta(days=1), "00:00"))
    assert find(hours, practitioners=(1, 2), closures=[closure]) == []


def test_one_practitioners_closure_leaves_the_other_free():
    hours = [works(1, MONDAY, "09:00", "17:00"), works(2, MONDAY, "09:00", "17:00")]
    closure = Busy(1, at(MONDAY, "00:00"), at(MONDAY + timedelta(days=1), "00:00"))
    slots = find(hours, practitioners=(1, 2), closures=[closure])
    assert len(slots) == 31
    assert {slot.practitioner_ids for slot in slots} == {(2,)}


def test_a_partial_day_closure_blocks_only_the_slots_it_touches():
    closure = Busy(None, at(MONDAY, "10:00"), at(MONDAY, "12:00"))
    slots = find([works(1, MONDAY, "09:00", "13:00")], closures=[closure])
    # Closures carry no buffer: a slot may end as the closure starts.
    assert clock(slots) == ["09:00", "09:15", "09:30", "12:00", "12:15", "12:30"]


@pytest.mark.parametrize(
    ("duration", "buffer", "expected"),
    [
        # [s, s+30+10) must stay clear of [10:00, 10:40): 09:15 ends 09:45, +10 = 09:55.
        (30, 10, ["09:00", "09:15", "10:45", "11:00"]),
        # 09:15 + 35 = 09:50, +10 = 10:00 touches the booking, which is allowed.
        (35, 10, ["09:00", "09:15", "10:45"]),
        (40, 10, ["09:00", "10:45"]),
        (30, 0, ["09:00", "09:15", "09:30", "10:30", "10:45", "11:00"]),
        (30, 20, ["09:00", "11:00"]),
    ],
)
def test_a_booking_keeps_a_buffer_on_both_sides(duration, buffer, expected):
    rules = Rules(buffer_minutes=buffer)
    bookings = [booked(1, MONDAY, "10:00", "10:30", buffer=buffer)]
    slots = find([works(1, MONDAY, "09:00", "11:30")], duration=duration, bookings=bookings, rules=rules)
    assert clock(slots) == expected


def test_another_practitioners_booking_does_not_block():
    hours = [works(1, MONDAY, "09:00", "10:00"), works(2, MONDAY, "09:00", "10:00")]
    slots = find(hours, duration=60, practitioners=(1, 2), bookings=[booked(2, MONDAY, "09:00", "10:00")])
    assert [slot.practitioner_ids for slot in slots] == [(1,)]


@pytest.mark.parametrize(
    ("notice_hours", "first"),
    [(12, "09:00"), (13, "09:00"), (14, "10:00"), (0, "09:00")],
)
def test_minimum_notice(notice_hours, first):
    now = at(MONDAY - timedelta(days=1), "20:00")  # 09:00 on Monday is 13 hours away
    rules = Rules(min_notice=timedelta(hours=notice_hours))
    assert clock(find([works(1, MONDAY, "09:00", "17:00")], now=now, rules=rules))[0] == first


def test_notice_can_empty_today():
    now = at(MONDAY, "08:00")
    assert find([works(1, MONDAY, "09:00", "17:00")], now=now) == []


def test_horizon_is_inclusive_and_ends_the_search():
    now = at(MONDAY - timedelta(days=1), "10:00")
    rules = Rules(min_notice=timedelta(0), horizon=timedelta(days=1))
    slots = find(
        every_day(1, "09:00", "17:00"),
        day=MONDAY - timedelta(days=1),
        day_to=MONDAY + timedelta(days=7),
        now=now,
        rules=rules,
    )
    assert slots[0].start == at(MONDAY - timedelta(days=1), "10:00")
    assert slots[-1].start == at(MONDAY, "10:00")


def test_the_default_horizon_is_eight_weeks():
    now = at(MONDAY, "09:00")
    slots = find(every_day(1, "09:00", "17:00"), day=MONDAY, day_to=MONDAY + timedelta(weeks=10), now=now)
    assert slots[-1].start == now + timedelta(weeks=8)


def test_a_day_without_hours_has_no_slots():
    weekdays = [WorkingInterval(1, weekday, time(9), time(17)) for weekday in range(5)]
    assert find(weekdays, day=SUNDAY) == []
    week = slots_by_local_date(find(weekdays, day=MONDAY, day_to=SUNDAY), RULES)
    assert sorted(week) == [MONDAY + timedelta(days=n) for n in range(5)]


def test_an_empty_range_or_no_practitioners_gives_nothing():
    assert find(every_day(1, "09:00", "17:00"), day=MONDAY, day_to=MONDAY - timedelta(days=1)) == []
    assert find(every_day(1, "09:00", "17:00"), practitioners=()) == []


def test_any_practitioner_merges_by_start_time():
    hours = [works(1, MONDAY, "09:00", "11:00"), works(2, MONDAY, "10:00", "12:00")]
    slots = find(hours, duration=60, practitioners=[2, 1], rules=Rules(grid_minutes=60))
    assert [(clock([s])[0], s.practitioner_ids) for s in slots] == [
        ("09:00", (1,)),
        ("10:00", (1, 2)),
        ("11:00", (2,)),
    ]


def test_practitioners_not_asked_for_are_ignored():
    hours = [works(1, MONDAY, "09:00", "10:00"), works(3, MONDAY, "14:00", "15:00")]
    slots = find(hours, duration=60, practitioners=(1,))
    assert [slot.practitioner_ids for slot in slots] == [(1,)]
    assert clock(slots) == ["09:00"]


@pytest.mark.parametrize(
    ("day", "first", "last_end"),
    [
        (date(2026, 3, 28), "09:00", "17:00"),  # GMT
        (date(2026, 3, 29), "08:00", "16:00"),  # clocks went forward at 01:00 UTC: BST
        (date(2026, 10, 24), "08:00", "16:00"),  # BST
        (date(2026, 10, 25), "09:00", "17:00"),  # clocks went back at 01:00 UTC: GMT
        (date(2027, 3, 27), "09:00", "17:00"),
        (date(2027, 3, 28), "08:00", "16:00"),
    ],
)
def test_local_hours_follow_the_clock_change(day, first, last_end):
    slots = find(every_day(1, "09:00", "17:00"), day=day)
    assert slots[0].start == zulu(day, first)
    assert slots[-1].end == zulu(day, last_end)
    assert clock(slots)[0] == "09:00"
    assert len(slots) == 31


def test_a_range_across_the_change_uses_each_days_offset():
    slots = find(every_day(1, "09:00", "17:00"), day=date(2026, 3, 28), day_to=date(2026, 3, 29))
    days = slots_by_local_date(slots, RULES)
    assert [found[0].start for found in days.values()] == [
        zulu(date(2026, 3, 28), "09:00"),
        zulu(date(2026, 3, 29), "08:00"),
    ]


@pytest.mark.parametrize(
    ("grid", "expected_clock"),
    [
        (60, ["00:00", "02:00", "03:00"]),
        (15, ["00:00", "00:15", "00:30", "00:45", "02:00", "02:15", "02:30", "02:45", "03:00"]),
    ],
)
def test_spring_forward_skips_the_missing_hour(grid, expected_clock):
    day = date(2026, 3, 29)
    slots = find(every_day(1, "00:00", "04:00"), day=day, duration=60, rules=Rules(grid_minutes=grid))
    assert clock(slots) == expected_clock
    # 00:00 GMT to 04:00 BST is three real hours, and every hour-long slot fits inside them.
    assert slots[0].start == zulu(day, "00:00")
    assert slots[-1].end == zulu(day, "03:00")


def test_spring_forward_shifts_an_end_inside_the_gap_forward():
    day = date(2026, 3, 29)
    slots = find(every_day(1, "00:00", "01:30"), day=day, duration=30, rules=Rules(grid_minutes=30))
    # "01:30" does not exist that night; like zoneinfo's fold=0 it is read as 02:30 BST.
    assert clock(slots) == ["00:00", "00:30", "02:00"]


def test_fall_back_offers_each_clock_time_once_at_its_first_occurrence():
    day = date(2026, 10, 25)
    slots = find(every_day(1, "00:00", "03:00"), day=day, duration=60, rules=Rules(grid_minutes=60))
    assert [slot.start for slot in slots] == [
        zulu(day - timedelta(days=1), "23:00"),  # 00:00 BST
        zulu(day, "00:00"),  # the first 01:00, still BST
        zulu(day, "02:00"),  # 02:00 GMT; the second 01:00 (01:00 UTC) is not offered
    ]
    assert clock(slots) == ["00:00", "01:00", "02:00"]
    assert list(slots_by_local_date(slots, RULES)) == [day]


def test_slots_are_grouped_by_local_date():
    late = Slot(zulu(MONDAY, "22:30"), zulu(MONDAY, "23:00"), (1,))
    after_midnight = Slot(zulu(MONDAY, "23:30"), zulu(MONDAY + timedelta(days=1), "00:00"), (1,))
    assert slots_by_local_date([late, after_midnight], RULES) == {
        MONDAY: [late],
        MONDAY + timedelta(days=1): [after_midnight],
    }


def test_local_converts_utc_to_the_clinics_clock():
    assert local(zulu(MONDAY, "08:00"), RULES) == datetime(2026, 6, 1, 9, 0, tzinfo=LONDON)
    assert local(zulu(WINTER_MONDAY, "08:00"), RULES).utcoffset() == timedelta(0)


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="aware"):
        find(every_day(1, "09:00", "17:00"), now=datetime(2026, 5, 30, 12, 0))
    with pytest.raises(ValueError, match="aware"):
        local(datetime(2026, 5, 30, 12, 0), RULES)


def test_a_duration_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        find(every_day(1, "09:00", "17:00"), duration=0)


def _brute_force_is_free(pid, start, duration, closures, bookings, buffer):
    """The rules as written, one busy period at a time."""

    def overlaps(a, b, c, d):
        return a < d and c < b

    end = start + duration
    return not any(
        overlaps(start, end, c.start, c.end) for c in closures if c.practitioner_id in (None, pid)
    ) and not any(overlaps(start, end + buffer, b.start, b.end) for b in bookings if b.practitioner_id == pid)


def test_a_busy_month_agrees_with_checking_every_booking():
    rng = random.Random(20260601)
    day_from, day_to = MONDAY, MONDAY + timedelta(weeks=4)
    hours = [
        iv
        for pid in range(1, 11)
        for iv in every_day(pid, "09:00", "13:00") + every_day(pid, "14:00", "18:00")
    ]
    bookings, closures = [], []
    for _ in range(3000):
        day = day_from + timedelta(days=rng.randrange(29))
        start = at(day, f"{rng.randrange(8, 18):02d}:{rng.choice([0, 5, 15, 30, 45]):02d}")
        bookings.append(
            Busy(rng.randint(1, 10), start, start + timedelta(minutes=rng.choice([30, 45, 60]) + 10))
        )
    for _ in range(20):
        start = at(day_from + timedelta(days=rng.randrange(29)), f"{rng.randrange(8, 18):02d}:00")
        closures.append(
            Busy(rng.choice([None, *range(1, 11)]), start, start + timedelta(hours=rng.randint(1, 6)))
        )
    duration, buffer = timedelta(minutes=45), timedelta(minutes=RULES.buffer_minutes)
    everyone = range(1, 11)

    slots = find(
        hours,
        day=day_from,
        day_to=day_to,
        duration=45,
        practitioners=everyone,
        bookings=bookings,
        closures=closures,
    )

    assert slots and [s.start for s in slots] == sorted({s.start for s in slots})
    candidates = find(hours, day=day_from, day_to=day_to, duration=45, practitioners=everyone)
    expected = {
        s.start: tuple(
            p
            for p in s.practitioner_ids
            if _brute_force_is_free(p, s.start, duration, closures, bookings, buffer)
        )
        for s in candidates
    }
    assert {s.start: s.practitioner_ids for s in slots} == {k: v for k, v in expected.items() if v}
