"""Working days: the vectors of DOMAIN.md §3.4, the urgent lead time as a property, a year no one
knows failing loudly, and the office's entries taking precedence."""

import datetime as dt
from typing import Any

import chinese_calendar
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from communitygate.core import workdays
from communitygate.core.workdays import (
    LIBRARY_LAST_YEAR,
    CountedDate,
    HolidayScheduleMissing,
    add_workdays,
    add_workdays_or_estimate,
    earliest_urgent_start,
    is_workday,
    uncovered_next_year,
    workdays_between,
    year_is_covered,
)
from communitygate.workcalendar.models import CalendarOverride, CalendarYear

pytestmark = pytest.mark.django_db

D = dt.date

# DOMAIN.md §3.4: find_workday(-3, start) is the filing day whose earliest urgent start is `start`.
FILED_TO_EARLIEST_START = [
    (D(2026, 9, 28), D(2026, 10, 8)),  # National Day: 09-29, 09-30, then 10-08
    (D(2026, 2, 12), D(2026, 2, 24)),  # 02-13, Saturday 02-14 (make-up), then 02-24
    (D(2025, 12, 30), D(2026, 1, 5)),  # 12-31, Sunday 01-04 (make-up), then 01-05
    (D(2026, 4, 28), D(2026, 5, 6)),  # 04-29, 04-30, then 05-06 after Labour Day
    (D(2026, 5, 7), D(2026, 5, 11)),  # 05-08, Saturday 05-09 (make-up), then 05-11
    (D(2026, 9, 17), D(2026, 9, 21)),  # 09-18, Sunday 09-20 (make-up), then 09-21
    (D(2026, 6, 16), D(2026, 6, 22)),  # 06-17, 06-18, then 06-22 after Dragon Boat
]


@pytest.mark.parametrize(("filed", "start"), FILED_TO_EARLIEST_START)
def test_the_domain_vectors(filed: dt.date, start: dt.date) -> None:
    assert earliest_urgent_start(filed) == start
    assert chinese_calendar.find_workday(-3, start) == filed  # the vector as DOMAIN.md states it


def test_filed_on_a_monday_with_no_holiday_starts_on_thursday() -> None:
    assert earliest_urgent_start(D(2026, 11, 23)) == D(2026, 11, 26)


def test_the_other_vectors() -> None:
    assert add_workdays(D(2026, 9, 28), 3) == D(2026, 10, 8)
    assert add_workdays(D(2026, 1, 1), 0) == D(2026, 1, 4)  # find_workday(0): the Sunday make-up
    assert add_workdays(D(2026, 1, 5), 0) == D(2026, 1, 5)  # a working day is its own 0th
    assert is_workday(D(2026, 2, 14)) is True  # Saturday, make-up working day
    assert is_workday(D(2026, 2, 16)) is False  # Spring Festival
    assert is_workday(D(2026, 2, 20)) is False  # 调休 rest day (a Friday)
    assert workdays_between(D(2026, 1, 1), D(2026, 12, 31)) == 248
    assert workdays_between(D(2026, 1, 1), D(2026, 1, 31)) == 21
    assert workdays_between(D(2026, 7, 1), D(2026, 7, 31)) == 23


def test_workdays_between_counts_both_ends_and_nothing_backwards() -> None:
    assert workdays_between(D(2026, 11, 23), D(2026, 11, 23)) == 1
    assert workdays_between(D(2026, 11, 23), D(2026, 11, 27)) == 5
    assert workdays_between(D(2026, 11, 28), D(2026, 11, 29)) == 0  # a weekend
    assert workdays_between(D(2026, 11, 27), D(2026, 11, 23)) == 0


def test_counting_backwards_is_refused() -> None:
    with pytest.raises(ValueError, match="forwards"):
        add_workdays(D(2026, 11, 23), -1)


# Properties ------------------------------------------------------------------------------------

# Days whose answers stay inside the package's years (the last one ends on 31 December).
LIBRARY_DAYS = st.dates(min_value=D(2004, 1, 1), max_value=D(LIBRARY_LAST_YEAR, 11, 30))
EARLIER_DAYS = st.dates(min_value=D(2004, 1, 1), max_value=D(LIBRARY_LAST_YEAR, 6, 30))


