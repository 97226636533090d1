"""The residents' list as an XLSX file (居民名册导出): the same scope and filters as the list page,
masked values only (a full ID number or phone in an export is a known leak path), and an audit
event `resident.export` naming the filters (searched numbers masked) and the row count."""

import io
from collections.abc import Iterable

from django.db import transaction
from openpyxl import Workbook

from communitygate.audit.recorder import record_event
from communitygate.core.errors import NotFound
from communitygate.core.people import AnyUser, acting_user
from communitygate.orgs.models import Organisation
from communitygate.residents.models import PopulationKinds, Relations, Resident, Sexes
from communitygate.residents.permissions import (
    communities_visible_to,
    overseen_subdistrict_paths,
    staffed_community_ids,
)
from communitygate.residents.selectors.registry import ResidentFilters, residents_filtered

EXPORT_HEADERS = (
    "社区",
    "小区",
    "楼栋",
    "单元",
    "房间号",
    "姓名",
    "性别",
    "出生日期",
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


def resident_row(resident: Resident) -> list[object]:
    room = resident.household.room
    building = room.unit.building
    return [
        resident.community.name,
        building.estate,
        building.name,
        room.unit.name,
        room.number,
        resident.name,
        str(dict(Sexes.choices).get(resident.sex, resident.sex)),
        resident.birth_date,
        resident.id_number_masked,
        resident.phone_masked,
        str(dict(PopulationKinds.choices).get(resident.population_kind, "")),
        str(dict(Relations.choices).get(resident.relation, "")),
        resident.registered_address_masked,
        "、".join(tag.name for tag in resident.tags.all()),
        resident.moved_in_on,
        resident.moved_out_on,
    ]


def residents_workbook(residents: Iterable[Resident]) -> tuple[bytes, int]:
    """The XLSX bytes and the number of residents written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="居民名册")
    sheet.append(list(EXPORT_HEADERS))
    count = 0
    for resident in residents:
        sheet.append(resident_row(resident))
        count += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count


def _exported_organisation(user: AnyUser, filters: ResidentFilters) -> Organisation:
    """What the export is of, for the audit event: the chosen community, else the person's own
    community, else the (first) subdistrict they oversee."""
    visible = communities_visible_to(user)
    if filters.community:
        chosen = visible.filter(code=filters.community).first()
        if chosen is not None:
            return chosen
    own = staffed_community_ids(user)
    if own:
        return Organisation.objects.get(pk=own[0])
    paths = overseen_subdistrict_paths(user)
    if paths:
        return Organisation.objects.get(path=paths[0])
    raise NotFound("居民名册", "residents' list")


def residents_export(*, actor: AnyUser, filters: ResidentFilters) -> tuple[bytes, int]:
    """The residents the person may see, filtered as on the list, as XLSX; recorded."""
    exported = _exported_organisation(actor, filters)
    with transaction.atomic():
        rows = residents_filtered(actor, filters).iterator(chunk_size=CHUNK)
        content, count = residents_workbook(rows)
        record_event(
            actor=acting_user(actor),
            action="resident.export",
            obj=exported,
            changes={"filters": [None, filters.as_audit()], "rows": [None, count]},
        )
    return content, count
