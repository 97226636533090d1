"""Attachments of applications (the kinds and checks are core.uploads')."""

from django.db import transaction
from django.db.models import QuerySet

from communitygate.admissions.models import Application, ApplicationAttachment, ApplicationStatuses
from communitygate.admissions.permissions import can_file_for
from communitygate.audit.recorder import created_fields, record_event
from communitygate.core import clock
from communitygate.core.errors import NotFound, PermissionDenied, RuleBroken
from communitygate.core.people import AnyUser, acting_user
from communitygate.core.uploads import FileUpload, attach_files, checked_uploads

EDITABLE = (ApplicationStatuses.DRAFT, ApplicationStatuses.RETURNED)


class AttachmentsClosed(RuleBroken):
    code = "attachments_closed"

    def __init__(self) -> None:
        super().__init__(
            "只有草稿或退回修改的申请可以增减附件。",
            "Attachments can change only while the application is a draft or returned.",
        )


def attachment_add(
    *, actor: AnyUser, application: Application, filename: str, content: bytes
) -> ApplicationAttachment:
    user = acting_user(actor)
    if user is None or not can_file_for(actor, application.applicant):
        raise PermissionDenied()
    checked = checked_uploads([FileUpload(filename, content)])
    with transaction.atomic():
        current = Application.objects.select_for_update().get(pk=application.pk)
        if current.status not in EDITABLE:
            raise AttachmentsClosed()
        [attachment] = attach_files(
            ApplicationAttachment,
            "application",
            current,
            checked,
            uploaded_by=user,
            uploaded_at=clock.now(),
        )
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
