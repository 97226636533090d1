"""The office's holiday calendar (节假日安排): entering a year's schedule (reads: selectors).

The State Council publishes each year's holidays and make-up working days (调休) late in the
year before; until the chinesecalendar package knows that year, the committee office enters
it here, one line per day, and marks the year complete. `core.workdays` then counts with it.
An entry is the year's whole schedule: it replaces what was entered for that year before, and
the audit event records every day added, changed or removed. In the same transaction the
`calendar_year_entered` signal tells the apps above (residents recount estimated answer-by
dates).
"""

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from communitygate.accounts.permissions import is_office_staff
from communitygate.audit.recorder import changed_fields, record_event
from communitygate.core import clock, workdays
from communitygate.core.errors import InvalidInput, PermissionDenied, Problem
from communitygate.core.people import AnyUser
from communitygate.core.tabular import read_rows
from communitygate.workcalendar.models import CalendarOverride, CalendarYear
from communitygate.workcalendar.selectors import (
    FIRST_ENTERABLE_YEAR,
    HOLIDAY,
    LAST_ENTERABLE_YEAR,
    WORKDAY,
    ScheduleDay,
)
from communitygate.workcalendar.signals import calendar_year_entered

MAX_SCHEDULE_LINES = 400  # a year has about forty entries; more is a wrong file
KINDS = {HOLIDAY: False, WORKDAY: True}
NAME_MAX_LENGTH = CalendarOverride._meta.get_field("name").max_length or 100
SOURCE_MAX_LENGTH = CalendarYear._meta.get_field("source").max_length or 300
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TEXT_SEPARATOR = re.compile(r"\s*[,，\t]\s*|\s+")
CSV_HEADER_FIRST_CELL = "日期"
WEEKDAYS_ZH = "一二三四五六日"
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class ScheduleLine:
    """One line as typed or uploaded: its number (for messages) and its cells, unchecked."""

    number: int
    parts: tuple[str, ...]


# Reading what the office typed or uploaded -------------------------------------------------------


def schedule_lines_from_text(text: str) -> list[ScheduleLine]:
    """`YYYY-MM-DD 休 名称` per line (commas or tabs also separate); blank lines are skipped
    and keep their numbers, so that messages point at the line the office sees."""
    return [
        ScheduleLine(number, tuple(TEXT_SEPARATOR.split(line.strip(), maxsplit=2)))
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]


def schedule_lines_from_csv(content: bytes) -> list[ScheduleLine]:
    """Rows of a CSV file with the columns 日期,类型,名称 (the header row is optional), read by
    `core.tabular`; each line's number is its row in the file. Undecodable bytes and control
    characters are InvalidInput, by row and column."""
    read = read_rows("schedule.csv", content)
    if read.problems:
        raise InvalidInput(
            [
                Problem(
                    message_zh=f"第{problem.row}行{problem.field}列：{problem.message_zh}",
                    message_en=f"Line {problem.row}, column {problem.field}: {problem.message_en}",
                    field="lines",
                    row=problem.row,
                )
                if problem.row
                else problem
                for problem in read.problems
            ]
        )
    return [
        ScheduleLine(number, tuple(cells))
        for number, cells in read.rows
        if not (number == 1 and cells[0] == CSV_HEADER_FIRST_CELL)
    ]


# Checking -----------------------------------------------------------------------------------------


def _line_problem(line: ScheduleLine, zh: str, en: str) -> Problem:
    return Problem(
        message_zh=f"第{line.number}行：{zh}",
        message_en=f"Line {line.number}: {en}",
        field="lines",
        row=line.number,
    )


def _package_rest_day(day: dt.date) -> bool:
    """A weekday the package lists as a holiday: the office may make it a working day again."""
    listed = workdays.library_day(day)
    return listed is not None and not listed.is_workday


