"""Attachments: type and size checked, kept behind the application's access check, never deleted."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from communitygate.admissions.attachments import (
    AttachmentsClosed,
    attachment_add,
    attachment_withdraw,
)
from communitygate.admissions.models import Application, ApplicationAttachment
from communitygate.admissions.services import application_create, application_submit
from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied
from communitygate.testing import World, image_bytes

from .test_services import MONDAY, fields

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = image_bytes("PNG")


@pytest.fixture
def draft(world: World, settings, tmp_path) -> Application:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    clock.pin(MONDAY)
    return application_create(
        actor=world.user("department_clerk"), applicant=world.org("department"), fields=fields()
    )


def test_pdf_and_images_are_accepted_and_audited(world: World, draft: Application) -> None:
    clerk = world.user("department_clerk")
    attachment = attachment_add(
        actor=clerk, application=draft, filename="依据文件.pdf", content=PDF
    )
    attachment_add(actor=clerk, application=draft, filename="现场.png", content=PNG)
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert AuditEvent.objects.filter(action="application.attach").count() == 2


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("script.exe", b"MZ\x90\x00"),
        ("fake.pdf", b"<html>not a pdf</html>"),
        ("noextension", PDF),
        ("photo.jpg", PNG),
    ],
)
def test_other_types_and_disguised_files_are_refused(
    world: World, draft: Application, filename: str, content: bytes
) -> None:
    with pytest.raises(InvalidInput):
        attachment_add(
            actor=world.user("department_clerk"),
            application=draft,
            filename=filename,
            content=content,
        )
    assert not ApplicationAttachment.objects.exists()


def test_too_large_is_refused(world: World, draft: Application, settings) -> None:
    settings.COMMUNITYGATE = {**settings.COMMUNITYGATE, "ATTACHMENT_MAX_BYTES": 100}
    with pytest.raises(InvalidInput):
        attachment_add(
            actor=world.user("department_clerk"),
            application=draft,
            filename="big.pdf",
            content=PDF + b"0" * 200,
        )


def test_only_the_applicant_attaches_and_only_before_submission(
    world: World, draft: Application
) -> None:
    with pytest.raises(PermissionDenied):
        attachment_add(
            actor=world.user("office_officer"), application=draft, filename="a.pdf", content=PDF
        )
    attachment = attachment_add(
        actor=world.user("department_clerk"), application=draft, filename="a.pdf", content=PDF
    )
    application_submit(actor=world.user("department_clerk"), application=draft)
    with pytest.raises(AttachmentsClosed):
        attachment_add(
            actor=world.user("department_clerk"), application=draft, filename="b.pdf", content=PDF
        )
    attachment.application.refresh_from_db()
    with pytest.raises(AttachmentsClosed):
        attachment_withdraw(actor=world.user("department_clerk"), attachment=attachment)


def test_download_is_behind_the_access_check_and_withdrawal_keeps_the_record(
    world: World, draft: Application
) -> None:
    clerk = Client()
    clerk.force_login(world.user("department_clerk"))
    response = clerk.post(
        f"/admissions/{draft.pk}/attachments/", {"file": SimpleUploadedFile("依据.pdf", PDF)}
    )
    assert response.status_code == 302
    attachment = ApplicationAttachment.objects.get()
    download = clerk.get(f"/admissions/{draft.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert "attachment;" in download["Content-Disposition"]
    outsider = Client()
    outsider.force_login(world.user("department_clerk_other"))
    assert outsider.get(f"/admissions/{draft.pk}/attachments/{attachment.pk}/").status_code == 404
    assert Client().get(f"/admissions/{draft.pk}/attachments/{attachment.pk}/").status_code == 302
    clerk.post(f"/admissions/{draft.pk}/attachments/{attachment.pk}/withdraw/")
    assert clerk.get(f"/admissions/{draft.pk}/attachments/{attachment.pk}/").status_code == 404
    assert ApplicationAttachment.objects.get().withdrawn_at is not None, "kept, not deleted"


def test_the_upload_form_sent_twice_adds_one_attachment(world: World, draft: Application) -> None:
    """The detail page's upload form carries a one-time token (http.formtokens)."""
    clerk = Client()
    clerk.force_login(world.user("department_clerk"))
    page = clerk.get(f"/admissions/{draft.pk}/").content.decode()
    token = re.search(r'data-testid="attach-form">.*?name="form_token" value="([^"]+)"', page)
    assert token is not None
    for _ in range(2):
        response = clerk.post(
            f"/admissions/{draft.pk}/attachments/",
            {"file": SimpleUploadedFile("依据.pdf", PDF), "form_token": token.group(1)},
        )
        assert response.status_code == 302
    assert ApplicationAttachment.objects.count() == 1
