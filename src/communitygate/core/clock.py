"""The one source of "now" and "today", so that tests can pin time.

Times are stored in UTC; "today" is the date in Asia/Shanghai, where the district works.
"""

import datetime as dt

from django.utils import timezone

_pinned: dt.datetime | None = None


def now() -> dt.datetime:
    return _pinned if _pinned is not None else timezone.now()


def today() -> dt.date:
    return timezone.localtime(now()).date()


def pin(moment: dt.datetime | None) -> None:
    """Pin the clock (tests only); pass None to release it."""
    global _pinned
    if moment is not None and timezone.is_naive(moment):
        raise ValueError("pin() needs an aware datetime")
    _pinned = moment.astimezone(dt.UTC) if moment is not None else None


def pinned() -> dt.datetime | None:
    """The moment the clock is pinned to, or None (tests: to pin it again later)."""
    return _pinned


def local_date(moment: dt.datetime) -> dt.date:
    """The date of `moment` where the district works (Asia/Shanghai)."""
    return timezone.localtime(moment).date()
