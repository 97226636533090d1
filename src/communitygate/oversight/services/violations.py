"""Violations (违规记录): recorded in the transaction of their cause (an unadmitted task, an
off-platform report, an inspection finding, an overdue delegated payment), then confirmed
against a department with the rule broken, or dismissed with a reason; corrected when the
correction order naming them is accepted (services.notices). Also the look-ups the other
supervision services share (organisations named by code, the acting person's office)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from communitygate.accounts.permissions import supervision_office_ids
from communitygate.audit.recorder import created_fields, record_event
from communitygate.audit.transitions import transition_apply
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied, Problem
from communitygate.core.logmask import mask_personal_data
from communitygate.core.people import AnyUser, acting_user
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.oversight import tasks as background
from communitygate.oversight.models import (
    RuleSources,
    Severities,
    Violation,
    ViolationSources,
)
from communitygate.oversight.workflow import (
    VIOLATION,
)

# Violations, recorded with their cause --------------------------------------------------------


def violation_record(**fields: object) -> Violation:
    """A violation on record (its summary with ID numbers and phones masked: it is shown to
    inspectors, departments and in notifications), its audit event, and the inspectors told."""
    fields["summary"] = mask_personal_data(str(fields.get("summary", "")))[:300]
    now = clock.now()
    violation = Violation.objects.create(created_at=now, updated_at=now, **fields)
    record_event(
        actor=None,
        action="violation.record",
        obj=violation,
        changes=created_fields(
            {
                "source": violation.source,
                "department": violation.department.code if violation.department else None,
                "summary": violation.summary,
            }
        ),
    )
    transaction.on_commit(lambda: background.notify_new_violation.enqueue(violation.pk))
    return violation


def violation_record_for_task(task: object) -> Violation | None:
    """An unadmitted task is a violation from the moment it is sent (whatever the communities do
    with it), with the gate's reasons; an admitted one is none. Called inside task_send's
    transaction (dispatch's `task_sent`)."""
    if getattr(task, "admitted", True):
        return None
    return violation_record(
        source=ViolationSources.UNADMITTED_TASK,
        department_id=task.department_id,  # type: ignore[attr-defined]
        task=task,
        summary=str(task.title)[:300],  # type: ignore[attr-defined]
        reasons=list(task.reasons),  # type: ignore[attr-defined]
        occurred_on=clock.local_date(task.created_at),  # type: ignore[attr-defined]
    )


def violation_record_for_report(report: object) -> Violation:
    """A community's report of work pushed outside the platform (dispatch's
    `off_platform_report_filed`): the department it names, if it named one."""
    return violation_record(
        source=ViolationSources.OFF_PLATFORM_REPORT,
        department_id=report.department_id,  # type: ignore[attr-defined]
        report=report,
        community_id=report.community_id,  # type: ignore[attr-defined]
        summary=str(report.what_was_asked)[:300],  # type: ignore[attr-defined]
        occurred_on=report.occurred_on,  # type: ignore[attr-defined]
    )


def violation_record_for_payment(
    *, department: Organisation, community: Organisation | None, summary: str, occurred_on: dt.date
) -> Violation:
    """A delegated payment not made on time (the money trail calls this in its transaction)."""
    return violation_record(
        source=ViolationSources.PAYMENT_OVERDUE,
        department=department,
        community=community,
        summary=summary[:300],
        occurred_on=occurred_on,
    )


@dataclass(frozen=True)
class Confirmation:
    severity: str
    rule_source: str
    rule_cited: str
    note: str = ""
    department_code: str = ""


def _confirmation_problems(confirmation: Confirmation, violation: Violation) -> list[Problem]:
    problems = []
    if confirmation.severity not in Severities.values:
        problems.append(Problem("请选择严重程度。", "Choose a severity.", field="severity"))
    if confirmation.rule_source not in RuleSources.values:
        problems.append(
            Problem(
                "请选择所违反规定的出处（准入目录、负面清单或准入制度）。",
                "Say where the rule broken is written (catalog, negative list or access system).",
                field="rule_source",
            )
        )
    if not confirmation.rule_cited.strip():
        problems.append(
            Problem("请写明违反的具体规定。", "Cite the rule that was broken.", field="rule_cited")
        )
    if violation.department_id is None and not confirmation.department_code:
        problems.append(
            Problem(
                "请指明责任部门：违规记录须针对一个部门确认。",
                "Name the department: a violation is confirmed against a department.",
                field="department",
            )
        )
    return problems


def department_named(code: str, field: str = "department") -> Organisation:
    department = Organisation.objects.filter(code=code, kind=OrganisationKinds.DEPARTMENT).first()
    if department is None:
        raise InvalidInput(
            [
                Problem(
                    f"没有代码为“{code}”的职能部门。",
                    f"No department has code '{code}'.",
                    field=field,
                )
            ]
        )
    return department


def violation_confirm(
    *, actor: AnyUser, violation: Violation, confirmation: Confirmation
) -> Violation:
    """An inspector confirms a violation: its severity and the rule broken (from the catalog,
    the negative list or the access system); the department is told."""
    VIOLATION.authorise(actor, violation, "confirm")
    problems = _confirmation_problems(confirmation, violation)
    if problems:
        raise InvalidInput(problems)
    values: dict[str, object] = {
        "severity": confirmation.severity,
        "rule_source": confirmation.rule_source,
        "rule_cited": mask_personal_data(confirmation.rule_cited.strip())[:300],
        "decision_note": mask_personal_data(confirmation.note.strip()),
        "decided_by": acting_user(actor),
        "decided_at": clock.now(),
    }
    changes: dict[str, list[object]] = {
        "severity": ["", confirmation.severity],
        "rule_cited": ["", values["rule_cited"]],
    }
    if confirmation.department_code:
        department = department_named(confirmation.department_code)
        values["department"] = department
        changes["department"] = [
            violation.department.code if violation.department else None,
            department.code,
        ]
    with transaction.atomic():
        transition_apply(
            VIOLATION,
            actor=actor,
            subject=violation,
            action="confirm",
            values=values,
            changes=changes,
        )
        transaction.on_commit(lambda: background.notify_confirmed.enqueue(violation.pk))
    return Violation.objects.get(pk=violation.pk)


def violation_dismiss(*, actor: AnyUser, violation: Violation, reason: str) -> Violation:
    VIOLATION.authorise(actor, violation, "dismiss")
    if not reason.strip():
        raise InvalidInput(
            [
                Problem(
                    "请写明不予认定的理由。", "Give the reason for dismissing it.", field="reason"
                )
            ]
        )
    transition_apply(
        VIOLATION,
        actor=actor,
        subject=violation,
        action="dismiss",
        values={
            "decision_note": mask_personal_data(reason.strip()),
            "decided_by": acting_user(actor),
            "decided_at": clock.now(),
        },
        reason=reason.strip(),
    )
    return Violation.objects.get(pk=violation.pk)


def organisations_named(codes: Iterable[str], kind: str, field: str) -> list[Organisation]:
    wanted = list(dict.fromkeys(codes))
    found = {o.code: o for o in Organisation.objects.filter(code__in=wanted, kind=kind)}
    unknown = [code for code in wanted if code not in found]
    if unknown:
        raise InvalidInput(
            [
                Problem(
                    f"无法识别的代码：{'、'.join(unknown[:10])}。",
                    f"Unknown codes: {', '.join(unknown[:10])}.",
                    field=field,
                )
            ]
        )
    return [found[code] for code in wanted]


def office_of(actor: AnyUser, office_code: str) -> Organisation:
    offices = list(
        Organisation.objects.filter(pk__in=supervision_office_ids(actor)).order_by("code")
    )
    chosen = next((o for o in offices if o.code == office_code), None) if office_code else None
    if chosen is None and not office_code and offices:
        chosen = offices[0]
    if chosen is None:
        raise PermissionDenied(
            "只能以本人所在的督查室名义开展检查。",
            "Inspections are planned in the name of your own supervision office.",
        )
    return chosen
