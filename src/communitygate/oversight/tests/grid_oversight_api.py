"""The permission grid's rows for the supervision API (see web/tests/grid.py).

Seeded at the grid's moment (Monday 23 November 2026), all through the services: an open
violation of DEPT-MZ from an unadmitted task to 370203031001 ({ovapi_violation}) and one from
370203031001's report of DEPT-MZ ({ovapi_reported}); two confirmed violations (DEPT-MZ's and
DEPT-WJ's) named in a published notice ({ovapi_published}, number {ovapi_number}) whose DEPT-MZ
order is issued ({ovapi_order_issued}) and DEPT-WJ's answered ({ovapi_order_answered}); an
approved notice ({ovapi_approved}) and a draft ({ovapi_draft}), both drafted by the inspector;
an inspection of DEPT-MZ and 370203031001 ({ovapi_inspection}), planned.

The office, supervision and audit see every record (`oversees_district`); a department its own
violations, inspections and orders; a community what it reported, the inspections of it and its
wall (its subdistrict reads the wall and its reports); everyone else gets 404. Of those who see
a record, only the workflow table's "who" acts (403 for the rest): inspectors and their head
decide violations, plan and record, publish; the head who did not draft approves and returns;
the department named answers its order. Published notices and the scorecard are public."""

import datetime as dt
from typing import Any

from communitygate.audit.models import AuditEvent
from communitygate.dispatch.services import Targets, TaskRequest, off_platform_report_create
from communitygate.dispatch.services import task_send as dispatch_task_send
from communitygate.oversight.models import (
    CorrectionOrder,
    Finding,
    Inspection,
    Notice,
    Violation,
    WallRecord,
)
from communitygate.oversight.services.inspections import InspectionRequest, inspection_plan
from communitygate.oversight.services.notices import (
    NoticeRequest,
    notice_approve,
    notice_draft,
    notice_publish,
    order_respond,
)
from communitygate.oversight.services.violations import Confirmation, violation_confirm
from communitygate.testing import World
from communitygate.web.tests.grid import (
    CREATED,
    FORBIDDEN,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    PAGE,
    PUBLIC,
    SIGNED_OUT,
    UNAUTHENTICATED,
    GridPart,
    Outcome,
    row,
)

OVERSEERS = ("office_admin", "office_officer", "inspector", "supervision_head", "auditor")
SUPERVISION = ("inspector", "supervision_head")
HEAD = ("supervision_head",)
MZ = ("department_clerk", "department_head")  # DEPT-MZ
WJ = ("department_clerk_other",)  # DEPT-WJ
STAFF = ("community_secretary", "community_worker")  # 370203031001
SUBDISTRICT = ("subdistrict_officer",)  # 370203031
COMMUNITY = "370203031001"
OTHER = "370203014001"

SEES_TASK_VIOLATION = (*OVERSEERS, *MZ)
SEES_REPORT_VIOLATION = (*OVERSEERS, *MZ, *STAFF, *SUBDISTRICT)
SEES_INSPECTION = (*OVERSEERS, *MZ, *STAFF)
SEES_MZ_ORDER = (*OVERSEERS, *MZ)
SEES_WJ_ORDER = (*OVERSEERS, *WJ)
READS_WALL = (*OVERSEERS, *STAFF, *SUBDISTRICT)
KEEPS_WALL = (*STAFF, *SUPERVISION)


def api_row(
    sees: tuple[str, ...], seen: Outcome, *cells: tuple[tuple[str, ...], Outcome]
) -> dict[str, Outcome]:
    """Signed-out people get 401; whoever cannot see the record 404; whoever can `seen`; then
    each cell overrides."""
    return row(NOT_FOUND, (SIGNED_OUT, UNAUTHENTICATED), (sees, seen), *cells)


API_LIST = row(PAGE, (SIGNED_OUT, UNAUTHENTICATED))
SUPERVISION_CREATES = row(FORBIDDEN, (SIGNED_OUT, UNAUTHENTICATED), (SUPERVISION, CREATED))