def _check_line(line: ScheduleLine, year: int) -> tuple[ScheduleDay | None, list[Problem]]:
    if len(line.parts) != 3:
        return None, [
            _line_problem(
                line,
                "格式应为“YYYY-MM-DD 休 名称”或“YYYY-MM-DD 班 名称”。",
                "write 'YYYY-MM-DD 休 name' (holiday) or 'YYYY-MM-DD 班 name' (make-up working day).",
            )
        ]
    date_text, kind, name = line.parts
    problems = []
    day: dt.date | None = None
    try:
        day = dt.date.fromisoformat(date_text) if DATE_PATTERN.match(date_text) else None
    except ValueError:
        day = None
    if day is None:
        problems.append(
            _line_problem(
                line,
                f"“{date_text}”不是有效日期，请写成 YYYY-MM-DD。",
                f"'{date_text}' is not a valid date; write YYYY-MM-DD.",
            )
        )
    elif day.year != year:
        problems.append(
            _line_problem(
                line,
                f"日期 {day.isoformat()} 不在 {year} 年内。",
                f"the date {day.isoformat()} is not in {year}.",
            )
        )
    if kind not in KINDS:
        problems.append(
            _line_problem(
                line,
                f"类型“{kind}”无效，只能是“休”（放假）或“班”（调休上班）。",
                f"the type '{kind}' is not valid; use 休 (holiday) or 班 (make-up working day).",
            )
        )
    elif (
        day is not None
        and KINDS[kind]
        and day.weekday() < workdays.SATURDAY
        and not _package_rest_day(day)
    ):
        problems.append(
            _line_problem(
                line,
                f"{day.isoformat()} 是星期{WEEKDAYS_ZH[day.weekday()]}，本来就是工作日；调休上班日只能是周六或周日。",
                f"{day.isoformat()} is a {WEEKDAYS_EN[day.weekday()]}, already a working day; a make-up working day "
                "falls on a Saturday or Sunday.",
            )
        )
    if not name or len(name) > NAME_MAX_LENGTH:
        problems.append(
            _line_problem(
                line,
                f"请填写名称（如“元旦”“春节调休上班”），不超过 {NAME_MAX_LENGTH} 个字。",
                f"give a name (e.g. 元旦, 春节调休上班) of at most {NAME_MAX_LENGTH} characters.",
            )
        )
    if problems or day is None:
        return None, problems
    return ScheduleDay(day, KINDS[kind], name), []


def schedule_check(
    *, year: int, lines: Sequence[ScheduleLine], source: str, complete: bool
) -> list[ScheduleDay]:
    """The checked days of a year's schedule, or InvalidInput listing every bad line."""
    problems: list[Problem] = []
    if not FIRST_ENTERABLE_YEAR <= year <= LAST_ENTERABLE_YEAR:
        problems.append(
            Problem(
                f"年份须在 {FIRST_ENTERABLE_YEAR} 到 {LAST_ENTERABLE_YEAR} 之间。",
                f"The year must be between {FIRST_ENTERABLE_YEAR} and {LAST_ENTERABLE_YEAR}.",
                field="year",
            )
        )
    if not source.strip() or len(source) > SOURCE_MAX_LENGTH:
        problems.append(
            Problem(
                f"请填写依据（通知文号或网址，如“国办发明电〔{year - 1}〕X号”），不超过 {SOURCE_MAX_LENGTH} 个字。",
                f"Give the source (the notice's number or address) in at most {SOURCE_MAX_LENGTH} characters.",
                field="source",
            )
        )
    if len(lines) > MAX_SCHEDULE_LINES:
        problems.append(
            Problem(
                f"一年的安排不超过 {MAX_SCHEDULE_LINES} 行，收到 {len(lines)} 行；请检查文件。",
                f"A year's schedule has at most {MAX_SCHEDULE_LINES} lines; {len(lines)} were "
                "given. Check the file.",
                field="lines",
            )
        )
        raise InvalidInput(problems)
    if complete and not lines:
        problems.append(
            Problem(
                "没有录入任何日期；完整的年度安排至少包括元旦、春节等节假日。",
                "No days were entered; a complete year's schedule lists at least its holidays.",
                field="lines",
            )
        )
    days: list[ScheduleDay] = []
    first_line_of: dict[dt.date, int] = {}
    for line in lines:
        day, line_problems = _check_line(line, year)
        problems.extend(line_problems)
        if day is None:
            continue
        if day.date in first_line_of:
            earlier = first_line_of[day.date]
            problems.append(
                _line_problem(
                    line,
                    f"日期 {day.date.isoformat()} 与第{earlier}行重复。",
                    f"the date {day.date.isoformat()} is already on line {earlier}.",
                )
            )
            continue
        first_line_of[day.date] = line.number
        days.append(day)
    if problems:
        raise InvalidInput(problems)
    return sorted(days, key=lambda day: day.date)


# Writing ------------------------------------------------------------------------------------------


def _override_value(is_workday: bool, name: str) -> str:
    return f"{WORKDAY if is_workday else HOLIDAY} {name}"


def calendar_year_enter(
    *,
    actor: AnyUser,
    year: int,
    lines: Sequence[ScheduleLine],
    source: str,
    complete: bool = True,
) -> CalendarYear:
    """Replace a year's holidays and make-up working days with `lines`, and mark whether the
    schedule is complete. Every line is checked first; nothing is saved unless all are valid."""
    if not is_office_staff(actor):
        raise PermissionDenied()
    days = schedule_check(year=year, lines=lines, source=source, complete=complete)
    with transaction.atomic():
        calendar_year, _created = CalendarYear.objects.select_for_update().get_or_create(year=year)
        return _year_replace(
            actor=actor,
            calendar_year=calendar_year,
            days=days,
            source=source.strip(),
            complete=complete,
            action="calendar_year.enter",
        )


