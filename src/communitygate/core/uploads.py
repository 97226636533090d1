"""Uploaded files: what may be uploaded (PDF, images, office documents), checked by extension
AND by the file's first bytes, and no larger than a limit. Used for application attachments,
deliverables, evidence, findings' files and matters' photos.

Beyond the first bytes, the content must be what its type claims (`content_problems`):
- a PDF, PNG or JPEG holding HTML or script markup anywhere (`<html`, `<script`, `<!doctype
  html`, `<svg`, `<iframe`, `<object`, `<embed`, `javascript:`, case-insensitive) is refused: a
  polyglot that a browser, a viewer's preview or an old MIME sniffer (Internet Explorer read the
  first 256 bytes for tags, whatever the type) could run as a page. We serve files with their
  checked type and `nosniff`, so this is depth, not the only wall;
- a PNG or JPEG must decode as an image (Pillow: `verify()`, then a full load) of at most
  IMAGE_MAX_PIXELS pixels (a small file declaring a huge image is a decompression bomb);
- a ZIP-based office document (docx, xlsx, pptx, odt, ods) must be a readable archive whose
  members inflate to at most OFFICE_MAX_INFLATED_BYTES in all, at most OFFICE_MAX_RATIO times
  their compressed size each, at most OFFICE_MAX_MEMBERS members, no path leaving the archive,
  and no macros (`vbaProject.bin`, `.bin`/`Basic/` members of an ODF). The same inflation check
  (`zip_problems`) guards the XLSX readers of every import (`core.tabular`).
Every refusal names the file, in Chinese and English.
"""

import hashlib
import io
import re
import struct
import warnings
import zipfile
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
    problems = content_problems(filename, content, kind)
    if problems:
        raise InvalidInput(problems)
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


# The content behind the first bytes --------------------------------------------------------------

# What a browser or viewer would run as a page or script: never in a PDF or an image.
MARKUP = re.compile(
    rb"<\s*(?:html|script|svg|iframe|object|embed)\b|<!doctype\s+html|javascript\s*:",
    re.IGNORECASE,
)
IMAGE_MAX_PIXELS = 40_000_000  # 40 megapixels: any phone camera's photo, not a bomb
OFFICE_MAX_INFLATED_BYTES = 100 * 1024 * 1024
OFFICE_MAX_RATIO = 100  # text-heavy XML compresses ~10-20x; 100x is a bomb's mark
OFFICE_MAX_MEMBERS = 10_000
# VBA in OOXML (vbaProject.bin, vbaData.xml), Basic and scripts in ODF (Basic/, Scripts/).
MACRO_MEMBER = re.compile(
    r"(?:^|/)vba(?:Project\.bin|Data\.xml)$|^(?:Basic|Scripts)/", re.IGNORECASE
)
SCANNED_FOR_MARKUP = ("application/pdf", "image/png", "image/jpeg")


def _file_problem(filename: str, zh: str, en: str) -> Problem:
    name = filename[-100:]
    return Problem(f"文件“{name}”{zh}", f"The file '{name}' {en}", field="file")


def content_problems(filename: str, content: bytes, kind: Kind) -> list[Problem]:
    """What is wrong with the content behind the first bytes (the module's docstring)."""
    if kind.content_type in SCANNED_FOR_MARKUP and MARKUP.search(content):
        return [
            _file_problem(
                filename,
                "含有网页或脚本代码，不是真正的 PDF 或图片，不予接收。",
                "holds web page or script markup: it is not a plain PDF or image and is refused.",
            )
        ]
    if kind.content_type in ("image/png", "image/jpeg"):
        return image_problems(filename, content)
    if kind.signatures == ZIP:
        return zip_problems(filename, content)
    return []


def image_problems(filename: str, content: bytes) -> list[Problem]:
    """A PNG or JPEG that does not decode, or declares more than IMAGE_MAX_PIXELS."""
    from PIL import Image

    unreadable = _file_problem(
        filename, "无法作为图片打开，可能已损坏。", "does not open as an image; it may be damaged."
    )
    too_large = _file_problem(
        filename, "图片尺寸过大（像素过多）。", "is too large an image (too many pixels)."
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
                if width * height > IMAGE_MAX_PIXELS:
                    return [too_large]
                image.verify()
            with Image.open(io.BytesIO(content)) as image:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return [too_large]  # Pillow's own ceilings, met before ours
    except (OSError, ValueError, SyntaxError, struct.error, EOFError):
        return [unreadable]
    return []


def _unsafe_path(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts


def zip_problems(filename: str, content: bytes) -> list[Problem]:
    """An office document (a ZIP) that does not open, inflates past the limits, reaches outside
    itself or carries macros. Reads the archive's directory only, inflating nothing."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return [
            _file_problem(
                filename, "不是有效的办公文档（无法打开）。", "is not a valid office document."
            )
        ]
    if len(members) > OFFICE_MAX_MEMBERS:
        return [_file_problem(filename, "包含的部件过多。", "holds too many parts.")]
    inflated = sum(member.file_size for member in members)
    too_compressed = any(
        member.file_size > OFFICE_MAX_RATIO * max(member.compress_size, 1)
        and member.file_size > 1024 * 1024
        for member in members
    )
    if inflated > OFFICE_MAX_INFLATED_BYTES or too_compressed:
        megabytes = OFFICE_MAX_INFLATED_BYTES // 1024 // 1024
        return [
            _file_problem(
                filename,
                f"解压后过大（超过 {megabytes} MB 或压缩比异常），疑为压缩炸弹，不予接收。",
                f"inflates too far (past {megabytes} MB or at an abnormal ratio): refused as a "
                "possible zip bomb.",
            )
        ]
    names = [member.filename for member in members]
    if any(_unsafe_path(name) for name in names):
        return [_file_problem(filename, "含有异常路径。", "holds a part with an unsafe path.")]
    if any(MACRO_MEMBER.search(name) for name in names):
        return [
            _file_problem(
                filename,
                "含有宏，不予接收；请另存为不含宏的文档。",
                "holds macros and is refused; save it as a document without macros.",
            )
        ]
    return []


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