def seed(world: World) -> dict[str, Any]:
    inspector, head = world.user("inspector"), world.user("supervision_head")
    today = dt.date(2026, 11, 23)

    def unadmitted(person: str, department: str, community: str, title: str) -> Violation:
        task = dispatch_task_send(
            actor=world.user(person),
            request=TaskRequest(
                department_code=department,
                item_code=None,
                title=title,
                task_type="report",
                starts_on=dt.date(2026, 12, 1),
                due_on=dt.date(2026, 12, 15),
                targets=Targets("communities", (community,)),
            ),
        )
        return Violation.objects.get(task=task)

    def confirmed(violation: Violation) -> Violation:
        return violation_confirm(
            actor=inspector,
            violation=violation,
            confirmation=Confirmation(
                severity="serious", rule_source="access_system", rule_cited="网格准入制度第五条"
            ),
        )

    def drafted(title: str, violations: list[Violation]) -> Notice:
        return notice_draft(
            actor=inspector,
            request=NoticeRequest(
                title=title,
                facts="网格违规事实",
                rule_broken="网格准入制度",
                correction_required="网格整改要求",
                violation_ids=tuple(v.pk for v in violations),
            ),
        )

    open_violation = unadmitted("department_clerk", "DEPT-MZ", COMMUNITY, "网格API未准入任务")
    report = off_platform_report_create(
        actor=world.user("community_secretary"),
        community=world.org("community"),
        department=world.org("department"),
        pushed_by="网格API科室",
        channel="meeting",
        occurred_on=today,
        what_was_asked="网格API会上要求报送",
    )
    mz = confirmed(unadmitted("department_clerk", "DEPT-MZ", COMMUNITY, "网格API违规甲"))
    wj = confirmed(unadmitted("department_clerk_other", "DEPT-WJ", OTHER, "网格API违规乙"))
    published = notice_publish(
        actor=inspector,
        notice=notice_approve(actor=head, notice=drafted("网格API已发布通报", [mz, wj])),
    )
    orders = {o.department.code: o for o in published.orders.select_related("department")}
    answered = order_respond(
        actor=world.user("department_clerk_other"),
        order=orders["DEPT-WJ"],
        response="网格API整改报告",
    )
    # A violation is named by one published notice only: the notices still to publish name
    # violations of their own.
    mz_again = confirmed(unadmitted("department_clerk", "DEPT-MZ", COMMUNITY, "网格API违规丙"))
    mz_draft = confirmed(unadmitted("department_clerk", "DEPT-MZ", COMMUNITY, "网格API违规丁"))
    approved = notice_approve(actor=head, notice=drafted("网格API待发布通报", [mz_again]))
    draft = drafted("网格API通报草稿", [mz_draft])
    inspection = inspection_plan(
        actor=inspector,
        request=InspectionRequest(
            title="网格API检查",
            starts_on=today,
            ends_on=today + dt.timedelta(days=7),
            department_codes=("DEPT-MZ",),
            community_codes=(COMMUNITY,),
        ),
    )
    return {
        "ovapi_violation": open_violation.pk,
        "ovapi_reported": Violation.objects.get(report=report).pk,
        "ovapi_confirmed": mz_again.pk,
        "ovapi_published": published.pk,
        "ovapi_number": published.number,
        "ovapi_approved": approved.pk,
        "ovapi_draft": draft.pk,
        "ovapi_order_issued": orders["DEPT-MZ"].pk,
        "ovapi_order_answered": answered.pk,
        "ovapi_inspection": inspection.pk,
    }


V = "/api/v1/supervision/violations"
I = "/api/v1/supervision/inspections"  # noqa: E741
N = "/api/v1/supervision/notices"
O = "/api/v1/supervision/correction-orders"  # noqa: E741
WALL = f"/api/v1/communities/{COMMUNITY}"

