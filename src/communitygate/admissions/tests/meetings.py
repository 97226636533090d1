"""Helpers for the tests of rounds and decisions: a round opened in its month, and a committee
meeting of the world's committee of three, all present, all voting for the outcome wanted."""

import datetime as dt

from django.contrib.auth.models import User

from communitygate.admissions.models import Application, ReviewRound
from communitygate.admissions.services import (
    MeetingRecord,
    application_decide,
    round_open_consultation,
)
from communitygate.core import clock
from communitygate.testing import World, committee_members
from communitygate.workcalendar.models import CalendarYear
from communitygate.workcalendar.services import calendar_year_enter, schedule_lines_from_text

VOTE_FOR = {"approve": "approve", "committee_reject": "reject"}


def meeting_for(
    world: World, outcome: str, *, held_on: dt.date | None = None, count: int = 3
) -> MeetingRecord:
    members = committee_members(world, count)
    return MeetingRecord(
        held_on=held_on or clock.today(),
        votes=tuple((member.pk, VOTE_FOR[outcome]) for member in members),
    )


def decide(
    world: World,
    application: Application,
    outcome: str,
    *,
    reason: str = "委员会审议",
    actor: User | None = None,
) -> Application:
    """The committee decides `outcome` (approve or committee_reject) at a meeting today."""
    return application_decide(
        actor=actor or world.user("committee_member"),
        application=application,
        meeting=meeting_for(world, outcome),
        reason=reason,
    )


# The January 2027 round's consultation opens no earlier than 1 January: the tests open it on
# Monday 4 January 2027, 10:00 in Shanghai, with the office's 2027 schedule entered (New Year's
# Day off) so that working days can be counted.
JANUARY = dt.datetime(2027, 1, 4, 2, 0, tzinfo=dt.UTC)


def enter_2027(world: World) -> None:
    if not CalendarYear.objects.filter(year=2027).exists():
        calendar_year_enter(
            actor=world.user("office_officer"),
            year=2027,
            lines=schedule_lines_from_text("2027-01-01 休 元旦"),
            source="测试：2027年放假安排",
            complete=True,
        )


def open_in_january(
    world: World, review_round: ReviewRound, deadline: dt.datetime, *, at: dt.datetime = JANUARY
) -> ReviewRound:
    """Open the round's consultation in its month (the clock is left there)."""
    enter_2027(world)
    clock.pin(at)
    return round_open_consultation(
        actor=world.user("office_officer"), review_round=review_round, deadline=deadline
    )