# The property tests only read, so one database for all of a test's examples is enough.
PROPERTY = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@PROPERTY
@given(filed=LIBRARY_DAYS)
def test_the_earliest_start_is_the_third_working_day_after_filing(filed: dt.date) -> None:
    start = earliest_urgent_start(filed)
    assert start > filed
    assert is_workday(start)
    assert workdays_between(filed + dt.timedelta(days=1), start - dt.timedelta(days=1)) == 2
    if chinese_calendar.is_workday(filed):  # on a rest day the package counts from the next one
        assert start == chinese_calendar.find_workday(3, filed)


@PROPERTY
@given(
    day=EARLIER_DAYS,
    later=st.integers(min_value=0, max_value=60),
    n=st.integers(min_value=0, max_value=30),
    more=st.integers(min_value=0, max_value=30),
)
def test_add_workdays_is_monotonic(day: dt.date, later: int, n: int, more: int) -> None:
    other = day + dt.timedelta(days=later)
    assert add_workdays(day, n) <= add_workdays(other, n)
    assert add_workdays(day, n) <= add_workdays(day, n + more)
    if more and n:  # n = 0 and n = 1 from a rest day are both the next working day (docstring)
        assert add_workdays(day, n) < add_workdays(day, n + more)


@PROPERTY
@given(day=EARLIER_DAYS, n=st.integers(min_value=1, max_value=40))
def test_add_workdays_lands_n_working_days_later(day: dt.date, n: int) -> None:
    result = add_workdays(day, n)
    assert is_workday(result)
    assert workdays_between(day + dt.timedelta(days=1), result) == n
    if chinese_calendar.is_workday(day):
        assert result == chinese_calendar.find_workday(n, day)


@PROPERTY
@given(day=LIBRARY_DAYS)
def test_is_workday_agrees_with_the_package_when_nothing_is_entered(day: dt.date) -> None:
    assert is_workday(day) == chinese_calendar.is_workday(day)


# A year no one knows ----------------------------------------------------------------------------


def test_a_2027_date_is_refused_not_guessed() -> None:
    assert not year_is_covered(2027)
    with pytest.raises(HolidayScheduleMissing) as refused:
        is_workday(D(2027, 1, 4))  # a Monday: a Monday–Friday guess would say True
    assert refused.value.year == 2027
    assert refused.value.code == "holiday_schedule_missing"
    assert 400 <= refused.value.status < 500
    assert "2027年节假日安排尚未录入" in refused.value.message_zh
    assert "the 2027 holiday schedule has not been entered" in refused.value.message_en.lower()
    with pytest.raises(HolidayScheduleMissing):
        earliest_urgent_start(D(2027, 3, 1))
    with pytest.raises(HolidayScheduleMissing):
        workdays_between(D(2026, 12, 1), D(2027, 1, 31))


def test_a_calculation_that_stays_in_2026_still_works_late_in_december() -> None:
    # 12-31 (Thursday) is the third working day after Monday 12-28; nothing of 2027 is needed.
    assert earliest_urgent_start(D(2026, 12, 28)) == D(2026, 12, 31)
    with pytest.raises(HolidayScheduleMissing):
        earliest_urgent_start(D(2026, 12, 29))  # needs a day of 2027


def test_days_outside_any_calendar_are_refused_not_overflowed() -> None:
    with pytest.raises(HolidayScheduleMissing):
        earliest_urgent_start(dt.date.max)
    with pytest.raises(HolidayScheduleMissing):
        earliest_urgent_start(dt.date.min)
    with pytest.raises(HolidayScheduleMissing):
        is_workday(D(2003, 6, 2))  # before the package's first year


def test_a_year_entered_only_in_part_is_still_refused() -> None:
    """The office entered 元旦 but has not marked 2027 complete: only that day is known."""
    CalendarYear.objects.create(year=2027, complete=False)
    CalendarOverride.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦", source="x")
    assert is_workday(D(2027, 1, 1)) is False
    assert not year_is_covered(2027)
    with pytest.raises(HolidayScheduleMissing):
        is_workday(D(2027, 1, 4))


