"""Attachments of applications: what may be uploaded (PDF, images, office documents), checked by
extension AND by the file's first bytes, and no larger than the configured size."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet

from communitygate.admissions.models import Application, ApplicationAttachment, ApplicationStatuses
from communitygate.admissions.permissions import can_file_for
from communitygate.audit.recorder import created_fields, record_event
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, NotFound, PermissionDenied, Problem, RuleBroken
from communitygate.core.people import AnyUser, acting_user

PDF = (b"%PDF-",)
PNG = (b"\x89PNG\r\n\x1a\n",)
JPEG = (b"\xff\xd8\xff",)
ZIP = (b"PK\x03\x04",)  # docx, xlsx, pptx, odt, ods
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # doc, xls, ppt, wps


@dataclass(frozen=True)
class Kind:
    content_type: str
    signatures: tuple[bytes, ...]


ALLOWED: dict[str, Kind] = {
    "pdf": Kind("application/pdf", PDF),
    "png": Kind("image/png", PNG),
    "jpg": Kind("image/jpeg", JPEG),
    "jpeg": Kind("image/jpeg", JPEG),
    "docx": Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    "xlsx": Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    "pptx": Kind("application/vnd.openxmlformats-officedocument.presentationml.presentation", ZIP),
    "odt": Kind("application/vnd.oasis.opendocument.text", ZIP),
    "ods": Kind("application/vnd.oasis.opendocument.spreadsheet", ZIP),
    "doc": Kind("application/msword", OLE),
    "xls": Kind("application/vnd.ms-excel", OLE),
    "wps": Kind("application/vnd.ms-works", OLE),
}
EDITABLE = (ApplicationStatuses.DRAFT, ApplicationStatuses.RETURNED)


class AttachmentsClosed(RuleBroken):
    code = "attachments_closed"

    def __init__(self) -> None:
        super().__init__(
            "只有草稿或退回修改的申请可以增减附件。",
            "Attachments can change only while the application is a draft or returned.",
        )


def _kind_of(filename: str, content: bytes) -> Kind:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    kind = ALLOWED.get(extension)
    if kind is None:
        raise InvalidInput(
            [
                Problem(
                    f"不支持的文件类型“{extension or '无扩展名'}”：只接受 PDF、图片（PNG、JPG）和办公文档。",
                    f"File type '{extension}' is not accepted: PDF, images (PNG, JPG) and office documents only.",
                    field="file",
                )
            ]
        )
    if not content.startswith(kind.signatures):
        raise InvalidInput(
            [
                Problem(
                    f"文件内容与扩展名 .{extension} 不符。",
                    f"The file's content does not match its .{extension} extension.",
                    field="file",
                )
            ]
        )
    return kind


def attachment_add(
    *, actor: AnyUser, application: Application, filename: str, content: bytes
) -> ApplicationAttachment:
    user = acting_user(actor)
    if user is None or not can_file_for(actor, application.applicant):
        raise PermissionDenied()
    limit = int(settings.COMMUNITYGATE["ATTACHMENT_MAX_BYTES"])
    if len(content) > limit:
        raise InvalidInput(
            [
                Problem(
                    f"文件超过 {limit // 1024 // 1024} MB。",
                    f"The file is larger than {limit // 1024 // 1024} MB.",
                    field="file",
                )
            ]
        )
    kind = _kind_of(filename, content)
    with transaction.atomic():
        current = Application.objects.select_for_update().get(pk=application.pk)
        if current.status not in EDITABLE:
            raise AttachmentsClosed()
        attachment = ApplicationAttachment(
            application=current,
            filename=filename[-200:],
            content_type=kind.content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=user,
            uploaded_at=clock.now(),
        )
        attachment.file.save(
            f"{current.number}-{attachment.sha256[:12]}", ContentFile(content), save=False
        )
        attachment.save()
        record_event(
            actor=user,
            action="application.attach",
            obj=current,
            changes=created_fields(
                {
                    "attachment": attachment.filename,
                    "sha256": attachment.sha256,
                    "size": attachment.size,
                }
            ),
        )
    return attachment


def attachment_withdraw(*, actor: AnyUser, attachment: ApplicationAttachment) -> None:
    """Take an attachment off the application; the file and its record stay."""
    if not can_file_for(actor, attachment.application.applicant):
        raise PermissionDenied()
    with transaction.atomic():
        if attachment.application.status not in EDITABLE:
            raise AttachmentsClosed()
        withdrawn = ApplicationAttachment.objects.filter(
            pk=attachment.pk, withdrawn_at__isnull=True
        ).update(withdrawn_at=clock.now())
        if withdrawn:
            record_event(
                actor=acting_user(actor),
                action="application.detach",
                obj=attachment.application,
                changes={"attachment": [attachment.filename, None]},
            )


def attachments_of(application: Application) -> QuerySet[ApplicationAttachment]:
    return application.attachments.filter(withdrawn_at__isnull=True).order_by("uploaded_at")


def attachment_of(application: Application, attachment_id: int) -> ApplicationAttachment:
    attachment = (
        attachments_of(application)
        .filter(pk=attachment_id)
        .select_related("application__applicant")
        .first()
    )
    if attachment is None:
        raise NotFound("附件", "attachment")
    return attachment
