"""What the residents app does when an app below it announces a change."""

from typing import Any

from communitygate.core.people import AnyUser
from communitygate.matters.services.matters import matters_recount_estimated_answer_by


def recount_answer_by_on_year_entered(*, year: int, actor: AnyUser, **_: Any) -> None:
    """The office entered a year's holiday schedule (workcalendar's `calendar_year_entered`,
    sent inside that transaction): recount the estimated answer-by dates that reach it."""
    matters_recount_estimated_answer_by(actor=actor, year=year)
