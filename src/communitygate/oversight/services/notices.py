"""District-wide notices (全区通报) and correction orders (限期改正): an inspector drafts a notice
from confirmed violations (and overdue orders to name again), the head of a supervision office
who did not draft it approves, publishing numbers it and makes it public and final, and every
department named gets an order due in working days (core.workdays). The department answers
with a report and evidence; an inspector accepts (its violations are corrected) or returns it;
the daily run marks an unanswered order overdue."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import DateField, F, Max, Value
from django.db.models.functions import Coalesce

from communitygate.audit.recorder import created_fields, record_event
from communitygate.audit.transitions import transition_apply
from communitygate.core import clock
from communitygate.core.errors import (
    InvalidInput,
    PermissionDenied,
    Problem,
    RuleBroken,
    StaleObject,
)
from communitygate.core.idempotency import (
    idempotency_key_checked,
    idempotent_create,
    request_hash,
)
from communitygate.core.logmask import mask_personal_data
from communitygate.core.people import AnyUser, acting_user
from communitygate.core.uploads import FileUpload, attach_files, checked_uploads
from communitygate.oversight import tasks as background
from communitygate.oversight.models import (
    CorrectionOrder,
    Notice,
    NoticeStates,
    OrderEvidence,
    OrderStates,
    Violation,
    ViolationStates,
)
from communitygate.oversight.permissions import can_inspect
from communitygate.oversight.selectors import correction_due_on
from communitygate.oversight.services.violations import office_of
from communitygate.oversight.workflow import (
    NOTICE,
    ORDER,
    VIOLATION,
    DeadlineRun,
    SupervisionStepNotAllowed,
)

# District-wide notices ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeRequest:
    title: str
    facts: str
    rule_broken: str
    correction_required: str
    violation_ids: tuple[int, ...]
    overdue_order_ids: tuple[int, ...] = ()
    correction_workdays: int = 0
    corrects_id: int | None = None
    office_code: str = ""

    def fingerprint(self) -> str:
        return request_hash(
            {
                "title": self.title,
                "facts": self.facts,
                "rule_broken": self.rule_broken,
                "correction_required": self.correction_required,
                "violations": sorted(self.violation_ids),
                "overdue_orders": sorted(self.overdue_order_ids),
                "correction_workdays": self.correction_workdays,
                "corrects": self.corrects_id,
                "office": self.office_code,
            }
        )


def _notice_problems(request: NoticeRequest) -> list[Problem]:
    problems = [
        Problem(zh, en, field=field)
        for field, value, zh, en in (
            ("title", request.title, "请填写通报标题。", "Give the notice a title."),
            ("facts", request.facts, "请写明违规事实。", "State the facts."),
            ("rule_broken", request.rule_broken, "请写明违反的规定。", "State the rule broken."),
            (
                "correction_required",
                request.correction_required,
                "请写明整改要求。",
                "State the correction required.",
            ),
        )
        if not value.strip()
    ]
    if not request.violation_ids and not request.overdue_order_ids and request.corrects_id is None:
        problems.append(
            Problem(
                "通报须点名至少一条已确认的违规记录或逾期未整改的通知。",
                "A notice names at least one confirmed violation or overdue order.",
                field="violations",
            )
        )
    if request.correction_workdays and not 1 <= request.correction_workdays <= 60:
        problems.append(
            Problem(
                "整改期限须为 1 至 60 个工作日。",
                "The correction deadline is 1 to 60 working days.",
                field="correction_workdays",
            )
        )
    return problems


def _named_violations(ids: Iterable[int]) -> list[Violation]:
    """The violations a notice names: confirmed, and named by no published notice yet (each
    violation is named, and ordered corrected, once)."""
    wanted = list(dict.fromkeys(ids))
    found = {
        v.pk: v
        for v in Violation.objects.filter(pk__in=wanted, state=ViolationStates.CONFIRMED)
        .exclude(notices__state=NoticeStates.PUBLISHED)
        .select_related("department")
    }
    problems = [
        Problem(
            f"违规记录 {pk} 不存在、尚未确认或已被通报：通报只点名尚未通报的已确认违规。",
            f"Violation {pk} does not exist, is not confirmed or was already named in a notice: "
            "notices name confirmed violations not named before.",
            field="violations",
        )
        for pk in wanted
        if pk not in found
    ]
    if problems:
        raise InvalidInput(problems)
    return [found[pk] for pk in wanted]


def _overdue_orders(ids: Iterable[int]) -> list[CorrectionOrder]:
    wanted = list(dict.fromkeys(ids))
    found = {
        o.pk: o
        for o in CorrectionOrder.objects.filter(pk__in=wanted, state=OrderStates.OVERDUE).exclude(
            named_again_in__state=NoticeStates.PUBLISHED
        )
    }
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise InvalidInput(
            [
                Problem(
                    f"整改通知 {pk} 不存在、未逾期或已被再次点名。",
                    f"Correction order {pk} does not exist, is not overdue or was already named again.",
                    field="overdue_orders",
                )
                for pk in missing
            ]
        )
    return [found[pk] for pk in wanted]


def notice_draft(*, actor: AnyUser, request: NoticeRequest, idempotency_key: str = "") -> Notice:
    """An inspector drafts a notice from confirmed violations (and overdue orders to name
    again); the departments named are theirs."""
    user = acting_user(actor)
    if user is None or not can_inspect(actor):
        raise PermissionDenied(
            "只有督查室可以起草通报。", "Only a supervision office drafts notices."
        )
    office = office_of(actor, request.office_code)
    problems = _notice_problems(request)
    if problems:
        raise InvalidInput(problems)
    violations = _named_violations(request.violation_ids)
    orders = _overdue_orders(request.overdue_order_ids)
    corrects = None
    if request.corrects_id is not None:
        corrects = Notice.objects.filter(
            pk=request.corrects_id, state=NoticeStates.PUBLISHED
        ).first()
        if corrects is None:
            raise InvalidInput(
                [
                    Problem(
                        "被更正的通报须是已发布的通报。",
                        "The notice corrected must be a published one.",
                        field="corrects",
                    )
                ]
            )
    department_ids = sorted(
        {v.department_id for v in violations if v.department_id} | {o.department_id for o in orders}
    )
    key = idempotency_key_checked(idempotency_key)
    fingerprint = request.fingerprint()
    same_key = Notice.objects.filter(drafted_by=user, idempotency_key=key)

    def create() -> Notice:
        now = clock.now()
        with transaction.atomic():
            notice = Notice.objects.create(
                title=mask_personal_data(request.title.strip())[:200],
                facts=mask_personal_data(request.facts.strip()),
                rule_broken=mask_personal_data(request.rule_broken.strip()),
                correction_required=mask_personal_data(request.correction_required.strip()),
                correction_workdays=request.correction_workdays
                or int(settings.COMMUNITYGATE["CORRECTION_WORKDAYS"]),
                office=office,
                corrects=corrects,
                drafted_by=user,
                created_at=now,
                updated_at=now,
                idempotency_key=key,
                request_hash=fingerprint,
            )
            notice.violations.set(violations)
            notice.overdue_orders.set(orders)
            notice.departments.set(department_ids)
            record_event(
                actor=user,
                action="notice.draft",
                obj=notice,
                changes=created_fields(
                    {
                        "title": notice.title,
                        "violations": [v.pk for v in violations],
                        "overdue_orders": [o.pk for o in orders],
                        "departments": department_ids,
                        "corrects": corrects.number if corrects else None,
                    }
                ),
            )
        return notice

    return idempotent_create(key=key, fingerprint=fingerprint, same_key=same_key, create=create)


def notice_approve(*, actor: AnyUser, notice: Notice) -> Notice:
    """The head of a supervision office approves a draft; never the person who drafted it."""
    transition_apply(
        NOTICE,
        actor=actor,
        subject=notice,
        action="approve",
        values={"approved_by": acting_user(actor), "approved_at": clock.now()},
    )
    return Notice.objects.get(pk=notice.pk)


def notice_return(*, actor: AnyUser, notice: Notice, reason: str) -> Notice:
    NOTICE.authorise(actor, notice, "return")
    if not reason.strip():
        raise InvalidInput([Problem("请写明退回的理由。", "Give the reason.", field="reason")])
    transition_apply(
        NOTICE,
        actor=actor,
        subject=notice,
        action="return",
        values={"approved_by": None, "approved_at": None},
        reason=reason.strip(),
    )
    return Notice.objects.get(pk=notice.pk)


def notice_withdraw(*, actor: AnyUser, notice: Notice, reason: str) -> Notice:
    NOTICE.authorise(actor, notice, "withdraw")
    if not reason.strip():
        raise InvalidInput([Problem("请写明撤回的理由。", "Give the reason.", field="reason")])
    transition_apply(NOTICE, actor=actor, subject=notice, action="withdraw", reason=reason.strip())
    return Notice.objects.get(pk=notice.pk)


def notice_number(year: int, sequence: int) -> str:
    """市北督通〔2026〕3号: the prefix (COMMUNITYGATE["NOTICE_NUMBER_PREFIX"]), the year, the n-th."""
    return f"{settings.COMMUNITYGATE['NOTICE_NUMBER_PREFIX']}〔{year}〕{sequence}号"


def _next_sequence(year: int) -> int:
    last = Notice.objects.filter(year=year).aggregate(last=Max("sequence"))["last"]
    return (last or 0) + 1


def notice_publish(*, actor: AnyUser, notice: Notice) -> Notice:
    """Publish an approved notice: it takes the year's next number, becomes public and final,
    every department, subdistrict and community is told, and each department named gets a
    correction order due in working days (core.workdays: a year nobody entered refuses)."""
    NOTICE.authorise(actor, notice, "publish")
    today = clock.today()
    due_on = correction_due_on(notice, today)
    for attempt in range(3):
        try:
            with transaction.atomic():
                sequence = _next_sequence(today.year)
                transition_apply(
                    NOTICE,
                    actor=actor,
                    subject=notice,
                    action="publish",
                    values={
                        "year": today.year,
                        "sequence": sequence,
                        "number": notice_number(today.year, sequence),
                        "published_by": acting_user(actor),
                        "published_at": clock.now(),
                        "published_on": today,
                    },
                    changes={"number": [None, notice_number(today.year, sequence)]},
                )
                _still_nameable(notice)
                _issue_orders(notice, issued_on=today, due_on=due_on)
                transaction.on_commit(lambda: background.notify_published.enqueue(notice.pk))
            break
        except IntegrityError:
            if attempt == 2:
                raise
    return Notice.objects.get(pk=notice.pk)


def _still_nameable(notice: Notice) -> None:
    """At publication, under lock: every violation the notice names is still confirmed and named
    by no other published notice, and every overdue order it names again is still overdue and not
    named again elsewhere (two drafts naming the same violation: the second to publish is refused,
    so no violation gets two orders)."""
    violation_ids = list(notice.violations.values_list("pk", flat=True))
    order_ids = list(notice.overdue_orders.values_list("pk", flat=True))
    list(Violation.objects.select_for_update().filter(pk__in=violation_ids).values_list("pk"))
    list(CorrectionOrder.objects.select_for_update().filter(pk__in=order_ids).values_list("pk"))
    others = Notice.objects.filter(state=NoticeStates.PUBLISHED).exclude(pk=notice.pk)
    if (
        others.filter(violations__in=violation_ids).exists()
        or others.filter(overdue_orders__in=order_ids).exists()
    ):
        raise AlreadyNamed()
    if (
        Violation.objects.filter(pk__in=violation_ids)
        .exclude(state=ViolationStates.CONFIRMED)
        .exists()
    ):
        raise AlreadyNamed()
    if CorrectionOrder.objects.filter(pk__in=order_ids).exclude(state=OrderStates.OVERDUE).exists():
        raise AlreadyNamed()


class AlreadyNamed(RuleBroken):
    code = "notice_names_moved_on"

    def __init__(self) -> None:
        super().__init__(
            "通报点名的违规记录或整改通知已被其他通报点名，或状态已改变：请退回草稿并修改。",
            "A violation or order this notice names was named by another notice or has changed "
            "since: return the draft and revise it.",
        )


def _issue_orders(notice: Notice, *, issued_on: dt.date, due_on: dt.date) -> None:
    violations_by_department: dict[int, list[int]] = {}
    for violation_id, department_id in notice.violations.values_list("pk", "department_id"):
        violations_by_department.setdefault(department_id, []).append(violation_id)
    for department_id in notice.departments.values_list("pk", flat=True):
        order = CorrectionOrder.objects.create(
            notice=notice,
            department_id=department_id,
            issued_on=issued_on,
            due_on=due_on,
            updated_at=clock.now(),
        )
        order.violations.set(violations_by_department.get(department_id, []))
        record_event(
            actor=None,
            action="correction_order.issue",
            obj=order,
            changes=created_fields(
                {"notice": notice.pk, "department": department_id, "due_on": due_on.isoformat()}
            ),
        )


# Correction orders --------------------------------------------------------------------------------


def order_respond(
    *,
    actor: AnyUser,
    order: CorrectionOrder,
    response: str,
    evidence: list[FileUpload] | None = None,
) -> CorrectionOrder:
    """The department answers its order with a correction report and evidence (late answers
    are taken too; they are not on time)."""
    ORDER.authorise(actor, order, "respond")
    if not response.strip():
        raise InvalidInput(
            [Problem("请填写整改报告。", "Write the correction report.", field="response")]
        )
    checked = checked_uploads(evidence)
    now = clock.now()
    values: dict[str, object] = {
        "response": mask_personal_data(response.strip()),
        "responded_by": acting_user(actor),
        "responded_at": now,
        "return_reason": "",
        # The first answer's date is kept: in the UPDATE itself, whatever `order` says.
        "first_answered_on": Coalesce(
            F("first_answered_on"), Value(clock.local_date(now), output_field=DateField())
        ),
    }
    with transaction.atomic():
        transition_apply(ORDER, actor=actor, subject=order, action="respond", values=values)
        attach_files(OrderEvidence, "order", order, checked)
        answered = CorrectionOrder.objects.get(pk=order.pk)
        transaction.on_commit(
            lambda: background.notify_answered.enqueue(answered.pk, answered.revision)
        )
    return answered


def order_accept(*, actor: AnyUser, order: CorrectionOrder) -> CorrectionOrder:
    """The inspector accepts the correction: the order's violations are corrected; on time when
    first answered by the deadline."""
    ORDER.authorise(actor, order, "accept")
    now = clock.now()
    with transaction.atomic():
        # From the row as it is now, locked: `order` may have been read before it was answered.
        first_answered_on, due_on = (
            CorrectionOrder.objects.select_for_update()
            .values_list("first_answered_on", "due_on")
            .get(pk=order.pk)
        )
        on_time = first_answered_on is not None and first_answered_on <= due_on
        transition_apply(
            ORDER,
            actor=actor,
            subject=order,
            action="accept",
            values={
                "decided_by": acting_user(actor),
                "decided_at": now,
                "accepted_on_time": on_time,
            },
            changes={"accepted_on_time": [None, on_time]},
        )
        for violation in order.violations.filter(state=ViolationStates.CONFIRMED):
            transition_apply(
                VIOLATION,
                actor=actor,
                subject=violation,
                action="correct",
                values={"corrected_at": now},
            )
    return CorrectionOrder.objects.get(pk=order.pk)


def order_return(*, actor: AnyUser, order: CorrectionOrder, reason: str) -> CorrectionOrder:
    ORDER.authorise(actor, order, "return")
    if not reason.strip():
        raise InvalidInput(
            [Problem("请写明退回的理由。", "Say why the report is returned.", field="reason")]
        )
    with transaction.atomic():
        transition_apply(
            ORDER,
            actor=actor,
            subject=order,
            action="return",
            values={
                "return_reason": mask_personal_data(reason.strip()),
                "decided_by": acting_user(actor),
                "decided_at": clock.now(),
            },
            reason=reason.strip(),
        )
        returned = CorrectionOrder.objects.get(pk=order.pk)
        transaction.on_commit(
            lambda: background.notify_returned.enqueue(returned.pk, returned.revision)
        )
    return returned


def _after_commit_notify_overdue(order: CorrectionOrder) -> None:
    lapsed = CorrectionOrder.objects.get(pk=order.pk)
    transaction.on_commit(lambda: background.notify_overdue.enqueue(lapsed.pk, lapsed.revision))


def orders_lapse(today: dt.date | None = None) -> int:
    """Mark every order past its deadline and not answered as overdue (the daily run); the
    department and the inspectors are told. How many lapsed."""
    today = today or clock.today()
    run = DeadlineRun()
    lapsed = 0
    for order in CorrectionOrder.objects.filter(
        state__in=[OrderStates.ISSUED, OrderStates.RETURNED], due_on__lt=today
    ).order_by("pk"):
        try:
            with transaction.atomic():
                transition_apply(
                    ORDER, actor=run, subject=order, action="lapse", values={"overdue_since": today}
                )
                _after_commit_notify_overdue(order)
        except (SupervisionStepNotAllowed, StaleObject):
            continue  # answered while the run went by: not overdue; the others still lapse
        lapsed += 1
    return lapsed
