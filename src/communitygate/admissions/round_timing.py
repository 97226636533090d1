"""When a review round's steps may be taken (审批批次的时间). A round is named by its month,
January or July: its consultation opens in that month, no earlier than its first day (the office
may prepare the round before), and the consultation is closed and the committee decides in that
month or the next. Pure: the services ask `round_step_window` and refuse outside it."""

import datetime as dt
from calendar import monthrange

from communitygate.core.errors import RuleBroken

OPEN = "open_consultation"
CLOSE = "close_consultation"
DECIDE = "decide"
ROUND_STEPS = (OPEN, CLOSE, DECIDE)

STEP_NAMES = {
    OPEN: ("开始征询", "open the consultation of"),
    CLOSE: ("截止征询", "close the consultation of"),
    DECIDE: ("作出决定", "decide in"),
}


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, monthrange(year, month)[1])


def round_step_window(year: int, month: int, step: str) -> tuple[dt.date, dt.date]:
    """The first and last day on which `step` may be taken in the round of `year`/`month`:
    opening in the round's month; closing and deciding in that month or the next."""
    if step not in ROUND_STEPS:
        raise ValueError(f"unknown round step {step!r}")
    first = dt.date(year, month, 1)
    if step == OPEN:
        return first, _last_day(year, month)
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return first, _last_day(next_year, next_month)


def round_step_allowed(*, today: dt.date, year: int, month: int, step: str) -> bool:
    first, last = round_step_window(year, month, step)
    return first <= today <= last


class RoundOutsideItsMonths(RuleBroken):
    """A round's consultation opens in its month; it closes and is decided in that month or the
    next (docs/admission.md, "Rounds keep to January and July")."""

    code = "round_outside_its_months"
    status = 409

    def __init__(self, *, year: int, month: int, step: str, today: dt.date) -> None:
        first, last = round_step_window(year, month, step)
        zh_step, en_step = STEP_NAMES[step]
        super().__init__(
            f"{year}年{month}月批次只能在{first:%Y-%m-%d}至{last:%Y-%m-%d}之间{zh_step}；"
            f"今天是{today:%Y-%m-%d}。",
            f"You can {en_step} the {year}-{month:02d} round only from {first:%Y-%m-%d} to "
            f"{last:%Y-%m-%d}; today is {today:%Y-%m-%d}.",
        )


def round_step_check(*, today: dt.date, year: int, month: int, step: str) -> None:
    if not round_step_allowed(today=today, year=year, month=month, step=step):
        raise RoundOutsideItsMonths(year=year, month=month, step=step, today=today)
