"""The http package's one table: claimed one-time form tokens (`http.formtokens`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FormSubmissionStates(models.TextChoices):
    RUNNING = "running", pgettext_lazy("form submission", "Being processed")
    DONE = "done", pgettext_lazy("form submission", "Done")


class FormSubmission(models.Model):
    """One claimed one-time form token (`http.formtokens`): the unique digest is the claim, so
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
