"""Importing a community's registry (居民信息导入) from an XLSX or CSV file with Chinese headers.

`resident_import_start` keeps the uploaded file ENCRYPTED (the same cipher as the sealed
columns) and queues the background task; `resident_import_run` reads the file, checks every row
(ID numbers, sex and birth date against the ID, phones, dates, care tags, the community, and
duplicates by ID number — within the file and against the community's current residents),
and then either writes every row in one transaction or nothing at all. Progress (`rows_done` of
`rows_total`) is committed as the rows are checked, so the page and the command line can show
it. At the end the encrypted file is removed; the `ResidentImport` row stays, with every problem
by row and column (ID numbers masked).

Decisions (see docs/residents-parts/import.md):
- 身份证号 is required for every row (foreigners without a mainland number are added by hand).
- Rows naming the same room (小区, 楼栋, 单元, 房间号) form one household. When the room already
  has a current household the rows join it; otherwise one household is created for the room,
  its kind taken from the 人员类别 of its 户主 row (else its first row).
- One audit event `resident_import.complete` records the batch (counts, file name, SHA-256), not
  one event per resident; the residents carry `import_batch`, which names the batch.
"""

import base64
import datetime as dt
import hashlib
import logging
import time
import traceback
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, models, transaction
from openpyxl.utils.datetime import from_excel

from communitygate.audit.recorder import record_event
from communitygate.core import clock
from communitygate.core.crypto import encrypt, unseal
from communitygate.core.errors import InvalidInput, PermissionDenied, Problem, RuleBroken
from communitygate.core.idnumbers import (
    ID_NUMBER_KIND,
    InvalidIdNumber,
    id_number_birth_date,
    id_number_digest,
    id_number_sex,
    mask_id_number,
    normalise_id_number,
)
from communitygate.core.logmask import mask_personal_data
from communitygate.core.people import AnyUser, acting_user
from communitygate.core.phones import (
    PHONE_KIND,
    InvalidPhone,
    mask_phone,
    normalise_phone,
    phone_digest,
)
from communitygate.core.stored import keep_if_committed
from communitygate.core.tabular import Table, file_problem, read_table
from communitygate.orgs.models import Organisation
from communitygate.registry.models import (
    ADDRESS_KIND,
    Building,
    CareTag,
    Household,
    HouseholdKinds,
    ImportStatuses,
    PopulationKinds,
    Relations,
    Resident,
    ResidentImport,
    Room,
    Sexes,
    Unit,
)
from communitygate.registry.permissions import works_in
from communitygate.registry.selectors.importing import ACTIVE_STATUSES
from communitygate.registry.services.registry import mask_address

logger = logging.getLogger(__name__)

IMPORT_HEADERS = (
    "街道",
    "社区",
    "小区",
    "楼栋",
    "单元",
    "房间号",
    "姓名",
    "身份证号",
    "性别",
    "出生日期",
    "联系电话",
    "人员类别",
    "与户主关系",
    "户籍地",
    "关爱标签",
    "入住日期",
)
REQUIRED_HEADERS = ("社区", "楼栋", "单元", "房间号", "姓名", "身份证号", "性别")
SEX_LABELS = {"男": Sexes.MALE, "女": Sexes.FEMALE}
POPULATION_LABELS = {
    "户籍人口": PopulationKinds.REGISTERED,
    "常住人口": PopulationKinds.RESIDENT,
    "流动人口": PopulationKinds.MIGRANT,
}
RELATION_LABELS = {
    "户主": Relations.HEAD,
    "配偶": Relations.SPOUSE,
    "子女": Relations.CHILD,
    "父母": Relations.PARENT,
    "孙子女": Relations.GRANDCHILD,
    "其他": Relations.OTHER,
}
HOUSEHOLD_KIND_OF = {
    PopulationKinds.REGISTERED: HouseholdKinds.REGISTERED,
    PopulationKinds.RESIDENT: HouseholdKinds.RESIDENT,
    PopulationKinds.MIGRANT: HouseholdKinds.RENTING,
}
TAG_SEPARATORS = ("、", "，", ",", "；", ";")
EXAMPLE_MARK = "【示例】"
MAX_LENGTHS = {"小区": 100, "楼栋": 50, "单元": 20, "房间号": 20, "姓名": 50, "户籍地": 200}

PROGRESS_EVERY = 1000  # rows between two committed progress updates
WRITE_CHUNK = 1000  # rows per INSERT statement (fewer when the database takes fewer parameters)
MAX_STORED_PROBLEMS = 5000  # a file with more problems lists the first ones and a count


def import_limits() -> tuple[int, int]:
    """The largest file (bytes) and the most rows one import takes."""
    limits = settings.COMMUNITYGATE
    return (
        limits.get("RESIDENT_IMPORT_MAX_BYTES", 64 * 1024 * 1024),
        limits.get("RESIDENT_IMPORT_MAX_ROWS", 200_000),
    )


# Named rules ---------------------------------------------------------------------------------


class ImportAlreadyRunning(RuleBroken):
    code = "import_already_running"

    def __init__(self) -> None:
        super().__init__(
            "同一文件正在为本社区导入，请等待其完成后再查看结果。",
            "The same file is already being imported for this community; wait for it to finish.",
        )


