"""The residents' list as an XLSX file (居民名册导出): the same scope and filters as the list page,
masked values only (a full ID number or phone in an export is a known leak path), and an audit
event `resident.export` naming the filters (searched numbers masked) and the row count.

The birth date is given as the year and the age on the day of the export (出生年份, 年龄): the
masked ID number hides exactly the birth date, so the full date beside it would rebuild the
number. Text is written as text, never as a formula (`core.tabular.xlsx_bytes`)."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from communitygate.audit.recorder import record_event
from communitygate.core import clock
from communitygate.core.people import AnyUser, acting_user
from communitygate.core.tabular import xlsx_bytes
from communitygate.registry.models import PopulationKinds, Relations, Resident, Sexes
from communitygate.registry.selectors.registry import (
    ResidentFilters,
    born,
    registry_organisation,
    residents_filtered,
)

EXPORT_HEADERS = (
    "社区",
    "小区",
    "楼栋",
    "单元",
    "房间号",
    "姓名",
    "性别",
    "出生年份",
    "年龄",
    "身份证号（脱敏）",
    "联系电话（脱敏）",
    "人员类别",
    "与户主关系",
    "户籍地（脱敏）",
    "关爱标签",
    "入住日期",
    "迁出日期",
)
CHUNK = 2000
# The labels of the coded columns, looked up once (not three dicts built per row).
SEX_LABELS = dict(Sexes.choices)
POPULATION_KIND_LABELS = dict(PopulationKinds.choices)
RELATION_LABELS = dict(Relations.choices)


def resident_row(resident: Resident, today: dt.date) -> list[object]:
    room = resident.household.room
    building = room.unit.building
    birth = born(resident.birth_date, today)
    return [
        resident.community.name,
        building.estate,
        building.name,
        room.unit.name,
        room.number,
        resident.name,
        str(SEX_LABELS.get(resident.sex, resident.sex)),
        birth.year if birth else None,
        birth.age if birth else None,
        resident.id_number_masked,
        resident.phone_masked,
        str(POPULATION_KIND_LABELS.get(resident.population_kind, "")),
        str(RELATION_LABELS.get(resident.relation, "")),
        resident.registered_address_masked,
        "、".join(tag.name for tag in resident.tags.all()),
        resident.moved_in_on,
        resident.moved_out_on,
    ]


def residents_workbook(residents: Iterable[Resident], today: dt.date) -> tuple[bytes, int]:
    """The XLSX bytes and the number of residents written."""
    return xlsx_bytes(
        "居民名册", EXPORT_HEADERS, (resident_row(resident, today) for resident in residents)
    )


def residents_export(*, actor: AnyUser, filters: ResidentFilters) -> tuple[bytes, int]:
    """The residents the person may see, filtered as on the list, as XLSX; recorded."""
    exported = registry_organisation(actor, filters.community)
    with transaction.atomic():
        rows = residents_filtered(actor, filters).iterator(chunk_size=CHUNK)
        content, count = residents_workbook(rows, clock.today())
        record_event(
            actor=acting_user(actor),
            action="resident.export",
            obj=exported,
            changes={"filters": [None, filters.as_audit()], "rows": [None, count]},
        )
    return content, count
