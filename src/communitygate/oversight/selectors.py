"""Supervision's reads: the violations register and its filters, what a notice may name, the
orders due, a community's wall, the public notices and the departments' scorecard."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from communitygate.core import workdays
from communitygate.core.errors import InvalidInput, NotFound, Problem
from communitygate.core.periods import Period
from communitygate.dispatch.selectors import sent_by_department
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.oversight.models import (
    CorrectionOrder,
    Finding,
    FindingFile,
    Inspection,
    Notice,
    NoticeStates,
    OrderEvidence,
    OrderStates,
    Violation,
    ViolationSources,
    ViolationStates,
    WallKinds,
    WallRecord,
)


@dataclass(frozen=True)
class ViolationFilters:
    department: str = ""
    status: str = ""
    source: str = ""


def _filter_problems(filters: ViolationFilters) -> list[Problem]:
    problems = []
    if filters.status and filters.status not in ViolationStates.values:
        problems.append(
            Problem(
                f"状态须为 {'、'.join(ViolationStates.values)} 之一。",
                f"status must be one of {', '.join(ViolationStates.values)}.",
                field="status",
            )
        )
    if filters.source and filters.source not in ViolationSources.values:
        problems.append(
            Problem(
                f"来源须为 {'、'.join(ViolationSources.values)} 之一。",
                f"source must be one of {', '.join(ViolationSources.values)}.",
                field="source",
            )
        )
    return problems


def violations_filtered(
    violations: QuerySet[Violation], filters: ViolationFilters
) -> QuerySet[Violation]:
    """`violations` (already scoped to the person) narrowed by department code, state and source,
    newest first, with what a list row shows."""
    problems = _filter_problems(filters)
    if problems:
        raise InvalidInput(problems)
    if filters.department:
        violations = violations.filter(department__code=filters.department)
    if filters.status:
        violations = violations.filter(state=filters.status)
    if filters.source:
        violations = violations.filter(source=filters.source)
    return violations.select_related("department", "community").order_by("-created_at", "-pk")


def violation_counts_by_state(violations: QuerySet[Violation]) -> dict[str, int]:
    counts = dict(violations.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    return {state: counts.get(state, 0) for state in ViolationStates.values}


def violation_communities(violation: Violation) -> list[Organisation]:
    """The communities a violation affected: a task's assignments, else the one it names."""
    if violation.task_id is not None:
        return list(
            Organisation.objects.filter(assignments__task_id=violation.task_id).order_by("code")
        )
    return [violation.community] if violation.community is not None else []


def notice_candidates() -> QuerySet[Violation]:
    """Confirmed violations no published notice has named yet: what the next notice may name.

    Excluded through the relation, not `pk__in` a list of the notices' violations: a published
    notice naming none (a correction) would put a NULL in that list, and NOT IN (…, NULL) is
    never true, so every candidate would vanish."""
    return (
        Violation.objects.filter(state=ViolationStates.CONFIRMED)
        .exclude(notices__state=NoticeStates.PUBLISHED)
        .select_related("department")
        .order_by("department__code", "pk")
    )


def overdue_orders_to_name() -> QuerySet[CorrectionOrder]:
    """Overdue orders no published notice has named again yet (listed for the next notice;
    excluded through the relation for the reason notice_candidates gives)."""
    return (
        CorrectionOrder.objects.filter(state=OrderStates.OVERDUE)
        .exclude(named_again_in__state=NoticeStates.PUBLISHED)
        .select_related("department", "notice")
        .order_by("due_on", "pk")
    )


def inspections_listed(inspections: QuerySet[Inspection]) -> QuerySet[Inspection]:
    """`inspections` (already scoped to the person), latest first, with the office and the
    departments and communities inspected."""
    return (
        inspections.select_related("office")
        .prefetch_related(
            Prefetch("departments", queryset=Organisation.objects.order_by("code")),
            Prefetch("communities", queryset=Organisation.objects.order_by("code")),
        )
        .annotate(findings_count=Count("findings", distinct=True))
        .order_by("-starts_on", "-pk")
    )


def notices_filtered(notices: QuerySet[Notice], state: str = "") -> QuerySet[Notice]:
    """`notices` (already scoped to the person) in one state or all, newest first, with what a
    list row shows."""
    if state and state not in NoticeStates.values:
        raise InvalidInput(
            [
                Problem(
                    f"状态须为 {'、'.join(NoticeStates.values)} 之一。",
                    f"state must be one of {', '.join(NoticeStates.values)}.",
                    field="state",
                )
            ]
        )
    if state:
        notices = notices.filter(state=state)
    return (
        notices.select_related("office", "corrects")
        .prefetch_related(
            Prefetch("departments", queryset=Organisation.objects.order_by("code")),
            Prefetch(
                "violations",
                queryset=Violation.objects.only("pk", "department_id").order_by("pk"),
            ),
            Prefetch("overdue_orders", queryset=CorrectionOrder.objects.only("pk").order_by("pk")),
        )
        .order_by("-published_at", "-created_at", "-pk")
    )