class NotCommunityStaff(PermissionDenied):
    def __init__(self) -> None:
        super().__init__(
            "只有本社区的书记和社区工作者可以导入居民信息。",
            "Only the community's secretary and workers may import its residents.",
        )


# The stored file: ciphertext only ------------------------------------------------------------


IMPORT_FILE_KIND = "resident_import_file"  # the stored file's associated data (core.crypto)


def encrypt_bytes(content: bytes) -> bytes:
    """The file as one cipher token (base64 of the bytes, encrypted with the PI key)."""
    return encrypt(IMPORT_FILE_KIND, base64.b64encode(content).decode("ascii")).encode("ascii")


def decrypt_bytes(token: bytes) -> bytes:
    return base64.b64decode(unseal(IMPORT_FILE_KIND, token.decode("ascii")))


# Starting --------------------------------------------------------------------------------------


def resident_import_create(
    *, actor: AnyUser, community: Organisation, filename: str, content: bytes
) -> ResidentImport:
    """Record the upload with its file encrypted, without queueing it (the command runs it in
    the foreground). Refuses a file that is already being imported for the community."""
    uploader = acting_user(actor)
    if uploader is None or not works_in(actor, community.pk):
        raise NotCommunityStaff()
    max_bytes, _max_rows = import_limits()
    if len(content) > max_bytes:
        megabytes = max_bytes // 1024 // 1024
        raise InvalidInput(
            [
                Problem(
                    f"文件超过 {megabytes} MB。", f"The file is larger than {megabytes} MB.", "file"
                )
            ]
        )
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ("xlsx", "csv"):
        raise InvalidInput(
            [
                Problem(
                    "只接受 .xlsx 或 .csv 文件。", "Only .xlsx or .csv files are accepted.", "file"
                )
            ]
        )
    sha256 = hashlib.sha256(content).hexdigest()
    # An import of the same file whose worker died must not refuse this one for ever.
    stalled_imports_fail(community=community, sha256=sha256)
    with transaction.atomic():
        running = ResidentImport.objects.filter(
            community=community, sha256=sha256, status__in=ACTIVE_STATUSES
        ).exists()
        if running:
            raise ImportAlreadyRunning()
        batch = ResidentImport(
            community=community,
            uploaded_by=uploader,
            uploaded_at=clock.now(),
            filename=filename[-200:],
            sha256=sha256,
            status=ImportStatuses.QUEUED,
        )
        # The payload's name says nothing about the file; its bytes are one cipher token.
        batch.payload.save(
            f"{uuid.uuid4().hex}.{extension}.enc", ContentFile(encrypt_bytes(content)), save=False
        )
        keep_if_committed(batch.payload.storage, batch.payload.name)
        batch.save()
        record_event(
            actor=uploader,
            action="resident_import.start",
            obj=batch,
            changes={
                "status": [None, batch.status],
                "filename": [None, batch.filename],
                "sha256": [None, sha256],
            },
        )
    return batch


def resident_import_start(
    *, actor: AnyUser, community: Organisation, filename: str, content: bytes
) -> ResidentImport:
    """Keep the file encrypted and queue `resident_import_run` in the background."""
    from communitygate.registry import tasks

    with transaction.atomic():
        batch = resident_import_create(
            actor=actor, community=community, filename=filename, content=content
        )
        transaction.on_commit(lambda: tasks.run_resident_import.enqueue(batch.pk))
    return batch


# Reading the file ----------------------------------------------------------------------------


def read_import_file(filename: str, content: bytes) -> Table:
    """The header and the non-empty rows (`core.tabular.read_table`), or the problems that stop
    the file being read."""
    _max_bytes, max_rows = import_limits()
    return read_table(
        filename, content, max_rows=max_rows, required=REQUIRED_HEADERS, known=IMPORT_HEADERS
    )


# Checking ------------------------------------------------------------------------------------


@dataclass(slots=True)
class PlannedResident:
    """One checked row, ready to write: personal values already sealed."""

    row: int
    room_key: tuple[str, str, str, str]  # estate, building, unit, room
    name: str
    sex: str
    birth_date: dt.date
    relation: str
    population_kind: str
    id_ciphertext: str
    id_digest: str
    id_masked: str
    phone_ciphertext: str = ""
    phone_digest: str = ""
    phone_masked: str = ""
    address_ciphertext: str = ""
    address_masked: str = ""
    moved_in_on: dt.date | None = None
    tag_ids: tuple[int, ...] = ()


@dataclass
class CheckResult:
    planned: list[PlannedResident] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def parse_import_date(text: str) -> dt.date:
    """2024-01-05, 2024/1/5, 2024.1.5, 2024年1月5日, 20240105, or an Excel date serial (a date
    cell formatted as a number)."""
    if text.isdigit() and len(text) == 8:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    if text.isdigit() and len(text) <= 5:
        return _excel_serial(int(text))
    cleaned = text.replace("年", "-").replace("月", "-").replace("日", "")
    for separator in ("/", "."):
        cleaned = cleaned.replace(separator, "-")
    parts = cleaned.split(" ")[0].split("-")
    if len(parts) != 3 or not all(part.isdigit() for part in parts) or len(parts[0]) != 4:
        raise ValueError(text)
    return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))


