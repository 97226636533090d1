"""Registry files for the import tests and the grid: generated residents (valid check
characters, demo names) written as CSV (UTF-8, UTF-8 with BOM, GBK) or XLSX."""

import csv
import datetime as dt
import io
import random
from typing import Any

from openpyxl import Workbook

from communitygate.core.idnumbers import generate_id_number
from communitygate.registry.services.importing import IMPORT_HEADERS


def demo_id(number: int, *, sex: str = "male", birth: dt.date = dt.date(1960, 5, 1)) -> str:
    return generate_id_number(random.Random(number), region="370203", birth_date=birth, sex=sex)


def person(number: int, **overrides: Any) -> dict[str, Any]:
    """Row values for one demo resident of 商邱路社区 (370203031001)."""
    sex = overrides.pop("sex_code", "male" if number % 2 else "female")
    birth = dt.date(1950 + number % 50, 1 + number % 12, 1 + number % 28)
    values: dict[str, Any] = {
        "街道": "洛阳路街道",
        "社区": "商邱路社区",
        "小区": "演示小区",
        "楼栋": f"{1 + number // 40}号楼",
        "单元": f"{1 + number // 20 % 2}单元",
        "房间号": f"{101 + number // 2 % 10}",
        "姓名": f"演示居民{number:04d}",
        "身份证号": demo_id(number, sex=sex, birth=birth),
        "性别": "男" if sex == "male" else "女",
        "出生日期": birth.isoformat(),
        "联系电话": f"139{number:08d}",
        "人员类别": "户籍人口",
        "与户主关系": "户主" if number % 2 == 0 else "配偶",
        "户籍地": "山东省青岛市市北区演示路1号",
        "关爱标签": "",
        "入住日期": "2015/3/1",
    }
    values.update(overrides)
    return values


def csv_bytes(
    rows: list[dict[str, Any]],
    *,
    headers: tuple[str, ...] | list[str] = IMPORT_HEADERS,
    encoding: str = "utf-8",
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for values in rows:
        writer.writerow([values.get(header, "") for header in headers])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(
    rows: list[dict[str, Any]], *, headers: tuple[str, ...] | list[str] = IMPORT_HEADERS
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(headers))
    for values in rows:
        sheet.append([values.get(header, "") for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