MATRIX: dict[tuple[str, str], dict[str, Outcome]] = {
    # Violations: listed for everyone signed in, each seeing their own reach.
    ("GET", V): API_LIST,
    ("GET", f"{V}/{{ovapi_violation}}"): api_row(SEES_TASK_VIOLATION, PAGE),
    ("GET", f"{V}/{{ovapi_reported}}"): api_row(SEES_REPORT_VIOLATION, PAGE),
    ("POST", f"{V}/{{ovapi_violation}}/confirm"): api_row(
        SEES_TASK_VIOLATION, FORBIDDEN, (SUPERVISION, PAGE)
    ),
    ("POST", f"{V}/{{ovapi_violation}}/dismiss"): api_row(
        SEES_TASK_VIOLATION, FORBIDDEN, (SUPERVISION, PAGE)
    ),
    # Inspections.
    ("GET", I): API_LIST,
    ("POST", I): SUPERVISION_CREATES,
    ("GET", f"{I}/{{ovapi_inspection}}"): api_row(SEES_INSPECTION, PAGE),
    ("POST", f"{I}/{{ovapi_inspection}}/findings"): api_row(
        SEES_INSPECTION, FORBIDDEN, (SUPERVISION, CREATED)
    ),
    ("POST", f"{I}/{{ovapi_inspection}}/complete"): api_row(
        SEES_INSPECTION, FORBIDDEN, (SUPERVISION, PAGE)
    ),
    # Notices: drafts for the overseers; the head who did not draft approves and returns.
    ("GET", N): API_LIST,
    ("POST", N): SUPERVISION_CREATES,
    ("GET", f"{N}/{{ovapi_draft}}"): api_row(OVERSEERS, PAGE),
    ("GET", f"{N}/{{ovapi_published}}"): API_LIST,
    ("POST", f"{N}/{{ovapi_draft}}/approve"): api_row(OVERSEERS, FORBIDDEN, (HEAD, PAGE)),
    ("POST", f"{N}/{{ovapi_approved}}/return"): api_row(OVERSEERS, FORBIDDEN, (HEAD, PAGE)),
    ("POST", f"{N}/{{ovapi_approved}}/publish"): api_row(OVERSEERS, FORBIDDEN, (SUPERVISION, PAGE)),
    ("POST", f"{N}/{{ovapi_draft}}/withdraw"): api_row(OVERSEERS, FORBIDDEN, (SUPERVISION, PAGE)),
    # Published notices are public; a number never published is not found.
    ("GET", "/api/v1/notices"): PUBLIC,
    ("GET", "/api/v1/notices/{ovapi_number}"): PUBLIC,
    ("GET", "/api/v1/notices/市北督通〔2026〕999号"): row(NOT_FOUND),
    # Correction orders: a department its own; orders come from notices, never from a POST.
    ("GET", O): API_LIST,
    ("POST", O): row(METHOD_NOT_ALLOWED, (SIGNED_OUT, UNAUTHENTICATED)),
    ("GET", f"{O}/{{ovapi_order_issued}}"): api_row(SEES_MZ_ORDER, PAGE),
    ("POST", f"{O}/{{ovapi_order_issued}}/respond"): api_row(SEES_MZ_ORDER, FORBIDDEN, (MZ, PAGE)),
    ("POST", f"{O}/{{ovapi_order_answered}}/accept"): api_row(
        SEES_WJ_ORDER, FORBIDDEN, (SUPERVISION, PAGE)
    ),
    ("POST", f"{O}/{{ovapi_order_answered}}/return"): api_row(
        SEES_WJ_ORDER, FORBIDDEN, (SUPERVISION, PAGE)
    ),
    # The scorecard is public.
    ("GET", "/api/v1/supervision/scorecard?period=2026"): PUBLIC,
    # A community's wall: read by its staff, its subdistrict and the overseers; kept by the
    # community and the inspectors.
    ("GET", f"{WALL}/plaques"): api_row(READS_WALL, PAGE),
    ("POST", f"{WALL}/plaques"): api_row(READS_WALL, FORBIDDEN, (KEEPS_WALL, CREATED)),
    ("GET", f"{WALL}/ledgers"): api_row(READS_WALL, PAGE),
    ("POST", f"{WALL}/ledgers"): api_row(READS_WALL, FORBIDDEN, (KEEPS_WALL, CREATED)),
}


def reason(seed: Any) -> dict[str, str]:
    return {"reason": "网格API理由"}