def notice_violations(notice: Notice, violations: QuerySet[Violation]) -> list[Violation]:
    """The violations a notice names, among `violations` (those the person sees)."""
    return list(
        violations.filter(notices=notice).select_related("department", "community").order_by("pk")
    )


def published_notices() -> QuerySet[Notice]:
    return (
        Notice.objects.filter(state=NoticeStates.PUBLISHED)
        .select_related("office", "corrects")
        .prefetch_related("departments")
        .order_by("-published_at", "-pk")
    )


def published_notice(number: str) -> Notice:
    notice = published_notices().filter(number=number).first()
    if notice is None:
        raise NotFound("通报", "notice")
    return notice


def public_notices() -> QuerySet[Notice]:
    """Published notices as the public reads them: the departments named, the orders issued
    (each with its department) and the later notices correcting each."""
    return published_notices().prefetch_related(
        Prefetch(
            "orders",
            queryset=CorrectionOrder.objects.select_related("department").order_by(
                "department__code"
            ),
        ),
        Prefetch(
            "corrections",
            queryset=Notice.objects.filter(state=NoticeStates.PUBLISHED).order_by("published_at"),
        ),
    )


def public_notice(number: str) -> Notice:
    notice = public_notices().filter(number=number).first()
    if notice is None:
        raise NotFound("通报", "notice")
    return notice


def order_violation_ids(order: CorrectionOrder) -> list[int]:
    return list(order.violations.order_by("pk").values_list("pk", flat=True))


def order_evidence(order: CorrectionOrder) -> list[OrderEvidence]:
    return list(OrderEvidence.objects.filter(order=order).order_by("pk"))


def orders_filtered(
    orders: QuerySet[CorrectionOrder], state: str = "", department: str = ""
) -> QuerySet[CorrectionOrder]:
    """`orders` (already scoped to the person) narrowed by state and by the department's code
    (someone acting for two departments lists each one's orders apart), the earliest due
    first."""
    if state and state not in OrderStates.values:
        raise InvalidInput(
            [
                Problem(
                    f"状态须为 {'、'.join(OrderStates.values)} 之一。",
                    f"state must be one of {', '.join(OrderStates.values)}.",
                    field="state",
                )
            ]
        )
    if state:
        orders = orders.filter(state=state)
    if department:
        orders = orders.filter(department__code=department)
    return orders.select_related("department", "notice").order_by("due_on", "pk")


def wall_of(
    community: Organisation, kind: str, *, include_removed: bool = False
) -> QuerySet[WallRecord]:
    """A community's plaques or ledgers as they are on the ground (taken-down ones with
    `include_removed`), with the item admitting each."""
    if kind not in WallKinds.values:
        raise NotFound("记录", "record")
    records = WallRecord.objects.filter(community=community, kind=kind)
    if not include_removed:
        records = records.filter(removed_on__isnull=True)
    return records.select_related("item").order_by("admitted", "name")


# The scorecard ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreRow:
    """One department's record in a period (SPEC §5: supervision by department)."""

    code: str
    name: str
    tasks_sent: int
    unadmitted: int
    refusals: int
    confirmed_violations: int
    notices_named: int
    orders_open: int
    orders_overdue: int
    corrected_on_time: int

    @property
    def unadmitted_share(self) -> Decimal | None:
        if not self.tasks_sent:
            return None
        return (Decimal(self.unadmitted) / Decimal(self.tasks_sent)).quantize(Decimal("0.0001"))


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _by_department(rows: QuerySet) -> dict[int, int]:
    return dict(
        rows.values_list("department_id").annotate(n=Count("id")).values_list("department_id", "n")
    )


