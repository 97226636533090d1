"""An upload's content must be what its type claims (`core.uploads`): real crafted files — a PNG
carrying an HTML page after its IEND chunk, a PDF with a <script>, a JPEG that is not an image,
an XLSX that inflates to 200 MB from a small file, a docx with macros — are refused with a
message naming the file in Chinese and English; real PNGs, JPEGs, PDFs and office files pass.
The residents' import (`core.tabular`) refuses the same zip bomb before reading it."""

import io
import struct
import zipfile
import zlib

import pytest
from openpyxl import Workbook

from communitygate.core.errors import InvalidInput
from communitygate.core.tabular import read_table
from communitygate.core.uploads import check_upload
from communitygate.testing import image_bytes

LIMIT = 10 * 1024 * 1024
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def refusal(filename: str, content: bytes) -> InvalidInput:
    with pytest.raises(InvalidInput) as refused:
        check_upload(filename, content, max_bytes=LIMIT)
    problem = refused.value.problems[0]
    assert filename in problem.message_zh and filename in problem.message_en
    return refused.value


def xlsx_bytes() -> bytes:
    workbook = Workbook()
    workbook.active.append(["姓名", "身份证号"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_bomb(name: str, inflated_mb: int = 200) -> bytes:
    """A real OOXML-shaped archive whose one sheet inflates to `inflated_mb` MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b"0" * (1024 * 1024)
            for _ in range(inflated_mb):
                sheet.write(block)
    return out.getvalue()


# Real files pass -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("photo.png", image_bytes("PNG")),
        ("photo.jpg", image_bytes("JPEG")),
        ("form.pdf", PDF),
        ("sheet.xlsx", xlsx_bytes()),
    ],
)
def test_real_files_pass(filename: str, content: bytes) -> None:
    assert check_upload(filename, content, max_bytes=LIMIT).size == len(content)


# Markup inside a PDF or an image ---------------------------------------------------------------


def test_a_png_with_an_html_page_after_its_iend_is_refused() -> None:
    polyglot = image_bytes("PNG") + HTML_PAGE
    assert polyglot.find(b"IEND") < polyglot.find(b"<!DOCTYPE")
    refused = refusal("photo.png", polyglot)
    assert "网页或脚本" in refused.problems[0].message_zh


def test_a_png_hiding_script_in_a_text_chunk_is_refused() -> None:
    real = image_bytes("PNG")
    text = b"Comment\x00<SCRIPT>fetch('/api/v1/me')</SCRIPT>"
    chunk = struct.pack(">I", len(text)) + b"tEXt" + text
    chunk += struct.pack(">I", zlib.crc32(b"tEXt" + text) & 0xFFFFFFFF)
    iend = real.rindex(b"IEND") - 4
    refusal("photo.png", real[:iend] + chunk + real[iend:])


@pytest.mark.parametrize(
    "payload",
    [
        b"<script>alert(1)</script>",
        b"<html><body>x</body></html>",
        b"<svg onload=alert(1)>",
        b"<IFRAME src=x>",
        b"/URI (javascript:alert(1))",
        b"<!doctype HTML>",
    ],
)
def test_a_pdf_with_markup_is_refused(payload: bytes) -> None:
    refusal("report.pdf", b"%PDF-1.4\n1 0 obj<< /Title (" + payload + b") >>endobj\n%%EOF\n")


def test_a_jpeg_with_an_html_comment_is_refused() -> None:
    jpeg = image_bytes("JPEG")
    comment = b"<html><script>alert(1)</script></html>"
    segment = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    refusal("photo.jpg", jpeg[:2] + segment + jpeg[2:])


# Images must decode ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64),
        ("photo.png", image_bytes("PNG")[:-30]),  # cut short
    ],
)
def test_an_image_that_does_not_decode_is_refused(filename: str, content: bytes) -> None:
    assert "无法作为图片打开" in refusal(filename, content).problems[0].message_zh


def png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


@pytest.mark.parametrize("side", [10_000, 20_000])
def test_an_image_declaring_a_huge_size_is_refused(side: int) -> None:
    # A few hundred bytes declaring side × side pixels (100 and 400 megapixels: GBs decoded).
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    huge = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + png_chunk(b"IEND", b"")
    )
    assert len(huge) < 1000
    assert "尺寸过大" in refusal("map.png", huge).problems[0].message_zh


# Office files ----------------------------------------------------------------------------------


def test_an_xlsx_inflating_to_200_mb_is_refused_as_a_zip_bomb() -> None:
    bomb = zip_bomb("bomb.xlsx")
    assert len(bomb) < 1024 * 1024  # a small file
    refused = refusal("bomb.xlsx", bomb)
    assert "压缩炸弹" in refused.problems[0].message_zh
    assert "zip bomb" in refused.problems[0].message_en


def test_an_import_refuses_the_same_zip_bomb_before_reading_it() -> None:
    table = read_table("居民.xlsx", zip_bomb("居民.xlsx"), max_rows=100)
    assert not table.rows
    assert "压缩炸弹" in table.problems[0].message_zh
    assert "居民.xlsx" in table.problems[0].message_zh


def test_an_office_file_with_macros_is_refused() -> None:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx_bytes())) as original,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for member in original.infolist():
            archive.writestr(member, original.read(member))
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"macro" * 100)
    assert "宏" in refusal("budget.xlsx", out.getvalue()).problems[0].message_zh


def test_an_office_file_reaching_outside_itself_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("../../etc/cron.d/x", "* * * * * root true")
    refusal("letter.docx", out.getvalue())


def test_a_broken_archive_is_refused() -> None:
    refusal("letter.docx", b"PK\x03\x04 not an archive")
