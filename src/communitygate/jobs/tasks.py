"""The task the scheduler queues: one day's run of one scheduled job, run by `db_worker`."""

from django.tasks import task


@task()
def run_scheduled_job(run_id: int) -> str:
    """Run one queued ScheduledRun; answers its status (a failure is raised again, so the task
    queue records it too)."""
    from communitygate.jobs.services import scheduled_run_execute

    return str(scheduled_run_execute(run_id).status)
