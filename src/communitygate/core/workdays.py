"""Working days (工作日): the one source of "is this a working day" and of working-day arithmetic.

A day's status comes, in order, from the office's entries (a day the office entered), then from
the chinesecalendar package for the years it knows (public holidays and make-up working days,
调休), then, for a year the office has entered completely, from the weekday. The office's entries
live in the `workcalendar` app, which registers them here as an `OfficeCalendar` when Django
starts (core imports none of our apps).

For a year known neither way every calculation that needs one of its days raises
`HolidayScheduleMissing`: a Monday-to-Friday guess would silently misdate urgent filings around
the Spring Festival and National Day. The one exception is `add_workdays_or_estimate`, for a
date that must exist before the office enters the year (a resident's answer-by date): it counts
the unknown days Monday to Friday and says so (`CountedDate.estimated`); the caller stores the
flag and recounts when the year is entered.

Nothing the office can change is cached: each call reads the overrides of the days it needs in
one query (and the entered years in one more, only when it reaches beyond the package's years).
"""

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Protocol

import chinese_calendar
from django.core.exceptions import ImproperlyConfigured

from communitygate.core.errors import RuleBroken

ONE_DAY = dt.timedelta(days=1)
# The years the installed package has data for; the package's data never changes at run time.
LIBRARY_FIRST_YEAR = min(chinese_calendar.holidays).year
LIBRARY_LAST_YEAR = max(chinese_calendar.holidays).year
# SPEC §4: an urgent application may start on the third working day after the filing day.
URGENT_LEAD_WORKDAYS = 3
# From this month on, the office is reminded to enter next year's schedule (the State Council
# publishes it between late October and early December).
NEXT_YEAR_REMINDER_MONTH = 11
SATURDAY = 5


class HolidayScheduleMissing(RuleBroken):
    """A calculation needs a day of a year whose holidays nobody has entered yet."""

    code = "holiday_schedule_missing"
    status = 409

    def __init__(self, year: int) -> None:
        super().__init__(
            f"{year}年节假日安排尚未录入，请委员会办公室在“节假日安排”页录入后再试。",
            f"The {year} holiday schedule has not been entered; the committee office must "
            "enter it on the holiday calendar page first.",
        )
        self.year = year

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "year": self.year}


class OfficeCalendar(Protocol):
    """What the committee office entered: the only calendar data not in the package."""

    def entered_days(self, first: dt.date, last: dt.date) -> dict[dt.date, bool]:
        """The days from `first` to `last` the office entered: date → is it a working day."""
        ...

    def complete_years(self, years: Collection[int]) -> frozenset[int]:
        """Those of `years` whose whole schedule the office has entered."""
        ...


_office_calendars: list[OfficeCalendar] = []


def register_office_calendar(calendar: OfficeCalendar) -> None:
    """Called once, by the workcalendar app's `ready()`; a second call replaces the first."""
    _office_calendars[:] = [calendar]


def _office() -> OfficeCalendar:
    if not _office_calendars:
        raise ImproperlyConfigured(
            "core.workdays has no office calendar: add communitygate.workcalendar to INSTALLED_APPS."
        )
    return _office_calendars[0]


@dataclass(frozen=True)
class CountedDate:
    """A date counted in working days; `estimated` when some day of the count was in a year
    whose schedule nobody has entered, and was counted as a working day if Monday to Friday."""

    date: dt.date
    estimated: bool


def library_covers(year: int) -> bool:
    """Whether the chinesecalendar package knows this year's holidays and make-up days."""
    return LIBRARY_FIRST_YEAR <= year <= LIBRARY_LAST_YEAR


def year_is_covered(year: int) -> bool:
    """Whether every day of the year has a known status (the package, or the office's entry)."""
    if library_covers(year):
        return True
    return year in _office().complete_years([year])


def uncovered_next_year(today: dt.date) -> int | None:
    """Next year's number when it is time to enter its schedule and nobody has, else None."""
    if today.month < NEXT_YEAR_REMINDER_MONTH:
        return None
    next_year = today.year + 1
    return None if year_is_covered(next_year) else next_year


def _library_is_workday(day: dt.date) -> bool:
    """chinesecalendar's `is_workday`, read from its data without re-checking the year range
    on every call (that check scans all its dates; a year's count would make it 730 scans)."""
    if day in chinese_calendar.workdays:
        return True
    return day.weekday() < SATURDAY and day not in chinese_calendar.holidays


@dataclass(frozen=True)
class LibraryDay:
    """A day the chinesecalendar package lists: a public holiday (or a rest day moved for one,
    调休) or a make-up working day, with the holiday's name in Chinese and English."""

    is_workday: bool
    name_zh: str
    name_en: str


_HOLIDAY_NAMES_ZH = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}


def library_day(day: dt.date) -> LibraryDay | None:
    """What the package says of `day` when it lists it (a holiday or a make-up working day);
    None for an ordinary weekday or weekend, or a year the package does not know."""
    if not library_covers(day.year):
        return None
    for listing, is_workday in (
        (chinese_calendar.holidays, False),
        (chinese_calendar.workdays, True),
    ):
        name = listing.get(day)
        if name is not None:
            return LibraryDay(is_workday, _HOLIDAY_NAMES_ZH.get(name, name), name)
    return None


