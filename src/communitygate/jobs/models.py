"""A scheduled job's run of one day (定时任务运行记录): the scheduler creates the row before it
queues the job, and the unique (job, day) pair is what keeps a job from running twice a day."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatuses(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class ScheduledRun(models.Model):
    """One day's run of one job of `schedules.SCHEDULES` (a technical record, like a form
    token's claim: the jobs audit their own changes)."""

    job = models.CharField(_("job"), max_length=40)
    day = models.DateField(_("day"))
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatuses.choices, default=RunStatuses.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    enqueued_at = models.DateTimeField(_("queued at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        ordering = ["-day", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "day"], name="jobs_one_run_per_job_and_day")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.day}"