def scorecard(period: Period, *, department_code: str = "") -> list[ScoreRow]:
    """Every department's figures for the period (departments with none show zeros), in a
    fixed number of aggregate queries: tasks sent, the unadmitted share, refusals received,
    violations confirmed, notices naming it, correction orders open, overdue and corrected on
    time. Public: counts only, no person."""
    start, end = _moment(period.start), _moment(period.end + dt.timedelta(days=1))
    departments = Organisation.objects.filter(kind=OrganisationKinds.DEPARTMENT).order_by("code")
    if department_code:
        departments = departments.filter(code=department_code)
    sent = sent_by_department(start, end)
    confirmed = _by_department(
        Violation.objects.filter(
            occurred_on__range=(period.start, period.end),
            state__in=[ViolationStates.CONFIRMED, ViolationStates.CORRECTED],
        )
    )
    notices = dict(
        Notice.objects.filter(
            state=NoticeStates.PUBLISHED, published_on__range=(period.start, period.end)
        )
        .values_list("departments")
        .annotate(n=Count("id"))
        .values_list("departments", "n")
    )
    orders = CorrectionOrder.objects.filter(issued_on__range=(period.start, period.end))
    open_orders = _by_department(
        orders.filter(state__in=[OrderStates.ISSUED, OrderStates.ANSWERED, OrderStates.RETURNED])
    )
    overdue = _by_department(orders.filter(state=OrderStates.OVERDUE))
    on_time = _by_department(orders.filter(state=OrderStates.ACCEPTED, accepted_on_time=True))
    return [
        ScoreRow(
            code=department.code,
            name=department.name,
            tasks_sent=sent[department.pk].tasks if department.pk in sent else 0,
            unadmitted=sent[department.pk].unadmitted if department.pk in sent else 0,
            refusals=sent[department.pk].refusals if department.pk in sent else 0,
            confirmed_violations=confirmed.get(department.pk, 0),
            notices_named=notices.get(department.pk, 0),
            orders_open=open_orders.get(department.pk, 0),
            orders_overdue=overdue.get(department.pk, 0),
            corrected_on_time=on_time.get(department.pk, 0),
        )
        for department in departments
    ]


def open_orders_of(department: Organisation) -> QuerySet[CorrectionOrder]:
    return (
        CorrectionOrder.objects.filter(department=department)
        .exclude(state=OrderStates.ACCEPTED)
        .select_related("notice")
        .order_by("due_on")
    )


# The pages' reads ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentViolations:
    """One department's violations counted by state (the workspace's table); `code` is empty
    for violations whose department is not named yet."""

    code: str
    name: str
    by_state: tuple[int, ...]  # in the order of ViolationStates

    @property
    def total(self) -> int:
        return sum(self.by_state)