@dataclass(frozen=True)
class _Schedule:
    """What is known about the days from `first` to `last`, read once for one calculation."""

    first: dt.date
    last: dt.date
    overrides: dict[dt.date, bool]
    entered_years: frozenset[int]

    def known(self, day: dt.date) -> bool | None:
        """Whether `day` is a working day, or None when nobody knows its year's schedule."""
        assert self.first <= day <= self.last, (day, self.first, self.last)
        entered = self.overrides.get(day)
        if entered is not None:
            return entered
        if library_covers(day.year):
            return _library_is_workday(day)
        if day.year in self.entered_years:
            return day.weekday() < SATURDAY
        return None

    def is_workday(self, day: dt.date) -> bool:
        known = self.known(day)
        if known is None:
            raise HolidayScheduleMissing(day.year)
        return known


def _schedule(first: dt.date, last: dt.date) -> _Schedule:
    office = _office()
    overrides = office.entered_days(first, last)
    beyond_library = [year for year in range(first.year, last.year + 1) if not library_covers(year)]
    entered_years: frozenset[int] = frozenset()
    if beyond_library:
        entered_years = office.complete_years(beyond_library)
    return _Schedule(first, last, overrides, entered_years)


def _day_after(day: dt.date) -> dt.date:
    if day == dt.date.max:
        raise HolidayScheduleMissing(dt.MAXYEAR + 1)
    return day + ONE_DAY


def _days_ahead(day: dt.date, days: int) -> dt.date:
    """`day` plus `days`, or the last representable date."""
    remaining = (dt.date.max - day).days
    return day + dt.timedelta(days=min(days, remaining))


def _nth_workday_from(first: dt.date, count: int, *, estimate: bool = False) -> CountedDate:
    """The count-th working day (count ≥ 1) counting from `first`, itself included. A day of a
    year nobody has entered raises HolidayScheduleMissing, or, with `estimate`, counts as a
    working day from Monday to Friday and marks the answer estimated.

    The overrides are read for a window long enough for any real schedule (the longest break,
    the Spring Festival, is nine days); a longer run of rest days reads the next window."""
    found = 0
    estimated = False
    window_start = first
    while True:
        window_end = _days_ahead(window_start, 2 * count + 14)
        schedule = _schedule(window_start, window_end)
        day = window_start
        while True:
            known = schedule.known(day)
            if known is None:
                if not estimate:
                    raise HolidayScheduleMissing(day.year)
                known = day.weekday() < SATURDAY
                estimated = True
            if known:
                found += 1
                if found == count:
                    return CountedDate(day, estimated)
            if day == window_end:
                break
            day += ONE_DAY
        window_start = _day_after(window_end)


def is_workday(day: dt.date) -> bool:
    """Whether people work on `day` in mainland China (make-up working days included)."""
    return _schedule(day, day).is_workday(day)


def add_workdays(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day`; for n = 0, `day` itself if it is a working day, else
    the next working day.

    This is chinesecalendar's `find_workday(n, day)` when `day` is a working day. On a rest day
    the package first moves to the next working day and counts from there; here the count
    starts at `day` whatever it is, so that exactly n - 1 working days lie strictly between
    `day` and the answer (filed on a Saturday → the third working day is Wednesday, not
    Thursday)."""
    return _count_forwards(day, n, estimate=False).date


def add_workdays_or_estimate(day: dt.date, n: int) -> CountedDate:
    """`add_workdays(day, n)`, except that the days of a year nobody has entered yet count as
    working days from Monday to Friday instead of refusing, and the answer is then marked
    `estimated` (the office's entries for such a year still count).

    Only for a date that must exist before the office enters the year — a resident's matter
    gets an answer-by date whatever the calendar knows. The urgent path and every other
    calculation use the functions that raise HolidayScheduleMissing."""
    return _count_forwards(day, n, estimate=True)


def _count_forwards(day: dt.date, n: int, *, estimate: bool) -> CountedDate:
    if n < 0:
        raise ValueError("add_workdays counts forwards only (n ≥ 0)")
    if n == 0:
        return _nth_workday_from(day, 1, estimate=estimate)
    return _nth_workday_from(_day_after(day), n, estimate=estimate)


def earliest_urgent_start(filed: dt.date) -> dt.date:
    """The earliest start of an urgent application filed on `filed`: the third working day
    after the filing day (filed on a Monday with no holiday → Thursday)."""
    return add_workdays(filed, URGENT_LEAD_WORKDAYS)


def workdays_between(start: dt.date, end: dt.date) -> int:
    """How many working days there are from `start` to `end`, both included (0 if end < start)."""
    if end < start:
        return 0
    schedule = _schedule(start, end)
    count = 0
    day = start
    while True:
        count += schedule.is_workday(day)
        if day == end:
            return count
        day += ONE_DAY


def workdays_between_each(start: dt.date, ends: Iterable[dt.date]) -> dict[dt.date, int | None]:
    """`workdays_between(start, end)` for many ends at once, reading the calendar once: a list of
    due dates costs the same queries as one. An end in or after a year nobody has entered maps
    to None (from the first unknown day on, nothing can be counted)."""
    wanted = sorted(set(ends))
    answers: dict[dt.date, int | None] = {end: 0 for end in wanted if end < start}
    later = [end for end in wanted if end >= start]
    if not later:
        return answers
    schedule = _schedule(start, later[-1])
    pending = set(later)
    count = 0
    day = start
    while True:
        try:
            count += schedule.is_workday(day)
        except HolidayScheduleMissing:
            answers.update(dict.fromkeys((end for end in later if end >= day), None))
            return answers
        if day in pending:
            answers[day] = count
        if day == later[-1]:
            return answers
        day += ONE_DAY
