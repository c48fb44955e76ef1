"""Free consultation slots from working hours, closures and bookings.

Pure functions over plain values: the caller loads the rows and passes them in.

Working hours are local wall-clock times, turned into UTC for each date on its
own, so a 09:00 start is 08:00 UTC in summer and 09:00 UTC in winter. The two
odd nights of the year follow zoneinfo's fold=0 reading (the same choice as
java.time):

- Spring forward: a wall-clock time in the gap (01:00-01:59 in London) is never
  a slot start. An interval boundary inside the gap moves forward by the length
  of the gap, so hours of 00:00-01:30 on that night end at 02:30 BST.
- Fall back: a repeated wall-clock time means its first occurrence (BST). Each
  grid time on the clock is offered once, so patients never see two slots both
  labelled 01:00; the second run of that hour offers nothing.
"""

import bisect
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class WorkingInterval:
    practitioner_id: int
    weekday: int  # 0 = Monday, in the clinic's local time
    start: time  # local wall-clock
    end: time


@dataclass(frozen=True)
class Busy:
    practitioner_id: int | None  # None: the whole clinic
    start: datetime  # aware UTC
    end: datetime  # aware UTC; for a booking, already including its buffer


@dataclass(frozen=True)
class Rules:
    timezone: str = "Europe/London"
    grid_minutes: int = 15
    buffer_minutes: int = 10
    min_notice: timedelta = timedelta(hours=12)
    horizon: timedelta = timedelta(weeks=8)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class Slot:
    start: datetime  # aware UTC
    end: datetime
    practitioner_ids: tuple[int, ...]  # sorted


def free_slots(
    *,
    duration: timedelta,
    practitioner_ids: Iterable[int],
    hours: Iterable[WorkingInterval],
    closures: Iterable[Busy],
    bookings: Iterable[Busy],
    day_from: date,
    day_to: date,
    now: datetime,
    rules: Rules,
) -> list[Slot]:
    """Free slots on local dates day_from..day_to inclusive, sorted by start."""
    _require_aware(now)
    if duration <= timedelta(0) or rules.grid_minutes <= 0:
        raise ValueError("duration and grid_minutes must be positive")
    wanted = set(practitioner_ids)
    buffer = timedelta(minutes=rules.buffer_minutes)
    blocked = _blocked_by_practitioner(wanted, closures, bookings, buffer)
    free: dict[datetime, set[int]] = defaultdict(set)
    for practitioner_id, start in _candidates(
        _hours_by_weekday(hours, wanted), duration, day_from, day_to, now, rules
    ):
        if not blocked[practitioner_id].overlaps(start, start + duration):
            free[start].add(practitioner_id)
    return [Slot(start, start + duration, tuple(sorted(ids))) for start, ids in sorted(free.items())]


def _candidates(
    weekly: dict[int, list[WorkingInterval]],
    duration: timedelta,
    day_from: date,
    day_to: date,
    now: datetime,
    rules: Rules,
) -> Iterator[tuple[int, datetime]]:
    """(practitioner, start) inside working hours and the notice-to-horizon window."""
    clock = _Clock(rules.zone)
    earliest, latest = now + rules.min_notice, now + rules.horizon
    # Clipping to the notice and horizon dates is exact: a slot on local date d starts on d's clock.
    first_day = max(day_from, clock.local(earliest).date())
    last_day = min(day_to, clock.local(latest).date())
    for day in _days(first_day, last_day):
        for interval in weekly.get(day.weekday(), ()):
            for start in _interval_starts(clock, day, interval, duration, rules.grid_minutes):
                if earliest <= start <= latest:
                    yield interval.practitioner_id, start


def slots_by_local_date(slots: Iterable[Slot], rules: Rules) -> dict[date, list[Slot]]:
    grouped: dict[date, list[Slot]] = defaultdict(list)
    for slot in slots:
        grouped[local(slot.start, rules).date()].append(slot)
    return dict(grouped)


