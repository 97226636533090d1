"""The schedule table fires the right jobs at the right times (Asia/Shanghai, working days where
it matters), a job runs once a day however often the scheduler passes, a failed run is retried
and recorded, and the office sees the runs."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management.base import CommandError

from communitygate.core import clock
from communitygate.jobs import services
from communitygate.jobs.models import RunStatuses, ScheduledRun
from communitygate.jobs.schedules import SCHEDULE_BY_JOB, SCHEDULES, due_jobs
from communitygate.testing import World, signed_in

SHANGHAI = ZoneInfo("Asia/Shanghai")
ALL = {schedule.job for schedule in SCHEDULES}


def at(day: str, time: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=SHANGHAI)


def weekdays(day: dt.date) -> bool:
    return day.weekday() < 5


def jobs_due(moment: dt.datetime, ran: set[str] | None = None, workday: Any = weekdays) -> set[str]:
    return {schedule.job for schedule in due_jobs(moment, ran or set(), workday=workday)}


def test_nothing_is_due_before_the_first_time_of_the_day() -> None:
    assert jobs_due(at("2026-12-07", "00:29:59")) == set()


def test_each_job_comes_due_at_its_time_in_beijing_time() -> None:
    assert jobs_due(at("2026-12-07", "00:30")) == {"funding_overdue"}
    assert jobs_due(at("2026-12-07", "02:00")) == {
        "funding_overdue",
        "lapse_correction_orders",
        "refresh_burden",
        "audit_checkpoint",
    }
    assert jobs_due(at("2026-12-07", "08:29")) == ALL - {"remind_votes"}
    assert jobs_due(at("2026-12-07", "08:30")) == ALL
    # 06:10 in Beijing is 22:10 UTC the day before: the moment's zone does not matter.
    utc = at("2026-12-07", "06:10").astimezone(dt.UTC)
    assert "escalate_overdue_matters" in jobs_due(utc)
    assert "commitments_lapsing" not in jobs_due(utc)


def test_a_job_that_ran_today_is_not_due_again() -> None:
    assert jobs_due(at("2026-12-07", "23:59"), ran=ALL - {"plan_rounds"}) == {"plan_rounds"}


@pytest.mark.django_db  # the office's calendar, then chinesecalendar (core.workdays)
@pytest.mark.parametrize(
    ("day", "reminders"),
    [
        ("2026-12-07", True),  # a Monday
        ("2026-12-05", False),  # a Saturday
        ("2026-10-01", False),  # National Day, a Thursday
        ("2026-09-20", True),  # a Sunday worked instead of a holiday (调休)
    ],
)
def test_vote_reminders_go_out_on_working_days_only(day: str, reminders: bool) -> None:
    due = {schedule.job for schedule in due_jobs(at(day, "09:00"), set())}
    assert ("remind_votes" in due) is reminders
    assert ALL - {"remind_votes"} <= due  # the other jobs run every day


def test_the_table_names_commands_that_exist() -> None:
    from django.core.management import get_commands

    commands = get_commands()
    for schedule in SCHEDULES:
        assert schedule.command[0] in commands, schedule.job
    assert SCHEDULE_BY_JOB["audit_checkpoint"].command == ("audit_verify",)


@pytest.mark.django_db
def test_passing_twice_the_same_day_queues_each_job_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = services.scheduled_jobs_enqueue(now=at("2026-12-07", "06:15"))
        again = services.scheduled_jobs_enqueue(now=at("2026-12-07", "06:16"))
        later = services.scheduled_jobs_enqueue(now=at("2026-12-07", "09:00"))
        next_day = services.scheduled_jobs_enqueue(now=at("2026-12-08", "00:31"))
    assert {run.job for run in first} == {
        "funding_overdue",
        "lapse_correction_orders",
        "refresh_burden",
        "audit_checkpoint",
        "audit_archive",
        "plan_rounds",
        "escalate_overdue_matters",
    }
    assert again == []
    assert {run.job for run in later} == {
        "purge_form_submissions",
        "commitments_lapsing",
        "remind_votes",
    }
    assert [run.job for run in next_day] == ["funding_overdue"]
    assert ScheduledRun.objects.filter(day=dt.date(2026, 12, 7)).count() == len(SCHEDULES)
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path__endswith="run_scheduled_job").count() == (
        len(SCHEDULES) + 1
    )
    assert all(run.task_id for run in ScheduledRun.objects.all())


@pytest.mark.django_db
def test_a_run_records_its_result_and_runs_only_once(world: World) -> None:
    run = ScheduledRun.objects.create(
        job="plan_rounds", day=dt.date(2026, 12, 7), enqueued_at=at("2026-12-07", "03:00")
    )
    done = services.scheduled_run_execute(run.pk)
    assert done.status == RunStatuses.SUCCEEDED
    assert done.started_at is not None and done.finished_at is not None
    assert "轮" in done.result or "round" in done.result.lower() or done.result
    from communitygate.admissions.models import ReviewRound

    rounds = ReviewRound.objects.count()
    assert rounds >= 2
    # The same task delivered twice (a retry of the queue) does not run the job again.
    assert services.scheduled_run_execute(run.pk).finished_at == done.finished_at
    assert ReviewRound.objects.count() == rounds


@pytest.mark.django_db
def test_a_failed_run_is_recorded_raised_and_retried_later_the_same_day(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise CommandError("the database went away")

    monkeypatch.setattr(services, "call_command", broken)
    clock.pin(at("2026-12-07", "00:31"))
    day = dt.date(2026, 12, 7)
    run = ScheduledRun.objects.create(
        job="funding_overdue", day=day, enqueued_at=at("2026-12-07", "00:30")
    )
    with pytest.raises(CommandError):
        services.scheduled_run_execute(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatuses.FAILED
    assert run.result == "CommandError: the database went away"
    assert run.finished_at is not None
    # Not at once: RETRY_AFTER later, and at most MAX_ATTEMPTS in all.
    assert services.failed_runs_retry(now=run.finished_at + dt.timedelta(minutes=1)) == []
    retry_at = run.finished_at + services.RETRY_AFTER
    with django_capture_on_commit_callbacks(execute=True):
        assert services.failed_runs_retry(now=retry_at) == [run.pk]
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatuses.QUEUED, 2)
    ScheduledRun.objects.filter(pk=run.pk).update(
        status=RunStatuses.FAILED, attempts=services.MAX_ATTEMPTS, finished_at=retry_at
    )
    assert services.failed_runs_retry(now=retry_at + dt.timedelta(hours=1)) == []


@pytest.mark.django_db
def test_a_run_left_running_by_a_killed_worker_is_failed_after_the_lease(settings: Any) -> None:
    settings.COMMUNITYGATE = {**settings.COMMUNITYGATE, "TASK_LEASE_SECONDS": 600}

    started = at("2026-12-07", "06:10")
    run = ScheduledRun.objects.create(
        job="escalate_overdue_matters",
        day=started.date(),
        enqueued_at=started,
        status=RunStatuses.RUNNING,
        started_at=started,
    )
    clock.pin(started + dt.timedelta(minutes=9))
    assert services.stalled_runs_fail() == []
    clock.pin(started + dt.timedelta(minutes=11))
    assert services.stalled_runs_fail() == [run.pk]
    run.refresh_from_db()
    assert run.status == RunStatuses.FAILED and "interrupted" in run.result


@pytest.mark.django_db
def test_the_office_sees_each_job_with_its_latest_run_in_fixed_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:

    clock.pin(at("2026-12-07", "10:00"))
    for number, schedule in enumerate(SCHEDULES):
        for day in (dt.date(2026, 12, 6), dt.date(2026, 12, 7)):
            ScheduledRun.objects.create(
                job=schedule.job,
                day=day,
                enqueued_at=at(day.isoformat(), "00:30"),
                status=RunStatuses.FAILED if number == 0 else RunStatuses.SUCCEEDED,
                finished_at=at(day.isoformat(), "00:31"),
                result=f"result {schedule.job} {day}",
            )
    client = signed_in(world.user("office_officer"))
    with django_assert_max_num_queries(12):
        page = client.get("/scheduled-jobs/")
    assert page.status_code == 200
    text = page.content.decode()
    for schedule in SCHEDULES:
        assert f'data-testid="job-{schedule.job}"' in text
        assert f"result {schedule.job} 2026-12-07" in text
        assert f"result {schedule.job} 2026-12-06" not in text
    assert "08:30" in text


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["community_secretary", "committee_member", "no_role"])
def test_others_do_not_see_the_scheduled_jobs(world: World, who: str) -> None:
    assert signed_in(world.user(who)).get("/scheduled-jobs/").status_code in (403, 404)


@pytest.mark.django_db
def test_a_queue_task_left_running_past_the_task_lease_is_failed(settings: Any) -> None:
    """django_tasks_db leaves a task whose worker was killed RUNNING for ever."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from communitygate.audit.models import AuditEvent
    from communitygate.jobs.tasks import run_scheduled_job

    settings.COMMUNITYGATE = {**settings.COMMUNITYGATE, "TASK_LEASE_SECONDS": 3600}
    clock.pin(at("2026-12-07", "10:00"))
    started = clock.now() - dt.timedelta(minutes=61)
    stuck, live = (run_scheduled_job.enqueue(number) for number in (1, 2))
    DBTaskResult.objects.filter(pk=stuck.id).update(
        status=TaskResultStatus.RUNNING, started_at=started
    )
    DBTaskResult.objects.filter(pk=live.id).update(
        status=TaskResultStatus.RUNNING, started_at=clock.now() - dt.timedelta(minutes=59)
    )
    assert services.stalled_tasks_fail() == [str(DBTaskResult.objects.get(pk=stuck.id).pk)]
    assert services.stalled_tasks_fail() == []  # once
    failed = DBTaskResult.objects.get(pk=stuck.id)
    assert (failed.status, failed.exception_class_path) == (
        TaskResultStatus.FAILED,
        services.WORKER_LOST,
    )
    assert "任务中断" in failed.traceback and failed.finished_at == clock.now()
    assert DBTaskResult.objects.get(pk=live.id).status == TaskResultStatus.RUNNING
    event = AuditEvent.objects.get(action="background_task.interrupted")
    assert event.changes["status"] == ["RUNNING", "FAILED"]
