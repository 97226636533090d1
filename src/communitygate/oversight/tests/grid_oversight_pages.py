"""The permission grid's rows for the supervision pages (督查) and the public notices and
scorecard (see web/tests/grid.py).

The district's overseers (the committee office, the supervision office, the audit bureau) read
everything; only the supervision office's inspector and head decide, plan, record and draft; only
the head approves a notice the inspector drafted. DEPT-MZ (department_clerk, department_head)
reads its own violations, the inspection naming it and its orders, and answers its orders;
DEPT-WJ (department_clerk_other) reaches the workspace but none of these. 370203031001's staff
read the violation it reported, the inspection of it and its wall, and keep its wall; the
officer of its subdistrict (370203031) reads the report's violation and the wall. Published
notices and the scorecard are everyone's."""

import datetime as dt
from typing import Any

from communitygate.core import clock
from communitygate.core.uploads import FileUpload
from communitygate.dispatch.services import (
    Targets,
    TaskRequest,
    off_platform_report_create,
    task_send,
)
from communitygate.oversight.models import (
    CorrectionOrder,
    Finding,
    FindingFile,
    Inspection,
    Notice,
    OrderEvidence,
    Violation,
    WallRecord,
)
from communitygate.oversight.services.inspections import (
    FindingRequest,
    InspectionRequest,
    finding_record,
    inspection_plan,
    wall_record_add,
)
from communitygate.oversight.services.notices import (
    NoticeRequest,
    notice_approve,
    notice_draft,
    notice_publish,
    order_respond,
)
from communitygate.oversight.services.violations import Confirmation, violation_confirm
from communitygate.testing import World, image_bytes
from communitygate.web.tests.grid import (
    FORBIDDEN,
    NOT_FOUND,
    PAGE,
    PUBLIC,
    REDIRECT,
    SIGN_IN,
    SIGNED_OUT,
    GridPart,
    Outcome,
    row,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = image_bytes("PNG")

INSPECTORS = ("inspector", "supervision_head")
HEAD = ("supervision_head",)
READERS = ("office_admin", "office_officer", "auditor")  # oversee the district, decide nothing
OVERSEERS = (*READERS, *INSPECTORS)
MZ = ("department_clerk", "department_head")
DEPARTMENTS = (*MZ, "department_clerk_other")
COMMUNITY = ("community_secretary", "community_worker")  # 370203031001
SUBDISTRICT = ("subdistrict_officer",)  # 370203031


def seed(world: World) -> dict[str, Any]:
    clerk, inspector = world.user("department_clerk"), world.user("inspector")
    head, secretary = world.user("supervision_head"), world.user("community_secretary")
    today = clock.today()

    def unadmitted(title: str) -> Violation:
        task = task_send(
            actor=clerk,
            request=TaskRequest(
                department_code="DEPT-MZ",
                item_code=None,
                title=title,
                task_type="work",
                starts_on=today,
                due_on=today + dt.timedelta(days=25),
                targets=Targets("communities", ("370203031001",)),
            ),
        )
        return Violation.objects.get(task=task)

    def confirmed(title: str) -> Violation:
        return violation_confirm(
            actor=inspector,
            violation=unadmitted(title),
            confirmation=Confirmation("serious", "access_system", "网格准入制度"),
        )

    def drafted(violation: Violation, title: str) -> Notice:
        return notice_draft(
            actor=inspector,
            request=NoticeRequest(
                title=title,
                facts="网格事实",
                rule_broken="网格规定",
                correction_required="网格整改要求",
                violation_ids=(violation.pk,),
            ),
        )

    def published(violation: Violation, title: str) -> Notice:
        notice = notice_approve(actor=head, notice=drafted(violation, title))
        return notice_publish(actor=inspector, notice=notice)

    open_violation = unadmitted("督查网格未认定任务")
    report = off_platform_report_create(
        actor=secretary,
        community=world.org("community"),
        department=world.org("department"),
        pushed_by="网格科室",
        channel="meeting",
        occurred_on=today,
        what_was_asked="会上要求报送督查网格材料",
    )
    issued_notice = published(confirmed("督查网格甲"), "督查网格通报甲")
    answered_notice = published(confirmed("督查网格乙"), "督查网格通报乙")
    draft_violation = confirmed("督查网格丙")
    draft = drafted(draft_violation, "督查网格草稿")
    approved = notice_approve(actor=head, notice=drafted(confirmed("督查网格丁"), "督查网格待发布"))
    answered = order_respond(
        actor=clerk,
        order=CorrectionOrder.objects.get(notice=answered_notice),
        response="网格整改报告",
        evidence=[FileUpload("整改.pdf", PDF)],
    )
    inspection = inspection_plan(
        actor=inspector,
        request=InspectionRequest(
            title="督查网格检查",
            starts_on=today,
            ends_on=today,
            department_codes=("DEPT-MZ",),
            community_codes=("370203031001",),
        ),
    )
    finding = finding_record(
        actor=inspector,
        inspection=inspection,
        request=FindingRequest(
            kind="unadmitted_plaque",
            description="网格牌子",
            community_code="370203031001",
            department_code="DEPT-MZ",
            files=(FileUpload("牌子.png", PNG),),
        ),
    )
    wall = wall_record_add(
        actor=secretary, community=world.org("community"), kind="plaque", name="督查网格挂牌"
    )
    return {
        "ov_violation": open_violation.pk,
        "ov_reported": Violation.objects.get(report=report).pk,
        "ov_candidate": draft_violation.pk,
        "ov_inspection": inspection.pk,
        "ov_finding_file": FindingFile.objects.get(finding=finding).pk,
        "ov_wall": wall.pk,
        "ov_notice_draft": draft.pk,
        "ov_notice_approved": approved.pk,
        "ov_notice_published": issued_notice.pk,
        "ov_number": issued_notice.number,
        "ov_order_issued": CorrectionOrder.objects.get(notice=issued_notice).pk,
        "ov_order_answered": answered.pk,
        "ov_order_evidence": OrderEvidence.objects.get(order=answered).pk,
    }


def page_row(*cells: tuple[tuple[str, ...], Outcome]) -> dict[str, Outcome]:
    """Signed-out people sign in, whoever the cells do not name gets 404."""
    return row(NOT_FOUND, (SIGNED_OUT, SIGN_IN), *cells)


SIGNED_IN_PAGE = row(PAGE, (SIGNED_OUT, SIGN_IN))
WORKSPACE_PAGE = page_row(((*OVERSEERS, *DEPARTMENTS), PAGE))
INSPECTORS_PAGE = page_row((INSPECTORS, PAGE))
INSPECTORS_WRITE = page_row((INSPECTORS, REDIRECT))
# A violation or order of DEPT-MZ: the overseers and DEPT-MZ see it; only inspectors decide.
MZ_RECORD = page_row(((*OVERSEERS, *MZ), PAGE))
DECIDE_MZ_RECORD = page_row(((*READERS, *MZ), FORBIDDEN), (INSPECTORS, REDIRECT))
# The inspection of DEPT-MZ and 370203031001.
SEES_INSPECTION = (*OVERSEERS, *MZ, *COMMUNITY)
INSPECTION_PAGE = page_row((SEES_INSPECTION, PAGE))
INSPECTION_WRITE = page_row((SEES_INSPECTION, FORBIDDEN), (INSPECTORS, REDIRECT))
# 370203031001's wall.
WALL_PAGE = page_row(((*OVERSEERS, *COMMUNITY, *SUBDISTRICT), PAGE))
WALL_WRITE = page_row(((*READERS, *SUBDISTRICT), FORBIDDEN), ((*COMMUNITY, *INSPECTORS), REDIRECT))
# A notice in progress: the district's overseers only.
DRAFT_PAGE = page_row((OVERSEERS, PAGE))

VIOLATION = "/supervision/violations/{ov_violation}"
INSPECTION = "/supervision/inspections/{ov_inspection}"
WALL = "/supervision/communities/370203031001/wall"
N_DRAFT = "/supervision/notices/{ov_notice_draft}"
N_APPROVED = "/supervision/notices/{ov_notice_approved}"
O_ISSUED = "/supervision/orders/{ov_order_issued}"
O_ANSWERED = "/supervision/orders/{ov_order_answered}"

MATRIX: dict[tuple[str, str], dict[str, Outcome]] = {
    # The workspace (the old dispatch page redirects to it: the main grid's row)
    ("GET", "/supervision/"): WORKSPACE_PAGE,
    # Violations: the register is everyone's, scoped (empty for those who see none)
    ("GET", "/supervision/violations/"): SIGNED_IN_PAGE,
    ("GET", f"{VIOLATION}/"): MZ_RECORD,
    ("GET", "/supervision/violations/{ov_reported}/"): page_row(
        ((*OVERSEERS, *MZ, *COMMUNITY, *SUBDISTRICT), PAGE)
    ),
    ("POST", f"{VIOLATION}/confirm/"): DECIDE_MZ_RECORD,
    ("POST", f"{VIOLATION}/dismiss/"): DECIDE_MZ_RECORD,
    # Inspections
    ("GET", "/supervision/inspections/"): SIGNED_IN_PAGE,
    ("GET", "/supervision/inspections/new/"): INSPECTORS_PAGE,
    ("POST", "/supervision/inspections/new/"): INSPECTORS_WRITE,
    ("GET", f"{INSPECTION}/"): INSPECTION_PAGE,
    ("POST", f"{INSPECTION}/findings/"): INSPECTION_WRITE,
    ("GET", f"{INSPECTION}/files/{{ov_finding_file}}/"): INSPECTION_PAGE,
    ("POST", f"{INSPECTION}/complete/"): INSPECTION_WRITE,
    ("POST", f"{INSPECTION}/cancel/"): INSPECTION_WRITE,
    # The wall
    ("GET", f"{WALL}/"): WALL_PAGE,
    ("POST", f"{WALL}/add/"): WALL_WRITE,
    ("POST", f"{WALL}/{{ov_wall}}/remove/"): WALL_WRITE,
    # Notices inside the platform
    ("GET", "/supervision/notices/"): WORKSPACE_PAGE,
    ("GET", "/supervision/notices/new/"): INSPECTORS_PAGE,
    ("POST", "/supervision/notices/new/"): INSPECTORS_WRITE,
    ("GET", f"{N_DRAFT}/"): DRAFT_PAGE,
    ("GET", "/supervision/notices/{ov_notice_published}/"): WORKSPACE_PAGE,
    ("POST", f"{N_DRAFT}/approve/"): page_row(
        ((*READERS, "inspector"), FORBIDDEN), (HEAD, REDIRECT)
    ),
    ("POST", f"{N_DRAFT}/withdraw/"): page_row((READERS, FORBIDDEN), (INSPECTORS, REDIRECT)),
    ("POST", f"{N_APPROVED}/return/"): page_row(
        ((*READERS, "inspector"), FORBIDDEN), (HEAD, REDIRECT)
    ),
    ("POST", f"{N_APPROVED}/publish/"): page_row((READERS, FORBIDDEN), (INSPECTORS, REDIRECT)),
    # Correction orders: DEPT-MZ's
    ("GET", "/supervision/orders/"): WORKSPACE_PAGE,
    ("GET", f"{O_ISSUED}/"): MZ_RECORD,
    ("POST", f"{O_ISSUED}/respond/"): page_row((OVERSEERS, FORBIDDEN), (MZ, REDIRECT)),
    ("POST", f"{O_ANSWERED}/accept/"): DECIDE_MZ_RECORD,
    ("POST", f"{O_ANSWERED}/return/"): DECIDE_MZ_RECORD,
    ("GET", f"{O_ANSWERED}/evidence/{{ov_order_evidence}}/"): MZ_RECORD,
    # The public's pages
    ("GET", "/notices/"): PUBLIC,
    ("GET", "/notices/{ov_number}/"): PUBLIC,
    ("GET", "/notices/{ov_number}.pdf"): PUBLIC,
    ("GET", "/scorecard/"): PUBLIC,
    ("GET", "/scorecard/export.xlsx?period=2026"): PUBLIC,
    ("GET", "/scorecard/DEPT-MZ/"): PUBLIC,
}


def _today() -> str:
    return clock.today().isoformat()


PAYLOADS: dict[tuple[str, str], Any] = {
    ("POST", f"{VIOLATION}/confirm/"): lambda seed: {
        "severity": "minor",
        "rule_source": "catalog",
        "rule_cited": "网格规定",
    },
    ("POST", f"{VIOLATION}/dismiss/"): lambda seed: {"reason": "网格不予认定"},
    ("POST", "/supervision/inspections/new/"): lambda seed: {
        "title": "网格新检查",
        "starts_on": _today(),
        "ends_on": _today(),
        "departments": ["DEPT-MZ"],
    },
    ("POST", f"{INSPECTION}/findings/"): lambda seed: {
        "kind": "other",
        "description": "网格新发现",
    },
    ("POST", f"{INSPECTION}/complete/"): lambda seed: {"conclusion": "网格结论"},
    ("POST", f"{INSPECTION}/cancel/"): lambda seed: {"reason": "网格取消"},
    ("POST", f"{WALL}/add/"): lambda seed: {"kind": "ledger", "name": "网格台账"},
    ("POST", f"{WALL}/{{ov_wall}}/remove/"): lambda seed: {"reason": "网格摘除"},
    ("POST", "/supervision/notices/new/"): lambda seed: {
        "title": "网格新通报",
        "violations": [str(seed.extra["ov_candidate"])],
        "facts": "网格事实",
        "rule_broken": "网格规定",
        "correction_required": "网格整改",
        "correction_workdays": "10",
    },
    ("POST", f"{N_DRAFT}/approve/"): lambda seed: {},
    ("POST", f"{N_DRAFT}/withdraw/"): lambda seed: {"reason": "网格撤回"},
    ("POST", f"{N_APPROVED}/return/"): lambda seed: {"reason": "网格退回"},
    ("POST", f"{N_APPROVED}/publish/"): lambda seed: {"confirmed": "yes"},
    ("POST", f"{O_ISSUED}/respond/"): lambda seed: {"response": "网格整改情况"},
    ("POST", f"{O_ANSWERED}/accept/"): lambda seed: {},
    ("POST", f"{O_ANSWERED}/return/"): lambda seed: {"reason": "网格退回"},
}


def _state(model: Any, key: str) -> Any:
    return lambda seed: model.objects.get(pk=seed.extra[key]).state


EFFECTS: dict[tuple[str, str], Any] = {
    ("POST", f"{VIOLATION}/confirm/"): _state(Violation, "ov_violation"),
    ("POST", f"{VIOLATION}/dismiss/"): _state(Violation, "ov_violation"),
    ("POST", "/supervision/inspections/new/"): lambda seed: Inspection.objects.count(),
    ("POST", f"{INSPECTION}/findings/"): lambda seed: Finding.objects.count(),
    ("POST", f"{INSPECTION}/complete/"): _state(Inspection, "ov_inspection"),
    ("POST", f"{INSPECTION}/cancel/"): _state(Inspection, "ov_inspection"),
    ("POST", f"{WALL}/add/"): lambda seed: WallRecord.objects.count(),
    ("POST", f"{WALL}/{{ov_wall}}/remove/"): lambda seed: (
        WallRecord.objects.get(pk=seed.extra["ov_wall"]).removed_on
    ),
    ("POST", "/supervision/notices/new/"): lambda seed: Notice.objects.count(),
    ("POST", f"{N_DRAFT}/approve/"): _state(Notice, "ov_notice_draft"),
    ("POST", f"{N_DRAFT}/withdraw/"): _state(Notice, "ov_notice_draft"),
    ("POST", f"{N_APPROVED}/return/"): _state(Notice, "ov_notice_approved"),
    ("POST", f"{N_APPROVED}/publish/"): _state(Notice, "ov_notice_approved"),
    ("POST", f"{O_ISSUED}/respond/"): _state(CorrectionOrder, "ov_order_issued"),
    ("POST", f"{O_ANSWERED}/accept/"): _state(CorrectionOrder, "ov_order_answered"),
    ("POST", f"{O_ANSWERED}/return/"): _state(CorrectionOrder, "ov_order_answered"),
}

PART = GridPart(seed=seed, matrix=MATRIX, payloads=PAYLOADS, effects=EFFECTS)
