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


# The month grid ---------------------------------------------------------------------------------


class DayKinds:
    """How the grid marks a day (its CSS class and its legend)."""

    WORKDAY = "workday"  # an ordinary Monday to Friday
    WEEKEND = "weekend"  # an ordinary Saturday or Sunday
    HOLIDAY = "holiday"  # 休: a public holiday or a rest day moved for one
    MAKEUP = "makeup"  # 班: a Saturday or Sunday worked (调休上班)


@dataclass(frozen=True)
class GridDay:
    """One day of the grid: how it counts, its holiday's name, who says so, and whether its
    status is known at all (a year nobody has entered: not known, shown as the weekday)."""

    date: dt.date
    kind: str
    name: str
    entered: bool  # by the office (a CalendarOverride), else the package or the weekday
    known: bool

    @property
    def mark(self) -> str:
        """The character the cell shows besides its colour: 休, 班 or nothing."""
        if self.kind == DayKinds.HOLIDAY:
            return HOLIDAY
        if self.kind == DayKinds.MAKEUP:
            return WORKDAY
        return ""


@dataclass(frozen=True)
class MonthGrid:
    month: int
    weeks: list[list[GridDay | None]]  # Monday first; None pads the first and last week


@dataclass(frozen=True)
class YearGrid:
    year: int
    entered: CalendarYear | None
    library_covers: bool
    months: list[MonthGrid]
    holidays: int
    makeup_days: int
    workdays: int | None  # None while the year is not known

    @property
    def known(self) -> bool:
        return self.library_covers or bool(self.entered and self.entered.complete)


def _grid_day(
    day: dt.date, override: ScheduleDay | None, covered: bool, complete: bool, english: bool
) -> GridDay:
    weekend = day.weekday() >= workdays.SATURDAY
    if override is not None:
        kind = DayKinds.MAKEUP if override.is_workday else DayKinds.HOLIDAY
        return GridDay(day, kind, override.name, entered=True, known=True)
    listed = workdays.library_day(day) if covered else None
    if listed is not None:
        kind = DayKinds.MAKEUP if listed.is_workday else DayKinds.HOLIDAY
        name = listed.name_en if english else listed.name_zh
        return GridDay(day, kind, name, entered=False, known=True)
    kind = DayKinds.WEEKEND if weekend else DayKinds.WORKDAY
    return GridDay(day, kind, "", entered=False, known=covered or complete)


def calendar_year_grid(year: int, *, english: bool = False) -> YearGrid:
    """The year as twelve month grids (Monday first), each day marked from the office's
    entries, then the package, then the weekday; two queries whatever the year."""
    schedule = calendar_year_schedule(year)  # NotFound outside the enterable years
    overrides = {entry.date: entry for entry in schedule.days}
    complete = bool(schedule.entered and schedule.entered.complete)
    covered = schedule.library_covers
    months: list[MonthGrid] = []
    counts = {DayKinds.HOLIDAY: 0, DayKinds.MAKEUP: 0, DayKinds.WORKDAY: 0, DayKinds.WEEKEND: 0}
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        week: list[GridDay | None] = [None] * first.weekday()
        weeks: list[list[GridDay | None]] = []
        day = first
        while day.month == month:
            cell = _grid_day(day, overrides.get(day), covered, complete, english)
            counts[cell.kind] += 1
            week.append(cell)
            if len(week) == 7:
                weeks.append(week)
                week = []
            day += workdays.ONE_DAY
        if week:
            weeks.append(week + [None] * (7 - len(week)))
        months.append(MonthGrid(month, weeks))
    known = covered or complete
    return YearGrid(
        year=year,
        entered=schedule.entered,
        library_covers=covered,
        months=months,
        holidays=counts[DayKinds.HOLIDAY],
        makeup_days=counts[DayKinds.MAKEUP],
        workdays=counts[DayKinds.WORKDAY] + counts[DayKinds.MAKEUP] if known else None,
    )


def calendar_day_of(grid: YearGrid, day: dt.date) -> GridDay | None:
    """The grid's cell for `day`, or None when `day` is not in the grid's year."""
    if day.year != grid.year:
        return None
    for week in grid.months[day.month - 1].weeks:
        for cell in week:
            if cell is not None and cell.date == day:
                return cell
    return None
