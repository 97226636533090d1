"""What the office sees of the scheduled jobs: each job of the table with its latest run."""

import datetime as dt
from dataclasses import dataclass

from communitygate.core import clock
from communitygate.jobs.models import ScheduledRun
from communitygate.jobs.schedules import SCHEDULES, Schedule

HISTORY_DAYS = 14


@dataclass(frozen=True)
class JobOverview:
    schedule: Schedule
    latest: ScheduledRun | None
    recent: tuple[ScheduledRun, ...]  # newest first, the last HISTORY_DAYS days


def schedule_overview() -> list[JobOverview]:
    """Every scheduled job with its runs of the last two weeks (one query)."""
    since = clock.today() - dt.timedelta(days=HISTORY_DAYS)
    runs: dict[str, list[ScheduledRun]] = {}
    for run in ScheduledRun.objects.filter(day__gte=since).order_by("-day", "-pk"):
        runs.setdefault(run.job, []).append(run)
    return [
        JobOverview(
            schedule=schedule,
            latest=next(iter(runs.get(schedule.job, [])), None),
            recent=tuple(runs.get(schedule.job, [])),
        )
        for schedule in SCHEDULES
    ]
