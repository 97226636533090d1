"""The office's entries in the working-day calendar (节假日安排).

The chinesecalendar package knows mainland China's holidays and make-up working days (调休)
up to the last year it was released for. `CalendarOverride` records one day the office entered
from the State Council's notice (国务院办公厅关于…部分节假日安排的通知); it takes precedence over
the package. `CalendarYear` records that the office has entered a whole year, so that
`core.workdays` may count that year's remaining days as ordinary weekdays and weekends.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communitygate.core import clock


class CalendarOverride(models.Model):
    """One day whose status the office has entered: a holiday (休) or a make-up working day (班)."""

    date = models.DateField(_("date"))
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. 元旦, 春节调休上班"))
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("The notice or its address, e.g. 国办发明电〔2026〕X号"),
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    withdrawn_at = models.DateTimeField(
        _("withdrawn at"),
        null=True,
        blank=True,
        help_text=_(
            "Set when a later entry of the year no longer lists the day; kept, not deleted."
        ),
    )

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="calendar_override_one_current_per_day",
            ),
        ]

    def __str__(self) -> str:
        kind = "班" if self.is_workday else "休"
        return f"{self.date.isoformat()} {kind} {self.name}"


class CalendarYear(models.Model):
    """A year whose schedule the office has entered; `complete` means every holiday and
    make-up working day of the year is among the overrides."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    complete = models.BooleanField(_("complete"), default=False)
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class FormSubmissionStates(models.TextChoices):
    RUNNING = "running", pgettext_lazy("form submission", "Being processed")
    DONE = "done", pgettext_lazy("form submission", "Done")


class FormSubmission(models.Model):
    """One claimed one-time form token (`core.formtokens`): the unique digest is the claim, so
    of two POSTs of the same form only one runs. Not business data: a failed POST deletes its
    claim so that the corrected form can be sent again with the same token."""

    token_digest = models.CharField(_("token digest"), max_length=64, unique=True)
    owner = models.CharField(_("owner"), max_length=40)
    state = models.CharField(_("state"), max_length=10, choices=FormSubmissionStates.choices)
    redirect_url = models.TextField(_("redirect URL"), blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return f"{self.owner} {self.state}"
