"""Uploaded files: what may be uploaded (PDF, images, office documents), checked by extension
AND by the file's first bytes, and no larger than a limit. Used for application attachments,
deliverables, evidence, findings' files and matters' photos."""

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from communitygate.core.errors import InvalidInput, Problem

if TYPE_CHECKING:
    from communitygate.core.models import AttachedFile

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


@dataclass(frozen=True)
class CheckedUpload:
    filename: str
    content_type: str
    size: int
    sha256: str


def check_upload(filename: str, content: bytes, *, max_bytes: int) -> CheckedUpload:
    """The upload's facts, or InvalidInput saying what is wrong with it."""
    if len(content) > max_bytes:
        megabytes = max_bytes // 1024 // 1024
        raise InvalidInput(
            [
                Problem(
                    f"文件超过 {megabytes} MB。",
                    f"The file is larger than {megabytes} MB.",
                    field="file",
                )
            ]
        )
    kind = kind_of(filename, content)
    return CheckedUpload(
        filename=filename[-200:],
        content_type=kind.content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def kind_of(filename: str, content: bytes) -> Kind:
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


@dataclass(frozen=True)
class FileUpload:
    """A file as a person sent it: its name and bytes (from a form or the API)."""

    filename: str
    content: bytes


def checked_uploads(files: list[FileUpload] | None) -> list[tuple[CheckedUpload, bytes]]:
    """Every file checked against the attachment limit (COMMUNITYGATE["ATTACHMENT_MAX_BYTES"]),
    before anything is written: one bad file refuses them all."""
    from django.conf import settings

    limit = int(settings.COMMUNITYGATE["ATTACHMENT_MAX_BYTES"])
    return [(check_upload(f.filename, f.content, max_bytes=limit), f.content) for f in files or []]


def attach_files[M: AttachedFile](
    model: type[M],
    owner_field: str,
    owner: Any,
    checked: list[tuple[CheckedUpload, bytes]],
    **values: Any,
) -> list[M]:
    """Store checked uploads as rows of `model` (a core.models.AttachedFile) pointing at `owner`
    through `owner_field`, with `values` for the model's own further fields (who uploaded it,
    when); the stored name is the owner's id and the content's hash. The rows, in order."""
    from django.core.files.base import ContentFile

    from communitygate.core.stored import keep_if_committed

    rows: list[M] = []
    for upload, content in checked:
        row = model(
            **{owner_field: owner},
            filename=upload.filename,
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
            **values,
        )
        row.file.save(f"{owner.pk}-{upload.sha256[:12]}", ContentFile(content), save=False)
        keep_if_committed(row.file.storage, row.file.name)  # no orphan if the caller rolls back
        row.save()
        rows.append(row)
    return rows
