"""The table of scheduled jobs (定时任务): what runs by itself, and when, in Asia/Shanghai.

Each job is one of the management commands the operators ran from cron before, now queued on
the task queue (`communitygate db_worker` runs it) by `communitygate scheduler`. A job runs once
a day, at or after its time; a scheduler that was down at that time catches up the same day, not
on later days (every job works "as of today"). `due_jobs` is the pure rule, tested with a frozen
clock."""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from communitygate.core.workdays import HolidayScheduleMissing, is_workday

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    job: str  # the key of ScheduledRun.job
    at: dt.time  # Asia/Shanghai
    command: tuple[str, ...]  # the management command and its arguments
    label: Promise
    workdays_only: bool = False


SCHEDULES: tuple[Schedule, ...] = (
    Schedule(
        "funding_overdue",
        dt.time(0, 30),
        ("funding_overdue",),
        _("Mark delegated payments overdue"),
    ),
    Schedule(
        "lapse_correction_orders",
        dt.time(0, 40),
        ("lapse_correction_orders",),
        _("Mark correction orders overdue"),
    ),
    Schedule(
        "refresh_burden",
        dt.time(1, 0),
        ("refresh_burden", "--all"),
        _("Rebuild the burden figures"),
    ),
    Schedule(
        "audit_checkpoint",
        dt.time(2, 0),
        ("audit_verify",),
        _("Verify the audit chain and write a checkpoint"),
    ),
    # Events older than the retention period (180 days) move to signed segment files.
    Schedule(
        "audit_archive",
        dt.time(2, 30),
        ("audit_archive",),
        _("Archive audit events past the retention period"),
    ),
    Schedule(
        "plan_rounds",
        dt.time(3, 0),
        ("plan_rounds",),
        _("Plan the next review rounds"),
    ),
    Schedule(
        "escalate_overdue_matters",
        dt.time(6, 10),
        ("escalate_overdue_matters",),
        _("Escalate overdue residents' matters"),
    ),
    Schedule(
        "purge_form_submissions",
        dt.time(6, 20),
        ("purge_form_submissions",),
        _("Delete old one-time form tokens"),
    ),
    Schedule(
        "commitments_lapsing",
        dt.time(6, 40),
        ("commitments_lapsing",),
        _("Tell payers of funding commitments about to lapse"),
    ),
    # Vote deadlines are counted in working days; nobody reads reminders on a holiday.
    Schedule(
        "remind_votes",
        dt.time(8, 30),
        ("remind_votes", "--now"),
        _("Remind consulted bodies of votes due"),
        workdays_only=True,
    ),
)
SCHEDULE_BY_JOB = {schedule.job: schedule for schedule in SCHEDULES}


def _workday_or_weekday(day: dt.date) -> bool:
    try:
        return is_workday(day)
    except HolidayScheduleMissing:
        logger.warning("no holiday schedule for %s: a weekday counts as a working day", day)
        return day.weekday() < 5


def due_jobs(
    moment: dt.datetime,
    ran: set[str],
    *,
    schedules: tuple[Schedule, ...] = SCHEDULES,
    workday: Callable[[dt.date], bool] = _workday_or_weekday,
) -> list[Schedule]:
    """The jobs to queue at `moment` (aware): those whose time of day has come in
    Asia/Shanghai, that have not run today (`ran`: the jobs with a run on that day), and, for
    a working-days-only job, on a working day."""
    local = timezone.localtime(moment)
    day, time = local.date(), local.time()
    due = []
    for schedule in schedules:
        if schedule.job in ran or time < schedule.at:
            continue
        if schedule.workdays_only and not workday(day):
            continue
        due.append(schedule)
    return due


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()
