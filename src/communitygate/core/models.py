"""Core's one table, claimed one-time form tokens (`core.formtokens`), and the abstract shape of
an uploaded file every app attaches (`AttachedFile`, stored by `core.uploads.attach_files`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


def attached_file_path(instance: "AttachedFile", filename: str) -> str:
    """Uploaded files live under the app's label, by month: `<app>/<yyyy>/<mm>/<name>`."""
    from communitygate.core import clock

    today = clock.today()
    return f"{instance._meta.app_label}/{today:%Y/%m}/{filename}"


class AttachedFile(models.Model):
    """A checked upload (core.uploads.check_upload): the stored file, its name as uploaded, its
    type, size and SHA-256. Subclasses add the foreign key to what it is attached to."""

    file = models.FileField(_("file"), upload_to=attached_file_path)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.filename
