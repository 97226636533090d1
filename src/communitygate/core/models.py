"""The abstract shape of an uploaded file every app attaches (`AttachedFile`, stored by
`core.uploads.attach_files`). Core has no table of its own."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