def enter_2027() -> None:
    """Part of a plausible 2027 schedule, entered as the office would, marked complete."""
    CalendarYear.objects.create(year=2027, complete=True, source="国办发明电〔2026〕X号")
    days = [
        (D(2027, 1, 1), False, "元旦"),
        (D(2027, 2, 5), False, "春节"),
        (D(2027, 2, 8), False, "春节"),
        (D(2027, 2, 9), False, "春节"),
        (D(2027, 2, 10), False, "春节"),
        (D(2027, 2, 11), False, "春节"),
        (D(2027, 2, 20), True, "春节调休上班"),
    ]
    CalendarOverride.objects.bulk_create(
        CalendarOverride(date=day, is_workday=work, name=name, source="国办发明电〔2026〕X号")
        for day, work, name in days
    )


def test_once_the_office_enters_2027_it_counts_with_its_entries() -> None:
    enter_2027()
    assert year_is_covered(2027)
    assert is_workday(D(2027, 1, 1)) is False  # a Friday, 元旦
    assert is_workday(D(2027, 1, 4)) is True  # an ordinary Monday
    assert is_workday(D(2027, 1, 2)) is False  # an ordinary Saturday
    assert is_workday(D(2027, 2, 20)) is True  # a Saturday, make-up working day
    # Filed Wednesday 2026-12-30: 12-31, (01-01 holiday, weekend), 01-04, 01-05.
    assert earliest_urgent_start(D(2026, 12, 30)) == D(2027, 1, 5)
    # Filed Thursday 2027-02-04: (02-05 and 02-08..11 holidays), 02-12, (weekend), 02-15, 02-16.
    assert earliest_urgent_start(D(2027, 2, 4)) == D(2027, 2, 16)
    # Filed Thursday 2027-02-18: 02-19, Saturday 02-20 (make-up), 02-22.
    assert earliest_urgent_start(D(2027, 2, 18)) == D(2027, 2, 22)
    assert workdays_between(D(2027, 1, 1), D(2027, 1, 31)) == 20  # 21 weekdays less 元旦


def test_an_override_beats_the_package_inside_2026() -> None:
    # 2026-11-25 is an ordinary Wednesday for the package; the office declares a holiday.
    assert is_workday(D(2026, 11, 25))
    CalendarOverride.objects.create(
        date=D(2026, 11, 25), is_workday=False, name="临时休假", source="测试"
    )
    assert is_workday(D(2026, 11, 25)) is False
    assert earliest_urgent_start(D(2026, 11, 23)) == D(2026, 11, 27)
    # And a Saturday the package says is a rest day becomes a working day.
    CalendarOverride.objects.create(
        date=D(2026, 11, 28), is_workday=True, name="调休上班", source="测试"
    )
    assert earliest_urgent_start(D(2026, 11, 24)) == D(2026, 11, 28)
    # The package's own make-up day can be overridden too.
    CalendarOverride.objects.create(
        date=D(2026, 2, 14), is_workday=False, name="改为休息", source="测试"
    )
    assert is_workday(D(2026, 2, 14)) is False


def test_nothing_the_office_changes_is_cached() -> None:
    assert is_workday(D(2026, 11, 26))
    override = CalendarOverride.objects.create(
        date=D(2026, 11, 26), is_workday=False, name="临时", source="测试"
    )
    assert not is_workday(D(2026, 11, 26))
    CalendarOverride.objects.filter(pk=override.pk).delete()
    assert is_workday(D(2026, 11, 26))


def test_a_long_run_of_entered_rest_days_reads_further() -> None:
    """Forty rest days in a row are beyond the first window read; the answer is still right."""
    CalendarOverride.objects.bulk_create(
        CalendarOverride(
            date=D(2026, 3, 2) + dt.timedelta(days=offset),
            is_workday=False,
            name="长假",
            source="测试",
        )
        for offset in range(40)
    )
    # Filed Friday 02-27: Saturday 02-28 (make-up), then nothing until Monday 04-13, 04-14.
    assert earliest_urgent_start(D(2026, 2, 27)) == D(2026, 4, 14)


