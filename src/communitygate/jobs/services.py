"""The scheduler's writes: queue the jobs that are due (once per job and day), run one, retry a
failed one, and end what a killed process left running.

`scheduler_tick` is what `communitygate scheduler` does every half minute: the sweeps first (an
import or a task whose worker died is failed, so its file may be imported again), then the
retries, then today's due jobs. Running two schedulers is safe: the unique (job, day) row and
the conditional updates decide which one queues."""

import datetime as dt
import io
import logging
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from communitygate.audit.recorder import record_operation_event
from communitygate.core import clock
from communitygate.core.logmask import mask_personal_data
from communitygate.jobs.models import RunStatuses, ScheduledRun
from communitygate.jobs.schedules import SCHEDULE_BY_JOB, SCHEDULES, Schedule, due_jobs, local_day
from communitygate.registry.models import ResidentImport
from communitygate.registry.selectors.importing import ACTIVE_STATUSES
from communitygate.registry.services.importing import stalled_imports_fail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # a failed job is tried again twice the same day
RETRY_AFTER = dt.timedelta(minutes=10)
RESULT_CHARS = 2000
IMPORT_TASK = "communitygate.registry.tasks.run_resident_import"
WORKER_LOST = "communitygate.jobs.services.WorkerLost"


def task_lease() -> dt.timedelta:
    """How long any background task may stay "running" before its worker counts as dead
    (tasks renew no heartbeat; the residents' import has its own, shorter lease)."""
    return dt.timedelta(seconds=settings.COMMUNITYGATE.get("TASK_LEASE_SECONDS", 3600))


# Queueing ------------------------------------------------------------------------------------


def _enqueue(run: ScheduledRun) -> None:
    from communitygate.jobs.tasks import run_scheduled_job

    result = run_scheduled_job.enqueue(run.pk)
    ScheduledRun.objects.filter(pk=run.pk).update(task_id=str(result.id))


def scheduled_jobs_enqueue(
    *, now: dt.datetime | None = None, schedules: tuple[Schedule, ...] = SCHEDULES
) -> list[ScheduledRun]:
    """Queue every job due at `now` that has no run today; the runs created."""
    moment = now or clock.now()
    day = local_day(moment)
    ran = set(ScheduledRun.objects.filter(day=day).values_list("job", flat=True))
    created = []
    for schedule in due_jobs(moment, ran, schedules=schedules):
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=schedule.job, day=day, enqueued_at=moment)
                transaction.on_commit(partial(_enqueue, run))
        except IntegrityError:
            continue  # another scheduler queued it first
        created.append(run)
    return created


def failed_runs_retry(*, now: dt.datetime | None = None) -> list[int]:
    """Queue again today's failed runs with attempts left, RETRY_AFTER after they failed."""
    moment = now or clock.now()
    retried = []
    for run in ScheduledRun.objects.filter(
        day=local_day(moment),
        status=RunStatuses.FAILED,
        attempts__lt=MAX_ATTEMPTS,
        finished_at__lte=moment - RETRY_AFTER,
    ):
        with transaction.atomic():
            again = ScheduledRun.objects.filter(
                pk=run.pk, status=RunStatuses.FAILED, attempts=run.attempts
            ).update(
                status=RunStatuses.QUEUED,
                attempts=run.attempts + 1,
                enqueued_at=moment,
                started_at=None,
                finished_at=None,
            )
            if again == 1:
                transaction.on_commit(partial(_enqueue, run))
                retried.append(run.pk)
    return retried


# Running -------------------------------------------------------------------------------------


