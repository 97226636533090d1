"""The received figures' roll-ups (docs/burden.md "Roll-ups"): what communities received, summed
per month — per community, and per area × sender × kind of item — so that the dashboard reads a
city's two years in tens of thousands of rows rather than millions of assignments. They hold nothing of their own: `insights.rollups` rebuilds a month
from the dispatch rows, and a month is read from the rows instead whenever its roll-up is not
exact (not built, built on another day, or a task of it changed since)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from communitygate.dispatch.models import Task
from communitygate.orgs.models import Organisation


class ReceivedMonth(models.Model):
    """A month whose cells are built, and when: its `overdue` counts are as of `as_of`."""

    month = models.DateField(_("month"), unique=True)  # the first day
    starts_at = models.DateTimeField(_("starts at"))  # the month's bounds in the district's time
    ends_at = models.DateTimeField(_("ends at"))
    as_of = models.DateField(_("overdue as of"))
    last_sent_at = models.DateTimeField(_("last task sent at"), null=True)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("received figures' month")
        verbose_name_plural = _("received figures' months")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class ReceivedFigures(models.Model):
    """The figures of a set of assignments: the counts, and the admitted items' hours a year
    summed per frequency (a reader divides each by its occurrences a year, as from the rows,
    and rounds once at the end)."""

    received = models.PositiveIntegerField(_("received"))
    admitted = models.PositiveIntegerField(_("admitted"))
    unadmitted = models.PositiveIntegerField(_("unadmitted"))
    refused = models.PositiveIntegerField(_("refused"))
    overdue = models.PositiveIntegerField(_("overdue"))
    submitted = models.PositiveIntegerField(_("deliverables submitted"))
    confirmed = models.PositiveIntegerField(_("deliverables confirmed"))
    hours_ongoing = models.DecimalField(max_digits=18, decimal_places=1)
    hours_yearly = models.DecimalField(max_digits=18, decimal_places=1)
    hours_quarterly = models.DecimalField(max_digits=18, decimal_places=1)
    hours_monthly = models.DecimalField(max_digits=18, decimal_places=1)
    hours_weekly = models.DecimalField(max_digits=18, decimal_places=1)
    hours_ad_hoc = models.DecimalField(max_digits=18, decimal_places=1)

    class Meta:
        abstract = True


class ReceivedCommunityMonth(ReceivedFigures):
    """What one community received in one month (a community's tasks are its assignments), with
    its admitted hours as the figures give them (`received._hours_of`: one decimal), which the
    trend reads for each community and month as they are."""

    month = models.DateField(_("month"))
    admitted_hours = models.DecimalField(_("admitted hours"), max_digits=18, decimal_places=1)
    community = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )

    class Meta:
        verbose_name = _("received figures of a community")
        verbose_name_plural = _("received figures of communities")
        constraints = [
            models.UniqueConstraint(fields=["month", "community"], name="received_community_month")
        ]
        indexes = [
            models.Index(fields=["community", "month"], name="received_community_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.community_id}"


class ReceivedAreaCell(ReceivedFigures):
    """What one sender's tasks of one kind of item (domain and class; both empty for tasks sent
    without an item) brought in one month to an area: a subdistrict's communities (`area`), or
    every community (`area` empty) — with the distinct tasks, which do not add up across
    communities and so are counted per area."""

    month = models.DateField(_("month"))
    area = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("subdistrict"),
    )
    sender = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("sender")
    )
    domain = models.CharField(_("domain"), max_length=20, null=True)  # noqa: DJ001 (no item: as the rows read it)
    item_class = models.CharField(_("class"), max_length=12, null=True)  # noqa: DJ001 (no item: as the rows read it)
    tasks = models.PositiveIntegerField(_("tasks"))

    class Meta:
        verbose_name = _("received figures of an area")
        verbose_name_plural = _("received figures of areas")
        indexes = [
            models.Index(fields=["month", "area"], name="received_area_month_idx"),
            models.Index(fields=["sender", "month"], name="received_area_sender_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.area_id} {self.sender_id}"


class StaleTask(models.Model):
    """A task whose assignments changed since its month's roll-up was built: written in the
    transaction of the change, removed by the refresh that counts it."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("changed task")
        verbose_name_plural = _("changed tasks")

    def __str__(self) -> str:
        return f"{self.task_id}"