DAY_KINDS = (HOLIDAY, WORKDAY, "")  # "": back to what the package or the weekday says
DEFAULT_DAY_NAMES = {HOLIDAY: "放假", WORKDAY: "调休上班"}


def calendar_day_set(
    *,
    actor: AnyUser,
    day: dt.date,
    kind: str,
    name: str = "",
    source: str = "",
) -> CalendarYear:
    """Change one day of the grid: a holiday (休), a make-up working day (班), or "" to withdraw
    the office's entry so that the package or the weekday decides again.

    The day goes through the same checks and the same write as a year's entry (the year's other
    days unchanged, its completeness unchanged), so the audit event lists just this day. An
    empty name takes 放假 or 调休上班; an empty source keeps the year's."""
    if not is_office_staff(actor):
        raise PermissionDenied()
    if kind not in DAY_KINDS:
        raise InvalidInput(
            [
                Problem(
                    "请选择：放假（休）、调休上班（班）或恢复默认。",
                    "Choose a holiday (休), a make-up working day (班) or back to the default.",
                    field="kind",
                )
            ]
        )
    year = day.year
    with transaction.atomic():
        calendar_year, _created = CalendarYear.objects.select_for_update().get_or_create(year=year)
        current = {
            override.date: override
            for override in CalendarOverride.objects.select_for_update().filter(
                date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)), withdrawn_at__isnull=True
            )
        }
        if not kind and day not in current:
            raise InvalidInput(
                [
                    Problem(
                        f"{day.isoformat()} 没有办公室录入的安排，本来就按默认计算。",
                        f"The office has entered nothing for {day.isoformat()}; it already "
                        "follows the default.",
                        field="kind",
                    )
                ]
            )
        lines = [
            ScheduleLine(number, (o.date.isoformat(), WORKDAY if o.is_workday else HOLIDAY, o.name))
            for number, o in enumerate(sorted(current.values(), key=lambda o: o.date), start=1)
            if o.date != day
        ]
        if kind:
            lines.append(
                ScheduleLine(
                    len(lines) + 1,
                    (day.isoformat(), kind, name.strip() or DEFAULT_DAY_NAMES[kind]),
                )
            )
        source = source.strip() or calendar_year.source
        days = schedule_check(
            year=year, lines=lines, source=source, complete=calendar_year.complete
        )
        return _year_replace(
            actor=actor,
            calendar_year=calendar_year,
            days=days,
            source=source,
            complete=calendar_year.complete,
            action="calendar_day.set",
        )


def _year_replace(
    *,
    actor: AnyUser,
    calendar_year: CalendarYear,
    days: Sequence[ScheduleDay],
    source: str,
    complete: bool,
    action: str,
) -> CalendarYear:
    """The one write of the office's calendar (inside the caller's transaction, the year row
    locked): the year's current days become `days`, one audit event records what changed, and
    `calendar_year_entered` tells the apps above."""
    year = calendar_year.year
    existing = {
        override.date: override
        for override in CalendarOverride.objects.select_for_update().filter(
            date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)), withdrawn_at__isnull=True
        )
    }
    before: dict[str, object] = {
        "complete": calendar_year.complete,
        "source": calendar_year.source,
        **{
            day.isoformat(): _override_value(override.is_workday, override.name)
            for day, override in existing.items()
        },
    }
    wanted = {day.date: day for day in days}
    # Days no longer listed are withdrawn, not deleted: nothing the office entered is lost.
    CalendarOverride.objects.filter(
        pk__in=[override.pk for day, override in existing.items() if day not in wanted]
    ).update(withdrawn_at=clock.now())
    for day in days:
        override = existing.get(day.date)
        if override is None:
            continue
        if (override.is_workday, override.name, override.source) != (
            day.is_workday,
            day.name,
            source,
        ):
            CalendarOverride.objects.filter(pk=override.pk).update(
                is_workday=day.is_workday, name=day.name, source=source
            )
    CalendarOverride.objects.bulk_create(
        CalendarOverride(
            date=day.date,
            is_workday=day.is_workday,
            name=day.name,
            source=source,
            created_at=clock.now(),
        )
        for day in days
        if day.date not in existing
    )
    calendar_year.complete = complete
    calendar_year.source = source
    calendar_year.entered_at = clock.now()
    calendar_year.save(update_fields=["complete", "source", "entered_at"])
    after: dict[str, object] = {
        "complete": complete,
        "source": source,
        **{day.date.isoformat(): _override_value(day.is_workday, day.name) for day in days},
    }
    record_event(
        actor=actor,
        action=action,
        obj=calendar_year,
        changes=changed_fields(before, after),
    )
    calendar_year_entered.send(sender=CalendarYear, year=year, actor=actor)
    return calendar_year
