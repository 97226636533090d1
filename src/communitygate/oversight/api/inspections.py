"""Inspections and their findings (photos and files as base64)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema, Status

from communitygate.core.idempotency import IDEMPOTENCY_KEY_HEADER
from communitygate.core.inputs import Day, Offset, capped
from communitygate.core.paging import page_bounds
from communitygate.orgs.inputs import OrgCode
from communitygate.oversight.api.common import (
    FileIn,
    FileOut,
    file_out,
    max_limit,
    org_code,
    router,
    uploads_of,
)
from communitygate.oversight.models import (
    Finding,
    Inspection,
    Violation,
    WallKinds,
    WallRecord,
)
from communitygate.oversight.permissions import (
    access_inspection,
    findings_visible_to,
    inspections_visible_to,
)
from communitygate.oversight.selectors import (
    inspection_findings,
    inspections_listed,
)
from communitygate.oversight.services.inspections import (
    FindingRequest,
    InspectionRequest,
    finding_record,
    inspection_complete,
    inspection_plan,
)

# Inspections and findings -------------------------------------------------------------------------


class InspectionIn(Schema):
    title: str = capped(Inspection, "title", "")
    starts_on: Day
    ends_on: Day
    departments: list[OrgCode] = Field(default_factory=list, description="Departments' codes.")
    communities: list[OrgCode] = Field(default_factory=list, description="Communities' codes.")
    office: OrgCode | None = Field(
        None, description="The supervision office's code; left out: the caller's own office."
    )


class CheckOut(Schema):
    code: str
    question_zh: str
    question_en: str
    admitted: list[str] = Field(description="What the catalog admits, to compare with the wall.")


class WallRefOut(Schema):
    id: int
    kind: str
    name: str
    admitted: bool


class FindingOut(Schema):
    id: int
    inspection: int
    kind: str
    description: str
    community: str | None
    department: str | None
    wall: WallRefOut | None
    files: list[FileOut]
    violation: int | None
    recorded_at: dt.datetime


class InspectionOut(Schema):
    id: int
    office: str
    title: str
    starts_on: dt.date
    ends_on: dt.date
    state: str = Field(description="planned, completed or cancelled.")
    departments: list[str]
    communities: list[str]
    conclusion: str
    created_at: dt.datetime


class InspectionDetailOut(InspectionOut):
    checklist: list[CheckOut]
    findings: list[FindingOut]


class InspectionPage(Schema):
    count: int
    items: list[InspectionOut]


class FindingIn(Schema):
    kind: str = capped(
        Finding,
        "kind",
        "",
        description="unadmitted_plaque, unrequired_ledger, off_platform_work, "
        "department_ranking or other.",
    )
    description: str = Field("", max_length=4000)
    community: OrgCode | None = None
    department: OrgCode | None = None
    wall_kind: WallKinds | None = Field(None, description="plaque or ledger, with wall_name.")
    wall_name: str | None = capped(
        WallRecord,
        "name",
        None,
        description="The plaque or ledger found: entered in the community's register.",
    )
    files: list[FileIn] = Field(default_factory=list)


class ConclusionIn(Schema):
    conclusion: str = Field("", max_length=4000)


def _inspection_fields(inspection: Inspection) -> dict[str, Any]:
    return {
        "id": inspection.pk,
        "office": inspection.office.code,
        "title": inspection.title,
        "starts_on": inspection.starts_on,
        "ends_on": inspection.ends_on,
        "state": inspection.state,
        "departments": sorted(d.code for d in inspection.departments.all()),
        "communities": sorted(c.code for c in inspection.communities.all()),
        "conclusion": inspection.conclusion,
        "created_at": inspection.created_at,
    }


def _violation_of(finding: Finding) -> int | None:
    try:
        return finding.violation.pk
    except Violation.DoesNotExist:
        return None


def finding_out(finding: Finding) -> FindingOut:
    wall = finding.wall_record
    return FindingOut(
        id=finding.pk,
        inspection=finding.inspection_id,
        kind=finding.kind,
        description=finding.description,
        community=org_code(finding.community),
        department=org_code(finding.department),
        wall=WallRefOut(id=wall.pk, kind=wall.kind, name=wall.name, admitted=wall.admitted)
        if wall is not None
        else None,
        files=[file_out(f) for f in finding.files.all()],
        violation=_violation_of(finding),
        recorded_at=finding.recorded_at,
    )


def inspection_detail_out(user: Any, inspection: Inspection) -> InspectionDetailOut:
    return InspectionDetailOut(
        **_inspection_fields(inspection),
        checklist=[CheckOut(**check) for check in inspection.checklist],
        findings=[
            finding_out(f) for f in inspection_findings(inspection, findings_visible_to(user))
        ],
    )


@router.get("/supervision/inspections", response=InspectionPage)
def list_inspections(request: HttpRequest, limit: int = 50, offset: Offset = 0) -> InspectionPage:
    """The inspections the caller may see (a department or community those naming it)."""
    limit, offset = page_bounds(limit, offset, max_limit())
    inspections = inspections_listed(inspections_visible_to(request.user))
    return InspectionPage(
        count=inspections.count(),
        items=[
            InspectionOut(**_inspection_fields(i)) for i in inspections[offset : offset + limit]
        ],
    )


@router.post("/supervision/inspections", response={201: InspectionDetailOut})
def plan_inspection(request: HttpRequest, payload: InspectionIn) -> Status[InspectionDetailOut]:
    """Plan an inspection (a supervision office). Send an `Idempotency-Key` to retry safely:
    the same key and body answer the first inspection."""
    inspection = inspection_plan(
        actor=request.user,
        request=InspectionRequest(
            title=payload.title,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            department_codes=tuple(payload.departments),
            community_codes=tuple(payload.communities),
            office_code=payload.office or "",
        ),
        idempotency_key=request.headers.get(IDEMPOTENCY_KEY_HEADER, ""),
    )
    return Status(
        201, inspection_detail_out(request.user, access_inspection(request.user, inspection.pk))
    )


@router.get("/supervision/inspections/{inspection_id}", response=InspectionDetailOut)
def get_inspection(request: HttpRequest, inspection_id: int) -> InspectionDetailOut:
    return inspection_detail_out(request.user, access_inspection(request.user, inspection_id))


@router.post("/supervision/inspections/{inspection_id}/findings", response={201: FindingOut})
def record_finding(
    request: HttpRequest, inspection_id: int, payload: FindingIn
) -> Status[FindingOut]:
    """Record a finding (it is a violation from that moment), with photos and files as base64."""
    inspection = access_inspection(request.user, inspection_id)
    finding = finding_record(
        actor=request.user,
        inspection=inspection,
        request=FindingRequest(
            kind=payload.kind,
            description=payload.description,
            community_code=payload.community or "",
            department_code=payload.department or "",
            wall_kind=payload.wall_kind or "",
            wall_name=payload.wall_name or "",
            files=tuple(uploads_of(payload.files, "files")),
        ),
        idempotency_key=request.headers.get(IDEMPOTENCY_KEY_HEADER, ""),
    )
    recorded = next(
        f
        for f in inspection_findings(inspection, findings_visible_to(request.user))
        if f.pk == finding.pk
    )
    return Status(201, finding_out(recorded))


@router.post("/supervision/inspections/{inspection_id}/complete", response=InspectionDetailOut)
def complete_inspection(
    request: HttpRequest, inspection_id: int, payload: ConclusionIn
) -> InspectionDetailOut:
    inspection = inspection_complete(
        actor=request.user,
        inspection=access_inspection(request.user, inspection_id),
        conclusion=payload.conclusion,
    )
    return inspection_detail_out(request.user, access_inspection(request.user, inspection.pk))