def _excel_serial(number: int) -> dt.date:
    if not 1 <= number <= 2_958_465:
        raise ValueError(number)
    converted = from_excel(number)
    if isinstance(converted, dt.datetime):
        return converted.date()
    if isinstance(converted, dt.date):
        return converted
    raise ValueError(number)


def _split_tags(text: str) -> list[str]:
    parts = [text]
    for separator in TAG_SEPARATORS:
        parts = [piece for part in parts for piece in part.split(separator)]
    return [part.strip() for part in parts if part.strip()]


class _RowChecker:
    """Checks rows one at a time against the community, the care tags and the registry."""

    def __init__(self, community: Organisation, header: list[str]) -> None:
        self.community = community
        self.columns = {name: position for position, name in enumerate(header)}
        self.community_names = {community.name, community.code}
        parent = community.parent
        self.subdistrict_names = {parent.name, parent.code} if parent is not None else set()
        self.tags: dict[str, int] = {}
        for pk, code, name in CareTag.objects.filter(active=True).values_list("pk", "code", "name"):
            self.tags[code] = pk
            self.tags[name] = pk
        self.registered = set(
            Resident.objects.filter(community=community, moved_out_on__isnull=True)
            .exclude(id_number_digest="")
            .values_list("id_number_digest", flat=True)
        )
        self.seen: dict[str, list[tuple[int, str]]] = defaultdict(list)  # digest → rows, masks
        self.today = clock.today()
        self.dates: dict[str, dt.date | None] = {}  # None: not a date
        self.split_tags: dict[str, list[str]] = {}

    def date(self, text: str) -> dt.date:
        """parse_import_date, remembered per text (moving-in dates repeat across a file)."""
        if text not in self.dates:
            try:
                self.dates[text] = parse_import_date(text)
            except ValueError:
                self.dates[text] = None
        known = self.dates[text]
        if known is None:
            raise ValueError(text)
        return known

    def tag_names(self, text: str) -> list[str]:
        if not text:
            return []
        names = self.split_tags.get(text)
        if names is None:
            names = self.split_tags[text] = _split_tags(text)
        return names

    def check(self, row: int, cells: list[str], problems: list[Problem]) -> PlannedResident | None:
        start = len(problems)

        def problem(column: str, zh: str, en: str) -> None:
            problems.append(Problem(message_zh=zh, message_en=en, field=column, row=row))

        # Each cell's text once; a column the file lacks (or a short row) reads as "".
        width = len(cells)
        texts = {
            column: cells[position] if position < width else ""
            for column, position in self.columns.items()
        }

        def text(column: str) -> str:
            return texts.get(column, "")

        def required(column: str) -> str:
            value = text(column)
            if not value:
                problem(column, f"请填写“{column}”。", f"'{column}' is required.")
            return value

        community_text = required("社区")
        if community_text and community_text not in self.community_names:
            problem(
                "社区",
                f"“{community_text}”不是本次导入的社区（{self.community.name}），请删除该行或改在该社区导入。",
                f"'{community_text}' is not the importing community ({self.community.code}); "
                "remove the row or import it in its own community.",
            )
        subdistrict_text = text("街道")
        if subdistrict_text and subdistrict_text not in self.subdistrict_names:
            problem(
                "街道",
                f"“{subdistrict_text}”不是本社区所属的街道。",
                f"'{subdistrict_text}' is not the community's subdistrict.",
            )
        estate = text("小区")
        building, unit, room = required("楼栋"), required("单元"), required("房间号")
        name = required("姓名")
        if name.startswith(EXAMPLE_MARK):
            problem(
                "姓名",
                "这是模板中的示例行，请删除后再导入。",
                "This is the template's example row; delete it before importing.",
            )
        for column, value in (
            ("小区", estate),
            ("楼栋", building),
            ("单元", unit),
            ("房间号", room),
            ("姓名", name),
        ):
            limit = MAX_LENGTHS[column]
            if len(value) > limit:
                problem(
                    column,
                    f"“{column}”最多 {limit} 个字。",
                    f"'{column}' has at most {limit} characters.",
                )

        number = ""
        raw_number = text("身份证号")
        if not raw_number:
            problem("身份证号", "请填写身份证号。", "The ID number is required.")
        else:
            try:
                number = normalise_id_number(raw_number, today=self.today)
            except InvalidIdNumber as invalid:
                problem("身份证号", invalid.message_zh, invalid.message_en)

        sex_text = required("性别")
        sex = SEX_LABELS.get(sex_text, "")
        if sex_text and not sex:
            problem(
                "性别",
                f"性别“{sex_text}”无法识别，可填：男、女。",
                f"Sex '{sex_text}' is not recognised; use 男 or 女.",
            )
        birth_date: dt.date | None = None
        if number:
            birth_date = id_number_birth_date(number)
            if sex and sex != id_number_sex(number):
                problem(
                    "性别",
                    "性别与身份证号不符（第 17 位奇数为男、偶数为女），请核对。",
                    "The sex does not match the ID number (17th digit odd: male, even: female).",
                )
        if text("出生日期"):
            try:
                written = self.date(text("出生日期"))
            except ValueError:
                problem(
                    "出生日期",
                    "日期格式应为 2024-01-05 或 2024/1/5。",
                    "Write the date as 2024-01-05 or 2024/1/5.",
                )
            else:
                if birth_date is not None and written != birth_date:
                    problem(
                        "出生日期",
                        "出生日期与身份证号不符，请核对。",
                        "The birth date does not match the ID number.",
                    )

        phone = ""
        raw_phone = text("联系电话")
        if raw_phone:
            try:
                phone = normalise_phone(raw_phone)
            except InvalidPhone as invalid:
                problem("联系电话", invalid.message_zh, invalid.message_en)

        population_text = text("人员类别")
        population = POPULATION_LABELS.get(population_text or "户籍人口", "")
        if not population:
            problem(
                "人员类别",
                f"人员类别“{population_text}”无法识别，可填：{'、'.join(POPULATION_LABELS)}。",
                f"Population category '{population_text}' is not recognised; use one of: {', '.join(POPULATION_LABELS)}.",
            )
        relation_text = text("与户主关系")
        relation = RELATION_LABELS.get(relation_text or "其他", "")
        if not relation:
            problem(
                "与户主关系",
                f"与户主关系“{relation_text}”无法识别，可填：{'、'.join(RELATION_LABELS)}。",
                f"Relation '{relation_text}' is not recognised; use one of: {', '.join(RELATION_LABELS)}.",
            )
        address = text("户籍地")
        if len(address) > MAX_LENGTHS["户籍地"]:
            problem(
                "户籍地",
                "户籍地最多 200 个字。",
                "The registered residence has at most 200 characters.",
            )
        tag_ids: list[int] = []
        for tag_name in self.tag_names(text("关爱标签")):
            tag_id = self.tags.get(tag_name)
            if tag_id is None:
                problem(
                    "关爱标签",
                    f"关爱标签“{tag_name}”不存在，请使用系统中的标签名称。",
                    f"There is no care tag '{tag_name}'; use the names of the tags in the system.",
                )
            elif tag_id not in tag_ids:
                tag_ids.append(tag_id)
        moved_in_on: dt.date | None = None
        if text("入住日期"):
            try:
                moved_in_on = self.date(text("入住日期"))
            except ValueError:
                problem(
                    "入住日期",
                    "日期格式应为 2024-01-05 或 2024/1/5。",
                    "Write the date as 2024-01-05 or 2024/1/5.",
                )
            else:
                if moved_in_on > self.today:
                    problem(
                        "入住日期", "入住日期晚于今天。", "The moving-in date is in the future."
                    )

        digest = masked = ""
        if number:
            digest = id_number_digest(number)
            masked = mask_id_number(number)
            earlier = self.seen[digest]
            if earlier:
                others = "、".join(str(other) for other, _mask in earlier[:5])
                problem(
                    "身份证号",
                    f"身份证号 {masked} 与第 {others} 行重复。",
                    f"The ID number {masked} repeats row(s) {others.replace('、', ', ')}.",
                )
                first, first_mask = earlier[0]  # the first occurrence names every repeat
                problems.append(
                    Problem(
                        message_zh=f"身份证号 {first_mask} 与第 {row} 行重复。",
                        message_en=f"The ID number {first_mask} repeats row {row}.",
                        field="身份证号",
                        row=first,
                    )
                )
            earlier.append((row, masked))
            if digest in self.registered:
                problem(
                    "身份证号",
                    f"身份证号 {masked} 的居民已在本社区登记，请勿重复导入。",
                    f"A resident with the ID number {masked} is already registered in this community.",
                )
        if len(problems) > start:
            return None
        assert birth_date is not None  # a valid number gives the birth date
        return PlannedResident(
            row=row,
            room_key=(estate, building, unit, room),
            name=name,
            sex=sex,
            birth_date=birth_date,
            relation=relation,
            population_kind=population,
            id_ciphertext=encrypt(ID_NUMBER_KIND, number),
            id_digest=digest,
            id_masked=masked,
            phone_ciphertext=encrypt(PHONE_KIND, phone) if phone else "",
            phone_digest=phone_digest(phone) if phone else "",
            phone_masked=mask_phone(phone) if phone else "",
            address_ciphertext=encrypt(ADDRESS_KIND, address) if address else "",
            address_masked=mask_address(address) if address else "",
            moved_in_on=moved_in_on,
            tag_ids=tuple(tag_ids),
        )


