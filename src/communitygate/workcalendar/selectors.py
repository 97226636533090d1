"""Reads of the office's holiday calendar: what the pages show, the November reminder, and the
`OfficeCalendar` that `core.workdays` reads the office's entries through."""

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.urls import reverse

from communitygate.accounts.permissions import is_office_staff
from communitygate.core import clock, workdays
from communitygate.core.errors import NotFound
from communitygate.core.people import AnyUser
from communitygate.workcalendar.models import CalendarOverride, CalendarYear

HOLIDAY = "休"
WORKDAY = "班"
FIRST_ENTERABLE_YEAR = 2000
LAST_ENTERABLE_YEAR = 2099


class _EnteredCalendar:
    """core.workdays' view of the office's entries (registered in WorkCalendarConfig.ready)."""

    def entered_days(self, first: dt.date, last: dt.date) -> dict[dt.date, bool]:
        return dict(
            CalendarOverride.objects.filter(
                date__range=(first, last), withdrawn_at__isnull=True
            ).values_list("date", "is_workday")
        )

    def complete_years(self, years: Collection[int]) -> frozenset[int]:
        return frozenset(
            CalendarYear.objects.filter(year__in=list(years), complete=True).values_list(
                "year", flat=True
            )
        )


OFFICE_CALENDAR = _EnteredCalendar()


@dataclass(frozen=True)
class ScheduleDay:
    """One checked line: a holiday (is_workday False) or a make-up working day."""

    date: dt.date
    is_workday: bool
    name: str

    def as_line(self) -> str:
        return f"{self.date.isoformat()} {WORKDAY if self.is_workday else HOLIDAY} {self.name}"


@dataclass(frozen=True)
class CalendarOverview:
    """What the office's calendar page shows: the package's years, the entered years and
    every entered day."""

    library_first_year: int
    library_last_year: int
    years: list[CalendarYear]
    overrides: list[CalendarOverride]


def calendar_overview() -> CalendarOverview:
    return CalendarOverview(
        library_first_year=workdays.LIBRARY_FIRST_YEAR,
        library_last_year=workdays.LIBRARY_LAST_YEAR,
        years=list(CalendarYear.objects.order_by("year")),
        overrides=list(CalendarOverride.objects.filter(withdrawn_at__isnull=True).order_by("date")),
    )


@dataclass(frozen=True)
class YearSchedule:
    """A year as the entry page shows it: what was entered, and who else knows the year."""

    year: int
    entered: CalendarYear | None
    days: list[ScheduleDay]
    library_covers: bool

    @property
    def text(self) -> str:
        return "\n".join(day.as_line() for day in self.days)


def calendar_year_schedule(year: int) -> YearSchedule:
    """The year's schedule as entered; a year the office cannot enter has no page (NotFound)."""
    if not FIRST_ENTERABLE_YEAR <= year <= LAST_ENTERABLE_YEAR:
        raise NotFound("年份", "year")
    overrides = CalendarOverride.objects.filter(
        date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)), withdrawn_at__isnull=True
    ).order_by("date")
    return YearSchedule(
        year=year,
        entered=CalendarYear.objects.filter(year=year).first(),
        days=[ScheduleDay(o.date, o.is_workday, o.name) for o in overrides],
        library_covers=workdays.library_covers(year),
    )


# The reminder ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarWarning:
    year: int
    url: str


def calendar_warning(user: AnyUser) -> CalendarWarning | None:
    """From 1 November, tell the office when next year's schedule is not entered yet."""
    if not is_office_staff(user):
        return None
    year = workdays.uncovered_next_year(clock.today())
    if year is None:
        return None
    return CalendarWarning(year=year, url=reverse("workcalendar:year", args=[year]))


def years_to_offer(today: dt.date, entered: Iterable[CalendarYear]) -> list[int]:
    """The years the overview links to for entry: this year, next year, and any entered."""
    return sorted({today.year, today.year + 1, *(entry.year for entry in entered)})