# Speed -----------------------------------------------------------------------------------------


def count_queries(call: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def test_one_query_per_calculation_inside_the_package_years() -> None:
    assert count_queries(lambda: workdays_between(D(2026, 1, 1), D(2026, 12, 31))) == 1
    assert count_queries(lambda: add_workdays(D(2026, 1, 5), 30)) == 1
    assert count_queries(lambda: earliest_urgent_start(D(2026, 9, 28))) == 1
    assert count_queries(lambda: is_workday(D(2026, 2, 14))) == 1


def test_two_queries_when_the_calculation_reaches_an_entered_year() -> None:
    enter_2027()
    assert count_queries(lambda: workdays_between(D(2026, 6, 1), D(2027, 6, 30))) == 2


# The reminder ---------------------------------------------------------------------------------


def test_next_year_is_reported_uncovered_only_from_november() -> None:
    assert uncovered_next_year(D(2026, 10, 31)) is None
    assert uncovered_next_year(D(2026, 11, 1)) == 2027
    assert uncovered_next_year(D(2026, 12, 31)) == 2027
    assert uncovered_next_year(D(2025, 11, 1)) is None  # the package knows 2026
    CalendarYear.objects.create(year=2027, complete=False)
    assert uncovered_next_year(D(2026, 11, 1)) == 2027  # an incomplete entry is not enough
    CalendarYear.objects.filter(year=2027).update(complete=True)
    assert uncovered_next_year(D(2026, 11, 1)) is None


def test_filed_on_a_rest_day_counts_from_the_filing_day() -> None:
    """Saturday 2026-11-21: Monday, Tuesday, Wednesday are the three working days after it
    (chinesecalendar's find_workday(3, …) would first move to Monday and answer Thursday)."""
    assert earliest_urgent_start(D(2026, 11, 21)) == D(2026, 11, 25)
    assert chinese_calendar.find_workday(3, D(2026, 11, 21)) == D(2026, 11, 26)


# Estimates: the one counting that answers for a year nobody has entered --------------------------


def test_an_estimate_in_a_known_year_is_the_exact_count() -> None:
    assert add_workdays_or_estimate(D(2026, 9, 28), 3) == CountedDate(D(2026, 10, 8), False)
    assert add_workdays_or_estimate(D(2026, 1, 1), 0) == CountedDate(D(2026, 1, 4), False)


def test_an_unknown_year_is_counted_monday_to_friday_and_marked() -> None:
    # Wednesday 2026-12-30 + 3: Thursday 31 (known), then 2027 unknown: Friday 1, Monday 4.
    assert add_workdays_or_estimate(D(2026, 12, 30), 3) == CountedDate(D(2027, 1, 4), True)
    # The urgent path, and every other calculation, still refuses.
    with pytest.raises(HolidayScheduleMissing):
        add_workdays(D(2026, 12, 30), 3)
    with pytest.raises(HolidayScheduleMissing):
        earliest_urgent_start(D(2026, 12, 30))


def test_an_estimate_keeps_the_days_the_office_entered() -> None:
    CalendarYear.objects.create(year=2027, complete=False)
    CalendarOverride.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦", source="x")
    assert add_workdays_or_estimate(D(2026, 12, 30), 3) == CountedDate(D(2027, 1, 5), True)


def test_a_complete_year_makes_the_estimate_exact() -> None:
    enter_2027()
    assert add_workdays_or_estimate(D(2026, 12, 30), 3) == CountedDate(D(2027, 1, 5), False)
    assert add_workdays(D(2026, 12, 30), 3) == D(2027, 1, 5)


def test_without_the_offices_calendar_nothing_is_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """core imports none of our apps: the office's entries come from the calendar that the
    workcalendar app registers, and counting without it would ignore them silently."""
    monkeypatch.setattr(workdays, "_office_calendars", [])
    with pytest.raises(ImproperlyConfigured):
        is_workday(D(2026, 11, 25))