def _one_head_per_room(planned: list[PlannedResident], problems: list[Problem]) -> None:
    heads: dict[tuple[str, str, str, str], int] = {}
    for resident in planned:
        if resident.relation != Relations.HEAD:
            continue
        first = heads.setdefault(resident.room_key, resident.row)
        if first != resident.row:
            problems.append(
                Problem(
                    message_zh=f"同一房间已有户主（第 {first} 行），一户只能有一位户主。",
                    message_en=f"The room already has a head of household (row {first}); a household has one head.",
                    field="与户主关系",
                    row=resident.row,
                )
            )


def check_rows(
    community: Organisation,
    read: Table,
    on_progress: Callable[[int], None] | None = None,
) -> CheckResult:
    """Every row checked; `on_progress(rows_done)` every PROGRESS_EVERY rows."""
    checker = _RowChecker(community, read.header)
    result = CheckResult()
    for done, (row, cells) in enumerate(read.rows, start=1):
        planned = checker.check(row, cells, result.problems)
        if planned is not None:
            result.planned.append(planned)
        if on_progress is not None and done % PROGRESS_EVERY == 0:
            on_progress(done)
    _one_head_per_room(result.planned, result.problems)
    result.problems.sort(key=lambda problem: (problem.row or 0, _column_order(problem.field)))
    return result


