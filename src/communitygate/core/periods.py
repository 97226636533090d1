"""Periods people ask figures for, written the way they say them: a year (2026), a half
(2026-H1), a quarter (2026-Q3), a month (2026-11) or any range of days
(2026-03-01..2026-06-30). One parser for every figure that takes `period=`."""

import datetime as dt
import re
from dataclasses import dataclass

from communitygate.core.errors import InvalidInput, Problem

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included; `text` as it was asked."""

    start: dt.date
    end: dt.date
    text: str

    @property
    def label_zh(self) -> str:
        return f"{self.start:%Y年%m月%d日}至{self.end:%Y年%m月%d日}"


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _invalid(text: str) -> InvalidInput:
    return InvalidInput(
        [
            Problem(
                f"无法识别的期间“{text[:40]}”：请写 2026、2026-H1、2026-Q3、2026-11 或 2026-03-01..2026-06-30。",
                f"Unknown period '{text[:40]}': write 2026, 2026-H1, 2026-Q3, 2026-11 or 2026-03-01..2026-06-30.",
                field="period",
            )
        ]
    )


def _bounded(period: Period, text: str) -> Period:
    if not EARLIEST_YEAR <= period.start.year <= LATEST_YEAR or not (
        EARLIEST_YEAR <= period.end.year <= LATEST_YEAR
    ):
        raise _invalid(text)
    if period.end < period.start:
        raise InvalidInput(
            [
                Problem(
                    "期间的结束日期早于开始日期。",
                    "The period ends before it starts.",
                    field="period",
                )
            ]
        )
    return period


def parse_period(text: str, *, today: dt.date) -> Period:
    """The period `text` names; an empty text is this year so far."""
    text = (text or "").strip()
    if not text:
        return Period(dt.date(today.year, 1, 1), today, str(today.year))
    try:
        if m := re.fullmatch(r"(\d{4})", text):
            year = int(m[1])
            return _bounded(Period(dt.date(year, 1, 1), dt.date(year, 12, 31), text), text)
        if m := re.fullmatch(r"(\d{4})-[Hh]([12])", text):
            year, half = int(m[1]), int(m[2])
            first = 1 if half == 1 else 7
            return _bounded(
                Period(dt.date(year, first, 1), _month_end(year, first + 5), text), text
            )
        if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", text):
            year, quarter = int(m[1]), int(m[2])
            first = 3 * (quarter - 1) + 1
            return _bounded(
                Period(dt.date(year, first, 1), _month_end(year, first + 2), text), text
            )
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
            year, month = int(m[1]), int(m[2])
            return _bounded(Period(dt.date(year, month, 1), _month_end(year, month), text), text)
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text):
            start, end = dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2])
            return _bounded(Period(start, end, text), text)
    except ValueError:
        raise _invalid(text) from None
    raise _invalid(text)
