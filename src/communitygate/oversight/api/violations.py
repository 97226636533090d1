"""The violations register: list (filters), one violation, confirm, dismiss."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Schema

from communitygate.core.inputs import Offset, StateText, capped
from communitygate.core.paging import page_bounds
from communitygate.orgs.inputs import OrgCode
from communitygate.oversight.api.common import (
    ReasonIn,
    max_limit,
    org_code,
    router,
)
from communitygate.oversight.models import (
    Violation,
)
from communitygate.oversight.permissions import (
    access_violation,
    violations_visible_to,
)
from communitygate.oversight.selectors import (
    ViolationFilters,
    violation_communities,
    violations_filtered,
)
from communitygate.oversight.services.violations import (
    Confirmation,
    violation_confirm,
    violation_dismiss,
)

# Violations ---------------------------------------------------------------------------------------


class ReasonOut(Schema):
    code: str
    message: str


class ViolationOut(Schema):
    id: int
    department: str | None = Field(description="The department's code; null until one is named.")
    source: str = Field(
        description="unadmitted_task, off_platform_report, inspection_finding or payment_overdue."
    )
    status: str = Field(description="open, confirmed, dismissed or corrected.")
    task: int | None
    report: int | None
    finding: int | None
    community: str | None
    summary: str
    reasons: list[ReasonOut]
    severity: str | None
    rule_source: str | None
    rule_cited: str | None
    occurred_on: dt.date
    created_at: dt.datetime


class ViolationDetailOut(ViolationOut):
    communities: list[str] = Field(description="Every community affected, by code.")
    decision_note: str
    decided_at: dt.datetime | None
    corrected_at: dt.datetime | None


class ViolationPage(Schema):
    count: int
    items: list[ViolationOut]


class ViolationQuery(Schema):
    department: OrgCode = ""
    status: StateText = ""
    source: StateText = ""
    limit: int = 50
    offset: Offset = 0


class ConfirmIn(Schema):
    severity: str = capped(Violation, "severity", "", description="minor, serious or grave.")
    rule_source: str = capped(
        Violation, "rule_source", "", description="catalog, negative_list or access_system."
    )
    rule_cited: str = capped(Violation, "rule_cited", "")
    note: str = Field("", max_length=4000)
    department: OrgCode | None = Field(
        None, description="A department's code: names (or renames) the department responsible."
    )


def _violation_fields(violation: Violation) -> dict[str, Any]:
    return {
        "id": violation.pk,
        "department": org_code(violation.department),
        "source": violation.source,
        "status": violation.state,
        "task": violation.task_id,
        "report": violation.report_id,
        "finding": violation.finding_id,
        "community": org_code(violation.community),
        "summary": violation.summary,
        "reasons": [
            ReasonOut(code=reason.get("code", ""), message=reason.get("message", ""))
            for reason in violation.reasons
        ],
        "severity": violation.severity or None,
        "rule_source": violation.rule_source or None,
        "rule_cited": violation.rule_cited or None,
        "occurred_on": violation.occurred_on,
        "created_at": violation.created_at,
    }


def violation_out(violation: Violation) -> ViolationOut:
    return ViolationOut(**_violation_fields(violation))


def violation_detail_out(violation: Violation) -> ViolationDetailOut:
    return ViolationDetailOut(
        **_violation_fields(violation),
        communities=[c.code for c in violation_communities(violation)],
        decision_note=violation.decision_note,
        decided_at=violation.decided_at,
        corrected_at=violation.corrected_at,
    )


@router.get("/supervision/violations", response=ViolationPage)
def list_violations(request: HttpRequest, query: Query[ViolationQuery]) -> ViolationPage:
    """The violations the caller may see (a department its own, a community what it reported,
    supervision, the office and audit all), newest first."""
    limit, offset = page_bounds(query.limit, query.offset, max_limit())
    violations = violations_filtered(
        violations_visible_to(request.user),
        ViolationFilters(department=query.department, status=query.status, source=query.source),
    )
    return ViolationPage(
        count=violations.count(),
        items=[violation_out(v) for v in violations[offset : offset + limit]],
    )


@router.get("/supervision/violations/{violation_id}", response=ViolationDetailOut)
def get_violation(request: HttpRequest, violation_id: int) -> ViolationDetailOut:
    return violation_detail_out(access_violation(request.user, violation_id))


@router.post("/supervision/violations/{violation_id}/confirm", response=ViolationDetailOut)
def confirm_violation(
    request: HttpRequest, violation_id: int, payload: ConfirmIn
) -> ViolationDetailOut:
    violation = violation_confirm(
        actor=request.user,
        violation=access_violation(request.user, violation_id),
        confirmation=Confirmation(
            severity=payload.severity,
            rule_source=payload.rule_source,
            rule_cited=payload.rule_cited,
            note=payload.note,
            department_code=payload.department or "",
        ),
    )
    return violation_detail_out(access_violation(request.user, violation.pk))


@router.post("/supervision/violations/{violation_id}/dismiss", response=ViolationDetailOut)
def dismiss_violation(
    request: HttpRequest, violation_id: int, payload: ReasonIn
) -> ViolationDetailOut:
    violation = violation_dismiss(
        actor=request.user,
        violation=access_violation(request.user, violation_id),
        reason=payload.reason,
    )
    return violation_detail_out(access_violation(request.user, violation.pk))