def _column_order(column: str) -> int:
    return IMPORT_HEADERS.index(column) if column in IMPORT_HEADERS else len(IMPORT_HEADERS)


# Writing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WriteCounts:
    residents: int
    households: int
    buildings: int
    units: int
    rooms: int


def _insert(
    model: type[models.Model], template: models.Model, varying: tuple[str, ...], rows: list[tuple]
) -> list[int]:
    """INSERT `rows` (values of the `varying` fields, in that order) with every other column
    taken from `template`, many rows per statement, and return the new primary keys in order.

    Not bulk_create: for 100,000 residents it builds 100,000 model objects and prepares each of
    their twenty fields in Python, which costs several times the insert itself (bench/import.py).
    Here the columns follow the model as bulk_create would write them: the constant ones are
    prepared once from the template by their own fields, and a varying field is prepared per
    value only when it is not a plain text or key column (dates). `RETURNING` gives the keys in
    the order of the rows, as bulk_create relies on for PostgreSQL and SQLite.

    SQLite takes rows of `VALUES` (a thousand a statement). PostgreSQL takes the rows through
    COPY (`_insert_copy`), the keys drawn from the sequence first, as COPY returns none: a VALUES
    list cost more than the insert (psycopg rewrites the placeholders of a long statement on every
    execution), and `INSERT ... SELECT unnest(...)` of one array a column, used before, still
    wrote 3,400–4,200 rows/s at 100,000 residents (docs/performance.md)."""
    if not rows:
        return []
    quote = connection.ops.quote_name
    position = {name: index for index, name in enumerate(varying)}
    columns: list[str] = []
    slots: list[int | None] = []  # the row's index for a varying column, None for a constant
    constants: list[Any] = []
    preparers: list[Callable[[Any], Any] | None] = []
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key or model_field.column is None:
            continue
        columns.append(quote(model_field.column))
        index = position.get(model_field.attname)
        slots.append(index)
        if index is None:
            prepared = model_field.get_db_prep_save(
                model_field.pre_save(template, add=True), connection
            )
            constants.append(prepared)
            preparers.append(None)
        else:
            constants.append(None)
            plain = model_field.get_internal_type() in PLAIN_COLUMN_TYPES
            preparers.append(None if plain else _preparer(model_field))
    missing = set(varying) - {f.attname for f in model._meta.concrete_fields}
    if missing:
        raise ValueError(f"{model.__name__} has no fields {sorted(missing)}")
    if not connection.features.can_return_rows_from_bulk_insert:  # SQLite before 3.35
        raise RuntimeError("the database cannot return the keys of a multi-row INSERT")
    plan = list(zip(slots, constants, preparers, strict=True))
    if connection.vendor == "postgresql":
        pk_column = model._meta.pk.column or "id"
        return _insert_copy(model._meta.db_table, pk_column, columns, plan, rows)
    table = quote(model._meta.db_table)
    returning = f" RETURNING {quote(model._meta.pk.column or 'id')}"
    width = len(columns)
    max_params = connection.features.max_query_params or 65535
    per_statement = max(1, min(WRITE_CHUNK, max_params // width))
    row_sql = f"({', '.join(['%s'] * width)})"
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608 (names from the model; values are parameters)
    keys: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params: list[Any] = []
            for row in chunk:
                params += [
                    constant
                    if slot is None
                    else row[slot]
                    if prepare is None
                    else prepare(row[slot])
                    for slot, constant, prepare in plan
                ]
            cursor.execute(head + ", ".join([row_sql] * len(chunk)) + returning, params)
            keys += [key for (key,) in cursor.fetchall()]
    if len(keys) != len(rows):
        raise RuntimeError(f"{model.__name__}: {len(rows)} rows inserted, {len(keys)} keys")
    return keys


def _insert_copy(
    db_table: str,
    pk_column: str,
    columns: list[str],
    plan: list[tuple[int | None, Any, Callable[[Any], Any] | None]],
    rows: list[tuple],
) -> list[int]:
    """PostgreSQL: the keys drawn from the table's sequence in one query, then every row,
    key first, through `COPY ... FROM STDIN` (psycopg's copy): no statement to parse or plan
    per row or per array, which `INSERT ... SELECT unnest(...)` still had."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [db_table, pk_column, len(rows)],
        )
        keys = [key for (key,) in cursor.fetchall()]
        statement = f"COPY {quote(db_table)} ({quote(pk_column)}, {', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(statement) as copy:
            for key, row in zip(keys, rows, strict=True):
                copy.write_row(
                    [
                        key,
                        *(
                            constant
                            if slot is None
                            else row[slot]
                            if prepare is None
                            else prepare(row[slot])
                            for slot, constant, prepare in plan
                        ),
                    ]
                )
    return keys


PLAIN_COLUMN_TYPES = {"CharField", "TextField", "SlugField", "ForeignKey"}


def _preparer(model_field: models.Field) -> Callable[[Any], Any]:
    def prepare(value: Any) -> Any:
        return model_field.get_db_prep_save(value, connection)

    return prepare


def _insert_tag_links(links: list[tuple[int, int]]) -> None:
    """The (resident, care tag) rows of `Resident.tags`' through table, many per statement."""
    quote = connection.ops.quote_name
    tags = Resident._meta.get_field("tags")
    assert isinstance(tags, models.ManyToManyField)
    table = quote(tags.m2m_db_table())
    columns = f"{quote(tags.m2m_column_name())}, {quote(tags.m2m_reverse_name())}"
    if connection.vendor == "postgresql" and links:
        through = Resident.tags.through._meta
        first = through.get_field(tags.m2m_field_name()).db_type(connection)
        second = through.get_field(tags.m2m_reverse_field_name()).db_type(connection)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608 (names and types from the model)
                f"SELECT * FROM unnest(CAST(%s AS {first}[]), CAST(%s AS {second}[]))",
                [[resident for resident, _tag in links], [tag for _resident, tag in links]],
            )
        return
    with connection.cursor() as cursor:
        for start in range(0, len(links), WRITE_CHUNK):
            chunk = links[start : start + WRITE_CHUNK]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 (names from the model)
                + ", ".join(["(%s, %s)"] * len(chunk)),
                [value for link in chunk for value in link],
            )