def local(dt: datetime, rules: Rules) -> datetime:
    _require_aware(dt)
    return dt.astimezone(rules.zone)


def _require_aware(dt: datetime) -> None:
    # A naive datetime would silently be read in the server's own timezone.
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got {dt!r}")


class _Clock:
    """Local wall-clock readings for one zone, cached: every practitioner shares the same grid."""

    def __init__(self, zone: ZoneInfo):
        self.zone = zone
        self._starts: dict[tuple[date, int], datetime | None] = {}

    def local(self, dt: datetime) -> datetime:
        return dt.astimezone(self.zone)

    def boundary(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=self.zone).astimezone(UTC)

    def start(self, day: date, minute: int) -> datetime | None:
        """UTC for a wall-clock minute of the day, or None if the spring-forward gap skips it."""
        key = (day, minute)
        if key not in self._starts:
            self._starts[key] = self._existing(datetime.combine(day, time(minute // 60, minute % 60)))
        return self._starts[key]

    def _existing(self, wall: datetime) -> datetime | None:
        utc = wall.replace(tzinfo=self.zone).astimezone(UTC)
        # A time in the gap does not survive the round trip: 01:30 comes back as 02:30.
        return utc if self.local(utc).replace(tzinfo=None) == wall else None


class _Blocked:
    """Merged, sorted busy periods, so one bisect answers whether a slot is free."""

    def __init__(self, periods: Iterable[tuple[datetime, datetime]]):
        merged: list[list[datetime]] = []
        for start, end in sorted(p for p in periods if p[0] < p[1]):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts = [start for start, _ in merged]
        self._ends = [end for _, end in merged]

    def overlaps(self, start: datetime, end: datetime) -> bool:
        # Merged periods are disjoint, so their ends are sorted too; only the first one
        # ending after `start` can overlap. Touching is not overlapping.
        i = bisect.bisect_right(self._ends, start)
        return i < len(self._starts) and self._starts[i] < end


def _blocked_by_practitioner(
    wanted: set[int], closures: Iterable[Busy], bookings: Iterable[Busy], buffer: timedelta
) -> dict[int, _Blocked]:
    periods: dict[int, list[tuple[datetime, datetime]]] = {pid: [] for pid in wanted}
    for closure in closures:
        owners = wanted if closure.practitioner_id is None else {closure.practitioner_id} & wanted
        for pid in owners:
            periods[pid].append((closure.start, closure.end))
    for booking in bookings:
        if booking.practitioner_id in periods:
            # A new slot keeps its own buffer before the booking: [s, s+d+buffer) meets
            # [b.start, b.end) exactly when [s, s+d) meets [b.start-buffer, b.end).
            periods[booking.practitioner_id].append((booking.start - buffer, booking.end))
    return {pid: _Blocked(found) for pid, found in periods.items()}


def _hours_by_weekday(hours: Iterable[WorkingInterval], wanted: set[int]) -> dict[int, list[WorkingInterval]]:
    weekly: dict[int, list[WorkingInterval]] = defaultdict(list)
    for interval in hours:
        if interval.practitioner_id in wanted:
            weekly[interval.weekday].append(interval)
    return weekly


def _days(first: date, last: date) -> Iterator[date]:
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def _interval_starts(
    clock: _Clock, day: date, interval: WorkingInterval, duration: timedelta, grid: int
) -> Iterator[datetime]:
    opens, closes = clock.boundary(day, interval.start), clock.boundary(day, interval.end)
    first = -(-(interval.start.hour * 60 + interval.start.minute) // grid) * grid
    # Run to the end of the day rather than to interval.end's minute: an end shifted by the
    # spring gap is later on the clock than it reads. UTC rises with the clock, so stop at the first overrun.
    for minute in range(first, MINUTES_PER_DAY, grid):
        start = clock.start(day, minute)
        if start is None or start < opens:
            continue
        if start + duration > closes:
            return
        yield start