def violation_counts_by_department(violations: QuerySet[Violation]) -> list[DepartmentViolations]:
    """`violations` (scoped) counted per department and state in one query, the departments with
    the most open and confirmed first."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    rows = (
        violations.order_by()
        .values_list("department__code", "department__name", "state")
        .annotate(n=Count("id"))
    )
    for code, name, state, n in rows:
        counts.setdefault((code or "", name or ""), {})[state] = n
    table = [
        DepartmentViolations(
            code=code,
            name=name,
            by_state=tuple(by_state.get(state, 0) for state in ViolationStates.values),
        )
        for (code, name), by_state in counts.items()
    ]
    pending = (ViolationStates.values.index("open"), ViolationStates.values.index("confirmed"))
    return sorted(table, key=lambda row: (-sum(row.by_state[i] for i in pending), row.code))


ORDERS_TO_FOLLOW = (
    OrderStates.ISSUED,
    OrderStates.RETURNED,
    OrderStates.OVERDUE,
    OrderStates.ANSWERED,
)


def orders_to_follow(orders: QuerySet[CorrectionOrder]) -> QuerySet[CorrectionOrder]:
    """`orders` (scoped) not yet accepted: due, returned, overdue or waiting for a decision,
    the earliest deadline first."""
    return orders_filtered(orders.filter(state__in=ORDERS_TO_FOLLOW))


def notices_in_progress(notices: QuerySet[Notice]) -> QuerySet[Notice]:
    """Drafts and approved notices not yet published (what the head approves, what is published
    next)."""
    return (
        notices.filter(state__in=[NoticeStates.DRAFT, NoticeStates.APPROVED])
        .select_related("drafted_by", "office")
        .order_by("created_at", "pk")
    )


def notices_listed(notices: QuerySet[Notice], state: str = "") -> QuerySet[Notice]:
    if state and state not in NoticeStates.values:
        raise InvalidInput(
            [
                Problem(
                    f"状态须为 {'、'.join(NoticeStates.values)} 之一。",
                    f"state must be one of {', '.join(NoticeStates.values)}.",
                    field="state",
                )
            ]
        )
    if state:
        notices = notices.filter(state=state)
    return (
        notices.select_related("office", "drafted_by")
        .prefetch_related("departments")
        .order_by("-created_at", "-pk")
    )


def communities_with_unadmitted_wall() -> list[tuple[str, str, int]]:
    """(code, name, how many) of each community with a plaque or ledger on its wall that no
    admitted item requires, the most first."""
    rows = (
        WallRecord.objects.filter(admitted=False, removed_on__isnull=True)
        .order_by()
        .values_list("community__code", "community__name")
        .annotate(n=Count("id"))
    )
    return sorted(((code, name, n) for code, name, n in rows), key=lambda r: (-r[2], r[0]))


def inspection_findings(inspection: Inspection, findings: QuerySet[Finding]) -> list[Finding]:
    """An inspection's findings among `findings` (those the person sees:
    permissions.findings_visible_to) with what each row shows: the community, the department,
    the plaque or ledger, its files and the violation it became."""
    return list(
        findings.filter(inspection=inspection)
        .select_related("community", "department", "wall_record", "recorded_by", "violation")
        .prefetch_related("files")
        .order_by("pk")
    )


def finding_file_of(
    inspection: Inspection, file_id: int, findings: QuerySet[Finding]
) -> FindingFile:
    """A file of one of the inspection's findings among `findings` (those the person sees), or
    NotFound (never another inspection's, nor a finding the person may not see)."""
    found = FindingFile.objects.filter(
        pk=file_id, finding__inspection=inspection, finding__in=findings
    ).first()
    if found is None:
        raise NotFound("文件", "file")
    return found


def order_evidence_of(order: CorrectionOrder, file_id: int) -> OrderEvidence:
    found = OrderEvidence.objects.filter(pk=file_id, order=order).first()
    if found is None:
        raise NotFound("文件", "file")
    return found


def notice_orders(
    notice: Notice, orders: QuerySet[CorrectionOrder] | None = None
) -> list[CorrectionOrder]:
    """The correction orders a published notice issued, one per department named (of `orders`,
    those the person sees, when given)."""
    orders = CorrectionOrder.objects.all() if orders is None else orders
    return list(
        orders.filter(notice=notice).select_related("department").order_by("department__code")
    )


def notices_naming(department: Organisation) -> QuerySet[Notice]:
    """Published notices that name a department."""
    return published_notices().filter(departments=department)


def published_corrections(notice: Notice) -> QuerySet[Notice]:
    """Published notices that correct this one."""
    return published_notices().filter(corrects=notice)


def violation_notices(violation: Violation, notices: QuerySet[Notice]) -> QuerySet[Notice]:
    """The notices (of those the person sees) that name a violation."""
    return notices.filter(violations=violation).order_by("-created_at", "-pk")


def violation_orders(
    violation: Violation, orders: QuerySet[CorrectionOrder]
) -> QuerySet[CorrectionOrder]:
    """The correction orders (of those the person sees) that name a violation."""
    return orders.filter(violations=violation).select_related("notice", "department")


def department_choices() -> list[tuple[str, str]]:
    """(code, name) of every department, for the pages' choices."""
    return list(
        Organisation.objects.filter(kind=OrganisationKinds.DEPARTMENT)
        .order_by("code")
        .values_list("code", "name")
    )


def community_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every community as (code, name), grouped under its subdistrict's name, in the tree's
    order (for a select with option groups)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    communities = (
        Organisation.objects.filter(kind=OrganisationKinds.COMMUNITY)
        .order_by("path")
        .values_list("code", "name", "parent__name")
    )
    for code, name, subdistrict in communities:
        groups.setdefault(subdistrict or "", []).append((code, name))
    return list(groups.items())


def supervision_office_choices(office_ids: list[int]) -> list[tuple[str, str]]:
    return list(
        Organisation.objects.filter(pk__in=office_ids).order_by("code").values_list("code", "name")
    )


def wall_record_of(community: Organisation, record_id: int) -> WallRecord:
    record = WallRecord.objects.filter(pk=record_id, community=community).first()
    if record is None:
        raise NotFound("记录", "record")
    return record


# Publishing a notice ------------------------------------------------------------------------------


def correction_due_on(notice: Notice, published_on: dt.date) -> dt.date:
    """When the correction orders of `notice`, published on `published_on`, fall due: its
    working days to correct after that day (core.workdays; a year nobody entered refuses)."""
    return workdays.add_workdays(published_on, notice.correction_workdays)


@dataclass(frozen=True)
class NoticePublishOutlook:
    """What publishing a notice today does (the confirmation page): each department named gets a
    correction order due on `due_on`."""

    departments: list[Organisation]
    due_on: dt.date


def notice_publish_outlook(notice: Notice, today: dt.date) -> NoticePublishOutlook:
    return NoticePublishOutlook(
        departments=list(notice.departments.order_by("code")),
        due_on=correction_due_on(notice, today),
    )