RESIDENT_VARYING = (
    "household_id",
    "name",
    "sex",
    "birth_date",
    "relation",
    "population_kind",
    "id_number_ciphertext",
    "id_number_digest",
    "id_number_masked",
    "phone_ciphertext",
    "phone_digest",
    "phone_masked",
    "registered_address_ciphertext",
    "registered_address_masked",
    "moved_in_on",
)


def _write(batch: ResidentImport, planned: list[PlannedResident]) -> WriteCounts:
    """All rows in the caller's transaction: one read and one multi-row insert per level
    (buildings, units, rooms, households), then the residents and their care tags."""
    community = batch.community
    now = clock.now()
    building_keys = {(key[0], key[1]) for key in (p.room_key for p in planned)}
    buildings = {
        (estate, name): pk
        for pk, estate, name in Building.objects.filter(community=community).values_list(
            "pk", "estate", "name"
        )
    }
    new_buildings = sorted(building_keys - set(buildings))
    created_keys = _insert(
        Building, Building(community=community), ("estate", "name"), new_buildings
    )
    buildings.update(zip(new_buildings, created_keys, strict=True))

    unit_keys = {(buildings[(key[0], key[1])], key[2]) for key in (p.room_key for p in planned)}
    units = {
        (building_id, name): pk
        for pk, building_id, name in Unit.objects.filter(building__community=community).values_list(
            "pk", "building_id", "name"
        )
    }
    new_units = sorted(unit_keys - set(units))
    created_keys = _insert(Unit, Unit(building_id=0), ("building_id", "name"), new_units)
    units.update(zip(new_units, created_keys, strict=True))

    def unit_of(key: tuple[str, str, str, str]) -> int:
        return units[(buildings[(key[0], key[1])], key[2])]

    room_keys = {(unit_of(p.room_key), p.room_key[3]) for p in planned}
    rooms = {
        (unit_id, number): pk
        for pk, unit_id, number in Room.objects.filter(
            unit__building__community=community
        ).values_list("pk", "unit_id", "number")
    }
    new_rooms = sorted(room_keys - set(rooms))
    created_keys = _insert(Room, Room(unit_id=0), ("unit_id", "number"), new_rooms)
    rooms.update(zip(new_rooms, created_keys, strict=True))

    by_room: dict[int, list[PlannedResident]] = defaultdict(list)
    for resident in planned:
        by_room[rooms[(unit_of(resident.room_key), resident.room_key[3])]].append(resident)
    households: dict[int, int] = {}
    for pk, room_id in (
        Household.objects.filter(community=community, moved_out_on__isnull=True)
        .order_by("pk")
        .values_list("pk", "room_id")
    ):
        households.setdefault(room_id, pk)  # the room's oldest current household
    new_households: list[tuple[int, str, dt.date | None]] = []
    for room_id, members in by_room.items():
        if room_id in households:
            continue
        head = next((m for m in members if m.relation == Relations.HEAD), members[0])
        moved_in = [m.moved_in_on for m in members if m.moved_in_on is not None]
        new_households.append(
            (
                room_id,
                HOUSEHOLD_KIND_OF[PopulationKinds(head.population_kind)],
                min(moved_in) if moved_in else None,
            )
        )
    created_keys = _insert(
        Household,
        Household(community=community, room_id=0, kind=HouseholdKinds.REGISTERED, created_at=now),
        ("room_id", "kind", "moved_in_on"),
        new_households,
    )
    households.update(
        (room_id, pk)
        for (room_id, _kind, _moved_in), pk in zip(new_households, created_keys, strict=True)
    )

    ordered = [member for members in by_room.values() for member in members]
    resident_keys = _insert(
        Resident,
        Resident(
            community=community,
            household_id=0,
            import_batch=batch,
            created_at=now,
            updated_at=now,
        ),
        RESIDENT_VARYING,
        [
            (
                households[room_id],
                p.name,
                p.sex,
                p.birth_date,
                p.relation,
                p.population_kind,
                p.id_ciphertext,
                p.id_digest,
                p.id_masked,
                p.phone_ciphertext,
                p.phone_digest,
                p.phone_masked,
                p.address_ciphertext,
                p.address_masked,
                p.moved_in_on,
            )
            for room_id, members in by_room.items()
            for p in members
        ],
    )
    _insert_tag_links(
        [
            (resident_key, tag)
            for resident_key, p in zip(resident_keys, ordered, strict=True)
            for tag in p.tag_ids
        ],
    )
    return WriteCounts(
        residents=len(resident_keys),
        households=len(new_households),
        buildings=len(new_buildings),
        units=len(new_units),
        rooms=len(new_rooms),
    )


