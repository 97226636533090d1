"""The scheduler and the worker as the machine runs them: `communitygate scheduler` (a process
of its own) queues the day's jobs on the task queue, `communitygate db_worker` (another) runs
them, and a second pass the same day queues nothing more."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from communitygate.jobs.models import RunStatuses, ScheduledRun
from communitygate.jobs.schedules import SCHEDULES
from communitygate.testing import build_world, command_process_environment

pytestmark = pytest.mark.django_db(transaction=True)

A_WORKING_MONDAY_EVENING = "2026-12-07T23:59:00+08:00"  # every job of the table is due


def communitygate(tmp_path: Path, *arguments: str, timeout: float = 60) -> str:
    environment = command_process_environment(tmp_path)
    answer = subprocess.run(  # noqa: S603 (this interpreter, our own command)
        [sys.executable, "-m", "communitygate", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert answer.returncode == 0, answer.stderr[-3000:]
    return answer.stdout


def test_the_scheduler_queues_the_days_jobs_and_the_worker_runs_each_once(
    tmp_path: Path,
) -> None:
    build_world()
    connection.close()  # SQLite: let the other processes write
    out = communitygate(tmp_path, "scheduler", "--once", "--as-of", A_WORKING_MONDAY_EVENING)
    assert "queued:" in out
    runs = ScheduledRun.objects.all()
    assert {run.job for run in runs} == {schedule.job for schedule in SCHEDULES}
    assert {run.status for run in runs} == {RunStatuses.QUEUED}
    connection.close()
    communitygate(tmp_path, "db_worker", "--batch", "--no-startup-delay", timeout=120)
    runs = ScheduledRun.objects.order_by("job")
    assert [(run.job, run.status) for run in runs if run.status != RunStatuses.SUCCEEDED] == [], [
        (run.job, run.result) for run in runs
    ]
    results = {run.job: run.result for run in runs}
    assert results["audit_checkpoint"].startswith("OK")
    assert list(
        Path(settings.AUDIT_CHECKPOINT_DIR).iterdir()
    )  # the chain anchored outside the database
    assert "reminder(s) sent" in results["remind_votes"]
    connection.close()
    again = communitygate(tmp_path, "scheduler", "--once", "--as-of", A_WORKING_MONDAY_EVENING)
    assert "queued:" not in again
    assert ScheduledRun.objects.count() == len(SCHEDULES)
    assert {run.attempts for run in ScheduledRun.objects.all()} == {1}


def test_the_scheduler_runs_until_told_to_stop_and_then_ends_cleanly(tmp_path: Path) -> None:
    """What systemd and ./dev start rely on: it keeps passing, and SIGTERM ends it (exit 0)."""
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "communitygate", "scheduler", "--interval", "0.2"],
        env=command_process_environment(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert scheduler.stdout is not None
        assert scheduler.stdout.readline().startswith("scheduler started")
        time.sleep(1)
        assert scheduler.poll() is None
        scheduler.send_signal(signal.SIGTERM)
        out, err = scheduler.communicate(timeout=30)
    finally:
        if scheduler.poll() is None:
            scheduler.kill()
            scheduler.wait()
    assert scheduler.returncode == 0, err[-2000:]
    assert "scheduler stopped" in out
    assert "pass failed" not in err