def scheduled_run_execute(run_id: int) -> ScheduledRun:
    """Run one queued run's command and record how it ended. A run that is not queued (already
    taken by another worker, or finished) is returned as it is. The command's own failure is
    recorded, then raised again for the task queue."""
    claimed = ScheduledRun.objects.filter(pk=run_id, status=RunStatuses.QUEUED).update(
        status=RunStatuses.RUNNING, started_at=clock.now()
    )
    run = ScheduledRun.objects.get(pk=run_id)
    if claimed != 1:
        return run
    schedule = SCHEDULE_BY_JOB[run.job]
    output = io.StringIO()
    try:
        call_command(*schedule.command, stdout=output, stderr=output)
    except Exception as error:
        result = f"{type(error).__name__}: {mask_personal_data(str(error))}"
        ScheduledRun.objects.filter(pk=run_id, status=RunStatuses.RUNNING).update(
            status=RunStatuses.FAILED, finished_at=clock.now(), result=result[-RESULT_CHARS:]
        )
        raise
    ScheduledRun.objects.filter(pk=run_id, status=RunStatuses.RUNNING).update(
        status=RunStatuses.SUCCEEDED,
        finished_at=clock.now(),
        result=mask_personal_data(output.getvalue().strip())[-RESULT_CHARS:],
    )
    run.refresh_from_db()
    return run


# Sweeping what a killed process left -----------------------------------------------------------


def stalled_runs_fail(*, now: dt.datetime | None = None) -> list[int]:
    """Scheduled runs left "running" past the task lease: failed (and so retried)."""
    moment = now or clock.now()
    stalled = ScheduledRun.objects.filter(
        status=RunStatuses.RUNNING, started_at__lt=moment - task_lease()
    )
    failed = []
    for run in stalled:
        ended = ScheduledRun.objects.filter(pk=run.pk, status=RunStatuses.RUNNING).update(
            status=RunStatuses.FAILED,
            finished_at=moment,
            result="中断：运行该任务的进程已停止 / interrupted: the process running it stopped",
        )
        if ended:
            failed.append(run.pk)
    return failed


def stalled_tasks_fail(*, now: dt.datetime | None = None) -> list[str]:
    """Queue tasks (django_tasks_db rows) a killed worker left RUNNING: failed with the reason,
    so the queue's record is true and nothing waits on them. Two kinds: any task running longer
    than the task lease, and a residents' import task whose import has already ended (its own
    lease ran out). Each is an audit event `background_task.interrupted`."""
    moment = now or clock.now()
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    stale = list(running.filter(started_at__lt=moment - task_lease()))
    imports = {
        str(task.pk): task
        for task in running.filter(task_path=IMPORT_TASK).exclude(pk__in=[t.pk for t in stale])
    }
    batch_of = {key: task.args_kwargs.get("args", [None])[0] for key, task in imports.items()}
    still_active = set(
        ResidentImport.objects.filter(
            pk__in=[b for b in batch_of.values() if isinstance(b, int)],
            status__in=ACTIVE_STATUSES,
        ).values_list("pk", flat=True)
    )
    stale += [task for key, task in imports.items() if batch_of[key] not in still_active]
    failed = []
    for task in stale:
        with transaction.atomic():
            ended = DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=moment,
                exception_class_path=WORKER_LOST,
                traceback=(
                    "任务中断：运行它的后台进程已停止（被终止或服务器重启）。\n"
                    "Interrupted: the worker running this task stopped (killed, or the server "
                    f"restarted); started {task.started_at.isoformat() if task.started_at else '-'}."
                ),
            )
            if ended != 1:
                continue
            record_operation_event(
                action="background_task.interrupted",
                subject="django_tasks_db.task",
                subject_id=str(task.pk),
                changes={
                    "status": [TaskResultStatus.RUNNING, TaskResultStatus.FAILED],
                    "task": [None, task.task_path],
                },
            )
        logger.warning("task %s (%s) interrupted: its worker stopped", task.pk, task.task_path)
        failed.append(str(task.pk))
    return failed


@dataclass
class Tick:
    imports_failed: list[int] = field(default_factory=list)
    tasks_failed: list[str] = field(default_factory=list)
    runs_failed: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    queued: list[str] = field(default_factory=list)


def scheduler_tick(*, now: dt.datetime | None = None) -> Tick:
    """One pass of the scheduler: sweep (always as of the clock), retry, queue what is due
    at `now` (a drill may pass another moment)."""
    moment = now or clock.now()
    tick = Tick()
    tick.imports_failed = stalled_imports_fail()
    tick.tasks_failed = stalled_tasks_fail()
    tick.runs_failed = stalled_runs_fail()
    tick.retried = failed_runs_retry(now=moment)
    tick.queued = [run.job for run in scheduled_jobs_enqueue(now=moment)]
    return tick