# Running -------------------------------------------------------------------------------------


def _set(batch_id: int, **values: Any) -> None:
    """A committed update of the batch row, seen at once by the progress page; it renews the
    import's lease (its heartbeat)."""
    ResidentImport.objects.filter(pk=batch_id).update(heartbeat_at=clock.now(), **values)


def _finish(batch: ResidentImport, **values: Any) -> None:
    """The end of an import: its encrypted file goes; the record stays."""
    if batch.payload:
        batch.payload.delete(save=False)
    _set(batch.pk, payload="", finished_at=clock.now(), **values)


def _masked(problem: Problem) -> dict[str, object]:
    """A problem as it is stored and shown. Its message may quote a cell or a header (a file
    without its header row, a number typed in the wrong column), so anything shaped like an ID
    number or a phone is masked."""
    return {
        key: mask_personal_data(value) if isinstance(value, str) else value
        for key, value in problem.as_dict().items()
    }


def _stored_problems(problems: list[Problem]) -> list[dict[str, object]]:
    stored = [_masked(problem) for problem in problems[:MAX_STORED_PROBLEMS]]
    left_out = len(problems) - MAX_STORED_PROBLEMS
    if left_out > 0:
        stored.append(
            file_problem(
                f"另有 {left_out} 处问题未列出，请先改正以上问题。",
                f"{left_out} more problems are not listed; correct the ones above first.",
            ).as_dict()
        )
    return stored


ProgressCallback = Callable[[ResidentImport], None]


def resident_import_run(
    batch_id: int,
    *,
    on_progress: ProgressCallback | None = None,
    timings: dict[str, float] | None = None,
) -> ResidentImport:
    """Check every row of a queued import, then write them all or none. A batch that is not
    queued (already run, or running elsewhere) is returned as it is. Never raises for a bad
    file (the batch is rejected) or a crash (the batch is marked failed with a message)."""
    claimed = ResidentImport.objects.filter(pk=batch_id, status=ImportStatuses.QUEUED).update(
        status=ImportStatuses.CHECKING, rows_done=0, heartbeat_at=clock.now()
    )
    batch = ResidentImport.objects.select_related("community__parent", "uploaded_by").get(
        pk=batch_id
    )
    if claimed != 1:
        return batch
    try:
        _run(batch, on_progress, timings if timings is not None else {})
    except Exception as error:  # a crash must not leave the batch "checking"
        # The message may quote a cell: log the kind and where, never the text.
        frames = "".join(traceback.format_tb(error.__traceback__))
        logger.error("resident import %s failed: %s\n%s", batch_id, type(error).__name__, frames)
        _finish(
            batch,
            status=ImportStatuses.FAILED,
            problems=[
                file_problem(
                    f"导入意外中断（{type(error).__name__}），未写入任何数据。请重新上传；如仍失败请联系管理员。",
                    f"The import stopped unexpectedly ({type(error).__name__}); nothing was "
                    "written. Upload the file again, and tell the administrator if it fails again.",
                ).as_dict()
            ],
        )
    batch.refresh_from_db()
    if on_progress is not None:
        on_progress(batch)
    return batch