PAYLOADS: dict[tuple[str, str], Any] = {
    ("POST", f"{V}/{{ovapi_violation}}/confirm"): lambda seed: {
        "severity": "minor",
        "rule_source": "catalog",
        "rule_cited": "网格API所违反的规定",
    },
    ("POST", f"{V}/{{ovapi_violation}}/dismiss"): reason,
    ("POST", I): lambda seed: {
        "title": "网格API新检查",
        "starts_on": "2026-11-24",
        "ends_on": "2026-11-30",
        "departments": ["DEPT-MZ"],
        "communities": [],
    },
    ("POST", f"{I}/{{ovapi_inspection}}/findings"): lambda seed: {
        "kind": "other",
        "description": "网格API发现的问题",
        "community": COMMUNITY,
    },
    ("POST", f"{I}/{{ovapi_inspection}}/complete"): lambda seed: {"conclusion": "网格API结论"},
    ("POST", N): lambda seed: {
        "title": "网格API新通报",
        "facts": "网格事实",
        "rule_broken": "网格规定",
        "correction_required": "网格整改",
        "violations": [seed.extra["ovapi_confirmed"]],
    },
    ("POST", f"{N}/{{ovapi_draft}}/approve"): lambda seed: {},
    ("POST", f"{N}/{{ovapi_approved}}/return"): reason,
    ("POST", f"{N}/{{ovapi_approved}}/publish"): lambda seed: {},
    ("POST", f"{N}/{{ovapi_draft}}/withdraw"): reason,
    ("POST", O): lambda seed: {"notice": seed.extra["ovapi_published"], "department": "DEPT-MZ"},
    ("POST", f"{O}/{{ovapi_order_issued}}/respond"): lambda seed: {"response": "网格API整改"},
    ("POST", f"{O}/{{ovapi_order_answered}}/accept"): lambda seed: {},
    ("POST", f"{O}/{{ovapi_order_answered}}/return"): reason,
    ("POST", f"{WALL}/plaques"): lambda seed: {"name": "网格API新牌子"},
    ("POST", f"{WALL}/ledgers"): lambda seed: {"name": "网格API新台账"},
}


def audit_count(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def violation_state(action: str) -> Any:
    def state(seed: Any) -> object:
        violation = Violation.objects.get(pk=seed.extra["ovapi_violation"])
        return violation.state, violation.revision, audit_count(action)

    return state


def notice_state(key: str, action: str) -> Any:
    def state(seed: Any) -> object:
        notice = Notice.objects.get(pk=seed.extra[key])
        return notice.state, notice.number, notice.approved_by_id, audit_count(action)

    return state


def order_state(key: str, action: str) -> Any:
    def state(seed: Any) -> object:
        order = CorrectionOrder.objects.get(pk=seed.extra[key])
        return order.state, order.response, order.return_reason, audit_count(action)

    return state


EFFECTS: dict[tuple[str, str], Any] = {
    ("POST", f"{V}/{{ovapi_violation}}/confirm"): violation_state("violation.confirm"),
    ("POST", f"{V}/{{ovapi_violation}}/dismiss"): violation_state("violation.dismiss"),
    ("POST", I): lambda seed: (Inspection.objects.count(), audit_count("inspection.plan")),
    ("POST", f"{I}/{{ovapi_inspection}}/findings"): lambda seed: (
        Finding.objects.count(),
        Violation.objects.count(),
    ),
    ("POST", f"{I}/{{ovapi_inspection}}/complete"): lambda seed: (
        Inspection.objects.get(pk=seed.extra["ovapi_inspection"]).state
    ),
    ("POST", N): lambda seed: (Notice.objects.count(), audit_count("notice.draft")),
    ("POST", f"{N}/{{ovapi_draft}}/approve"): notice_state("ovapi_draft", "notice.approve"),
    ("POST", f"{N}/{{ovapi_approved}}/return"): notice_state("ovapi_approved", "notice.return"),
    ("POST", f"{N}/{{ovapi_approved}}/publish"): lambda seed: (
        notice_state("ovapi_approved", "notice.publish")(seed),
        CorrectionOrder.objects.count(),
    ),
    ("POST", f"{N}/{{ovapi_draft}}/withdraw"): notice_state("ovapi_draft", "notice.withdraw"),
    ("POST", O): lambda seed: CorrectionOrder.objects.count(),
    ("POST", f"{O}/{{ovapi_order_issued}}/respond"): order_state(
        "ovapi_order_issued", "correction_order.respond"
    ),
    ("POST", f"{O}/{{ovapi_order_answered}}/accept"): order_state(
        "ovapi_order_answered", "correction_order.accept"
    ),
    ("POST", f"{O}/{{ovapi_order_answered}}/return"): order_state(
        "ovapi_order_answered", "correction_order.return"
    ),
    ("POST", f"{WALL}/plaques"): lambda seed: (
        WallRecord.objects.count(),
        audit_count("wall_record.add"),
    ),
    ("POST", f"{WALL}/ledgers"): lambda seed: (
        WallRecord.objects.count(),
        audit_count("wall_record.add"),
    ),
}

PART = GridPart(seed=seed, matrix=MATRIX, payloads=PAYLOADS, effects=EFFECTS)
