"""What the supervision API's modules share: the router, limits, files as base64 and the
shapes every section uses."""

import base64
import binascii

from django.conf import settings
from ninja import Field, Router, Schema

from communitygate.core.errors import InvalidInput, Problem
from communitygate.core.inputs import capped
from communitygate.core.models import AttachedFile
from communitygate.core.uploads import FileUpload
from communitygate.orgs.models import Organisation

router = Router(tags=["supervision"])


def max_limit() -> int:
    return int(settings.COMMUNITYGATE["API_MAX_LIMIT"])


def org_code(organisation: Organisation | None) -> str | None:
    return organisation.code if organisation is not None else None


# Shared shapes ------------------------------------------------------------------------------------


# base64 writes 3 bytes as 4 characters: the attachment limit, as text.
BASE64_MAX_LENGTH = (int(settings.COMMUNITYGATE["ATTACHMENT_MAX_BYTES"]) + 2) // 3 * 4


class FileIn(Schema):
    filename: str = capped(AttachedFile, "filename")
    content_base64: str = Field(
        max_length=BASE64_MAX_LENGTH, description="The file's bytes, base64-encoded (RFC 4648)."
    )


class FileOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str


class DepartmentOut(Schema):
    code: str
    name: str


class ReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class ErrorOut(Schema):
    code: str
    message: str
    message_zh: str
    message_en: str


def uploads_of(files: list[FileIn], field: str) -> list[FileUpload]:
    """The files as sent, decoded; every one that is not base64 named (what they hold is checked
    by the service, core.uploads)."""
    uploads, problems = [], []
    for position, file in enumerate(files):
        try:
            content = base64.b64decode("".join(file.content_base64.split()), validate=True)
        except (binascii.Error, ValueError):
            problems.append(
                Problem(
                    f"第 {position + 1} 个文件的内容不是有效的 Base64 编码。",
                    f"File {position + 1}'s content is not valid base64.",
                    field=f"{field}.{position}.content_base64",
                )
            )
            continue
        uploads.append(FileUpload(file.filename, content))
    if problems:
        raise InvalidInput(problems)
    return uploads


def file_out(row: AttachedFile) -> FileOut:
    return FileOut(
        id=row.pk,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
    )