def _run(
    batch: ResidentImport, on_progress: ProgressCallback | None, timings: dict[str, float]
) -> None:
    started = clock_seconds()
    content = decrypt_bytes(batch.payload.read()) if batch.payload else b""
    if batch.payload:
        batch.payload.close()
    read = read_import_file(batch.filename, content)
    del content
    timings["read"] = clock_seconds() - started
    total = len(read.rows)
    batch.rows_total, batch.rows_done = total, 0
    _set(batch.pk, rows_total=total)
    if on_progress is not None:
        on_progress(batch)

    def progress(done: int) -> None:
        batch.rows_done = done
        _set(batch.pk, rows_done=done)
        if on_progress is not None:
            on_progress(batch)

    result = (
        CheckResult(problems=read.problems)
        if read.problems
        else check_rows(batch.community, read, progress)
    )
    timings["check"] = clock_seconds() - started
    if result.problems:
        _finish(
            batch,
            status=ImportStatuses.REJECTED,
            rows_done=total,
            problems=_stored_problems(result.problems),
        )
        return
    batch.status, batch.rows_done = ImportStatuses.WRITING, total
    _set(batch.pk, status=ImportStatuses.WRITING, rows_done=total)
    if on_progress is not None:
        on_progress(batch)
    started = clock_seconds()
    try:
        with transaction.atomic():
            counts = _write(batch, result.planned)
            finished = clock.now()
            changed = ResidentImport.objects.filter(
                pk=batch.pk, status=ImportStatuses.WRITING
            ).update(
                status=ImportStatuses.IMPORTED,
                residents_created=counts.residents,
                households_created=counts.households,
                finished_at=finished,
            )
            if changed != 1:
                raise RuntimeError("the import batch changed while it was written")
            record_event(
                actor=batch.uploaded_by,
                action="resident_import.complete",
                obj=batch,
                changes={
                    "status": [ImportStatuses.WRITING, ImportStatuses.IMPORTED],
                    "filename": [None, batch.filename],
                    "sha256": [None, batch.sha256],
                    "rows": [None, total],
                    "residents_created": [0, counts.residents],
                    "households_created": [0, counts.households],
                    "buildings_created": [0, counts.buildings],
                    "units_created": [0, counts.units],
                    "rooms_created": [0, counts.rooms],
                },
            )
    except IntegrityError:
        # Someone registered one of these people while the file was checked.
        _finish(
            batch,
            status=ImportStatuses.REJECTED,
            problems=[
                file_problem(
                    "检查期间本社区又登记了文件中的居民，未写入任何数据。请重新上传以查看重复的行。",
                    "Someone registered residents of this file while it was checked; nothing was "
                    "written. Upload it again to see which rows repeat.",
                ).as_dict()
            ],
        )
        return
    timings["write"] = clock_seconds() - started
    _finish(batch)


def clock_seconds() -> float:
    return time.perf_counter()


# Interrupted imports ---------------------------------------------------------------------------

RUNNING_STATUSES = (ImportStatuses.CHECKING, ImportStatuses.WRITING)  # claimed by a worker


def import_lease() -> dt.timedelta:
    """How long a running import may go without a sign of life before it counts as dead. Its
    progress is written every PROGRESS_EVERY rows while checking; the final write is one
    transaction, so the lease must outlast the longest write (a 200,000-row file: about a
    minute)."""
    return dt.timedelta(seconds=settings.COMMUNITYGATE.get("JOB_LEASE_SECONDS", 300))


def _stalled(now: dt.datetime) -> models.Q:
    cutoff = now - import_lease()
    return models.Q(status__in=RUNNING_STATUSES) & (
        models.Q(heartbeat_at__lt=cutoff)
        | models.Q(heartbeat_at__isnull=True, uploaded_at__lt=cutoff)
    )


def interrupted_problem() -> dict[str, object]:
    return file_problem(
        "导入中断：处理该文件的后台进程已停止（例如服务器重启），未写入任何数据。请重新上传同一文件。",
        "The import was interrupted: the background process working on the file stopped (for "
        "example, the server restarted); nothing was written. Upload the same file again.",
    ).as_dict()


def stalled_imports_fail(
    *, community: Organisation | None = None, sha256: str | None = None
) -> list[int]:
    """Fail every running import whose lease ran out (its worker was killed or its machine
    went down): status FAILED with a message, its encrypted file removed after the commit, an
    audit event `resident_import.interrupted`; the same file may then be imported again.
    Narrowed to one community's file when asked (an upload checks its own file first). Each
    import is ended by a conditional update, so a live import that renews its heartbeat at the
    same moment is left alone. Answers the imports it failed."""
    now = clock.now()
    candidates = ResidentImport.objects.filter(_stalled(now))
    if community is not None:
        candidates = candidates.filter(community=community)
    if sha256 is not None:
        candidates = candidates.filter(sha256=sha256)
    failed: list[int] = []
    for batch in candidates.order_by("pk"):
        with transaction.atomic():
            ended = ResidentImport.objects.filter(_stalled(now), pk=batch.pk).update(
                status=ImportStatuses.FAILED,
                payload="",
                finished_at=now,
                problems=[interrupted_problem()],
            )
            if ended != 1:
                continue
            record_event(
                actor=None,
                action="resident_import.interrupted",
                obj=batch,
                changes={
                    "status": [batch.status, ImportStatuses.FAILED],
                    "rows_done": [batch.rows_done, batch.rows_done],
                    "heartbeat_at": [
                        batch.heartbeat_at.isoformat() if batch.heartbeat_at else None,
                        None,
                    ],
                },
            )
            if batch.payload.name:
                transaction.on_commit(partial(batch.payload.storage.delete, batch.payload.name))
        logger.warning("resident import %s interrupted: its lease ran out", batch.pk)
        failed.append(batch.pk)
    return failed


def import_lease_checked(batch: ResidentImport) -> ResidentImport:
    """The import as it stands once its lease is checked: someone looking at a running import
    whose worker died sees it failed at once, without waiting for the scheduler's sweep."""
    if batch.status not in RUNNING_STATUSES:
        return batch
    if stalled_imports_fail(community=batch.community, sha256=batch.sha256):
        batch.refresh_from_db()
    return batch
