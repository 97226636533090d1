"""A matter's answer-by date as people read it, with an estimate marked.

Where a year's holiday schedule is not entered yet the date is an estimate (`core.workdays`
counted the unknown days Monday to Friday; the matter stores `answer_by_estimated`). Every place
that shows or sends the date says so the same way, "约 2027年1月4日（预估）": the pages (the
template filter `matters_tags.answer_by`), the message after an intake and Open311's notice all
call `answer_by_text`. The export keeps the date a date and adds a column, the APIs send
`answer_by_estimated`, Open311 `expected_datetime_estimated`, and the escalation counts the
estimates it escalated on (docs/residents.md).
"""

import datetime as dt
from typing import Protocol

from django.utils.formats import date_format
from django.utils.translation import gettext


class HasAnswerBy(Protocol):
    """A Matter, or what the public may read of one (`PublicMatterStatus`)."""

    @property
    def answer_by(self) -> dt.date: ...

    @property
    def answer_by_estimated(self) -> bool: ...


def answer_by_text(matter: HasAnswerBy, *, iso: bool = False) -> str:
    """The date in the active language ("2027年1月4日"; `iso`: "2027-01-04"), and for an estimate
    "约 2027年1月4日（预估）" / "about Jan. 4, 2027 (estimate)"."""
    day = matter.answer_by.isoformat() if iso else date_format(matter.answer_by, "DATE_FORMAT")
    if not matter.answer_by_estimated:
        return day
    return gettext("about %(date)s (estimate)") % {"date": day}


def estimate_note() -> str:
    """Why a date is an estimate and what happens next (the mark's tooltip on the pages)."""
    return gettext(
        "The holiday schedule of that year is not entered yet; the date is counted Monday to "
        "Friday and will be recounted."
    )
