"""Purchase of services (政府购买服务): the buyer drafts a contract (from scratch, or from an
application the office redirected to purchase of services), signs it, and accepts it (验收) with
an evaluation once every deliverable is handed in, or terminates it; the social organisation
hands in deliverables with their files and confirms the instalments it received; the buyer
records instalments; a department hands a task its community refused to a social organisation
under one of its signed contracts. Every change is audited in its own transaction."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum

from communitygate.accounts.permissions import department_staff_ids
from communitygate.admissions.models import Application, ApplicationStatuses
from communitygate.audit.recorder import created_fields, record_event
from communitygate.audit.transitions import transition_apply
from communitygate.catalog.models import CatalogItem
from communitygate.contracts.models import (
    Contract,
    ContractDeliverable,
    ContractInstalment,
    ContractStates,
    DeliverableFile,
    DeliverableStates,
    Grades,
    RedirectedWork,
)
from communitygate.contracts.permissions import buyer_ids, is_buyer_of
from communitygate.contracts.workflow import CONTRACT, DELIVERABLE, INSTALMENT
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied, Problem, RuleBroken
from communitygate.core.idempotency import (
    idempotency_key_checked,
    idempotent_create,
    request_hash,
)
from communitygate.core.money import parse_yuan
from communitygate.core.people import AnyUser, acting_user
from communitygate.core.uploads import FileUpload, attach_files, checked_uploads
from communitygate.dispatch.models import Assignment, AssignmentStates
from communitygate.orgs.models import Organisation, OrganisationKinds

# Refusals -----------------------------------------------------------------------------------------


class ContractNumberUsed(RuleBroken):
    code = "contract_number_used"
    status = 409

    def __init__(self, number: str) -> None:
        super().__init__(
            f"合同编号“{number}”已用于本单位的另一份合同。",
            f"Contract number '{number}' is already used by another of your contracts.",
        )


class ApplicationNotRedirected(RuleBroken):
    code = "application_not_redirected"
    status = 409

    def __init__(self) -> None:
        super().__init__(
            "只有转为政府购买服务的申请才能拟定合同，且须由申请部门拟定。",
            "Only an application redirected to purchase of services becomes a contract, "
            "drafted by the department that applied.",
        )


class ApplicationAlreadyContracted(RuleBroken):
    code = "application_already_contracted"
    status = 409

    def __init__(self) -> None:
        super().__init__(
            "该申请已有一份未终止的购买服务合同。",
            "The application already has a contract that is not terminated.",
        )


class DeliverablesOutstanding(RuleBroken):
    code = "deliverables_outstanding"
    status = 409

    def __init__(self, titles: list[str]) -> None:
        listed = "、".join(titles[:5])
        super().__init__(
            f"还有成果未提交（{listed}），全部提交后才能验收。",
            f"Deliverables are still due ({', '.join(titles[:5])}); accept once all are in.",
        )


class InstalmentBeyondAmount(RuleBroken):
    code = "instalment_beyond_amount"
    status = 409

    def __init__(self, amount: Decimal, paid: Decimal, asked: Decimal) -> None:
        super().__init__(
            f"合同金额 ¥{amount}，已付 ¥{paid}，本次 ¥{asked} 将超出合同金额。"
            "如确需超额支付，请勾选“超出合同金额”并说明理由后重新提交。",
            f"The contract is for ¥{amount} and ¥{paid} is paid; ¥{asked} more would exceed "
            "it. To pay beyond the amount on purpose, flag it with a note and send it again.",
        )


class ContractNotPayable(RuleBroken):
    code = "contract_not_payable"
    status = 409

    def __init__(self) -> None:
        super().__init__(
            "只能按已签订或已验收的合同付款。",
            "Instalments are paid under a signed or accepted contract only.",
        )


class VoucherNumberUsed(RuleBroken):
    code = "voucher_number_used"
    status = 409

    def __init__(self, number: str) -> None:
        super().__init__(
            f"凭证号“{number}”已用于本单位的另一笔合同付款。",
            f"Voucher number '{number}' is already used by another of your instalments.",
        )


class AssignmentNotRefused(RuleBroken):
    code = "assignment_not_refused"
    status = 409

    def __init__(self) -> None:
        super().__init__(
            "只有社区已拒绝的派单才能转由购买服务承接。",
            "Only an assignment its community refused can be redirected to purchase of services.",
        )


class ContractDoesNotCover(RuleBroken):
    code = "contract_does_not_cover"
    status = 409

    def __init__(self) -> None:
        super().__init__(
            "只能转给本部门已签订生效、且服务范围包括该社区的合同。",
            "Redirect to a signed contract of your department that serves this community.",
        )


class AlreadyRedirected(RuleBroken):
    code = "assignment_already_redirected"
    status = 409

    def __init__(self) -> None:
        super().__init__(
            "该派单已转由购买服务承接。",
            "This assignment is already redirected to purchase of services.",
        )


# Inputs -------------------------------------------------------------------------------------------


def _amount_problem(field_name: str = "amount") -> Problem:
    return Problem(
        "金额须为大于零的数字（元，最多两位小数），例如 1234.50。",
        "The amount must be a positive number of yuan with at most two decimals, e.g. 1234.50.",
        field=field_name,
    )


def _text_problem(value: str, limit: int, zh: str, en: str, field_name: str) -> Problem | None:
    if not value.strip():
        return Problem(f"请填写{zh}。", f"Give the {en}.", field=field_name)
    if len(value.strip()) > limit:
        return Problem(
            f"{zh}不能超过{limit}个字符。",
            f"The {en} is longer than {limit} characters.",
            field=field_name,
        )
    return None


@dataclass(frozen=True)
class DeliverableRequest:
    title: str
    due_on: dt.date


@dataclass(frozen=True)
class ContractRequest:
    number: str
    title: str
    social_org_code: str
    amount: str
    period_start: dt.date | None
    period_end: dt.date | None
    community_codes: tuple[str, ...]
    deliverables: tuple[DeliverableRequest, ...]
    item_codes: tuple[str, ...] = ()
    scope: str = ""
    buyer_code: str = ""
    application_id: int | None = None

    def fingerprint(self) -> str:
        return request_hash(
            {
                "number": self.number.strip(),
                "title": self.title.strip(),
                "social_org": self.social_org_code,
                "amount": self.amount,
                "period_start": self.period_start.isoformat() if self.period_start else None,
                "period_end": self.period_end.isoformat() if self.period_end else None,
                "communities": sorted(self.community_codes),
                "items": sorted(self.item_codes),
                "deliverables": [
                    [d.title.strip(), d.due_on.isoformat()] for d in self.deliverables
                ],
                "scope": self.scope.strip(),
                "buyer": self.buyer_code,
                "application": self.application_id,
            }
        )


@dataclass
class _Checked:
    buyer: Organisation
    social_org: Organisation
    amount: Decimal
    period_start: dt.date
    period_end: dt.date
    communities: list[Organisation] = field(default_factory=list)
    items: list[CatalogItem] = field(default_factory=list)
    application: Application | None = None


def _buyer_of(actor: AnyUser, code: str) -> Organisation:
    """The organisation the actor drafts for: the one named, else their only one."""
    mine = Organisation.objects.filter(pk__in=buyer_ids(actor)).order_by("code")
    if code:
        buyer = mine.filter(code=code).first()
        if buyer is None:
            raise PermissionDenied(
                "只能以本人所在的部门或街道名义购买服务。",
                "You buy services only for your own department or subdistrict.",
            )
        return buyer
    buyers = list(mine[:2])
    if not buyers:
        raise PermissionDenied(
            "只有部门（科员或负责人）或街道工作人员可以拟定购买服务合同。",
            "Only a department's clerk or head, or a subdistrict's officer, drafts contracts.",
        )
    if len(buyers) > 1:
        raise InvalidInput(
            [
                Problem(
                    "您在多个单位任职，请指明购买方。",
                    "You act for several organisations: name the buyer.",
                    field="buyer",
                )
            ]
        )
    return buyers[0]


def _check_request(buyer: Organisation, request: ContractRequest) -> _Checked:
    problems: list[Problem] = []
    for value, limit, zh, en, name in (
        (request.number, 64, "合同编号", "contract number", "number"),
        (request.title, 200, "合同名称", "title", "title"),
    ):
        problem = _text_problem(value, limit, zh, en, name)
        if problem is not None:
            problems.append(problem)
    amount = parse_yuan(request.amount)
    if amount is None:
        problems.append(_amount_problem())
    start, end = request.period_start, request.period_end
    if start is None or end is None:
        problems.append(
            Problem("请填写服务期限。", "Give the contract's period.", field="period_start")
        )
    elif end < start:
        problems.append(
            Problem(
                "服务期限的结束日期早于开始日期。",
                "The period ends before it starts.",
                field="period_end",
            )
        )
    social_org = Organisation.objects.filter(
        code=request.social_org_code, kind=OrganisationKinds.SOCIAL_ORG
    ).first()
    if social_org is None:
        problems.append(
            Problem(
                f"社会组织代码无效：{request.social_org_code[:40] or '（空）'}",
                f"Unknown social organisation: {request.social_org_code[:40] or '(none)'}",
                field="social_org",
            )
        )
    codes = sorted(set(request.community_codes))
    communities = list(
        Organisation.objects.filter(code__in=codes, kind=OrganisationKinds.COMMUNITY).order_by(
            "code"
        )
    )
    unknown = sorted(set(codes) - {c.code for c in communities})
    if not codes:
        problems.append(
            Problem(
                "请至少选择一个服务社区。",
                "Name at least one community served.",
                field="communities",
            )
        )
    elif unknown:
        problems.append(
            Problem(
                f"社区代码无效：{'、'.join(unknown[:5])}",
                f"Unknown communities: {', '.join(unknown[:5])}",
                field="communities",
            )
        )
    elif buyer.kind == OrganisationKinds.SUBDISTRICT:
        outside = [c.code for c in communities if not c.path.startswith(f"{buyer.path}/")]
        if outside:
            problems.append(
                Problem(
                    f"街道只能为辖区内的社区购买服务：{'、'.join(outside[:5])}",
                    f"A subdistrict buys services for its own communities only: "
                    f"{', '.join(outside[:5])}",
                    field="communities",
                )
            )
    item_codes = sorted(set(request.item_codes))
    items = list(CatalogItem.objects.filter(code__in=item_codes).order_by("code"))
    unknown_items = sorted(set(item_codes) - {i.code for i in items})
    if unknown_items:
        problems.append(
            Problem(
                f"事项编码无效：{'、'.join(unknown_items[:5])}",
                f"Unknown catalog items: {', '.join(unknown_items[:5])}",
                field="catalog_items",
            )
        )
    if not request.deliverables:
        problems.append(
            Problem(
                "请至少列出一项应交成果。",
                "List at least one deliverable.",
                field="deliverables",
            )
        )
    for deliverable in request.deliverables:
        problem = _text_problem(deliverable.title, 200, "成果名称", "deliverable", "deliverables")
        if problem is not None:
            problems.append(problem)
        if start is not None and end is not None and not start <= deliverable.due_on <= end:
            problems.append(
                Problem(
                    f"成果“{deliverable.title[:40]}”的提交期限须在服务期限之内。",
                    f"Deliverable '{deliverable.title[:40]}' must fall due within the period.",
                    field="deliverables",
                )
            )
    if problems:
        raise InvalidInput(problems)
    assert amount is not None and social_org is not None and start and end
    return _Checked(
        buyer=buyer,
        social_org=social_org,
        amount=amount,
        period_start=start,
        period_end=end,
        communities=communities,
        items=items,
    )


def _application_for(buyer: Organisation, application_id: int | None) -> Application | None:
    if application_id is None:
        return None
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        raise InvalidInput(
            [Problem("没有这份申请。", "There is no such application.", field="application")]
        )
    if application.status != ApplicationStatuses.REDIRECTED or application.applicant_id != buyer.pk:
        raise ApplicationNotRedirected()
    return application


# Drafting -----------------------------------------------------------------------------------------


def contract_draft(
    *, actor: AnyUser, request: ContractRequest, idempotency_key: str = ""
) -> Contract:
    """The buyer's clerk or head (or a subdistrict's officer) drafts a contract with a social
    organisation, with its deliverables; with `application_id`, for a redirected application of
    the department. Send an Idempotency-Key to retry safely."""
    user = acting_user(actor)
    buyer = _buyer_of(actor, request.buyer_code)
    if user is None:
        raise PermissionDenied("请先登录。", "Sign in first.")
    key = idempotency_key_checked(idempotency_key)
    checked = _check_request(buyer, request)
    checked.application = _application_for(buyer, request.application_id)
    fingerprint = request.fingerprint()
    number = request.number.strip()
    same_key = Contract.objects.filter(created_by=user, idempotency_key=key)

    def create() -> Contract:
        now = clock.now()
        with transaction.atomic():
            if Contract.objects.filter(buyer=buyer, number=number).exists():
                raise ContractNumberUsed(number)
            live = Contract.objects.filter(application=checked.application).exclude(
                state=ContractStates.TERMINATED
            )
            if checked.application is not None and live.exists():
                raise ApplicationAlreadyContracted()
            try:
                with transaction.atomic():
                    contract = Contract.objects.create(
                        number=number,
                        title=request.title.strip(),
                        buyer=buyer,
                        social_org=checked.social_org,
                        application=checked.application,
                        amount=checked.amount,
                        period_start=checked.period_start,
                        period_end=checked.period_end,
                        scope=request.scope.strip(),
                        created_by=user,
                        created_at=now,
                        updated_at=now,
                        idempotency_key=key,
                        request_hash=fingerprint,
                    )
            except IntegrityError:
                if key and same_key.exists():
                    raise
                if checked.application is not None and live.exists():
                    raise ApplicationAlreadyContracted() from None
                raise ContractNumberUsed(number) from None
            contract.communities.set(checked.communities)
            contract.catalog_items.set(checked.items)
            ContractDeliverable.objects.bulk_create(
                ContractDeliverable(
                    contract=contract,
                    title=d.title.strip(),
                    due_on=d.due_on,
                    updated_at=now,
                )
                for d in request.deliverables
            )
            record_event(
                actor=user,
                action="contract.draft",
                obj=contract,
                changes=created_fields(
                    {
                        "number": number,
                        "title": contract.title,
                        "buyer": buyer.code,
                        "social_org": checked.social_org.code,
                        "application": checked.application.number if checked.application else None,
                        "amount": checked.amount,
                        "period_start": checked.period_start,
                        "period_end": checked.period_end,
                        "communities": [c.code for c in checked.communities],
                        "catalog_items": [i.code for i in checked.items],
                        "deliverables": [
                            f"{d.title.strip()} ({d.due_on.isoformat()})"
                            for d in request.deliverables
                        ],
                    }
                ),
            )
        return contract

    return idempotent_create(key=key, fingerprint=fingerprint, same_key=same_key, create=create)


def contract_request_from_application(application: Application) -> ContractRequest:
    """What a contract for a redirected application starts from: the application's social
    organisation, its target communities (all communities when it targeted all), its item name,
    its period (a year from its start when open-ended), its funding per community times the
    communities, and one final report due at the period's end. The buyer adds its number."""
    if application.targets_all:
        communities = tuple(
            Organisation.objects.filter(kind=OrganisationKinds.COMMUNITY, active_to__isnull=True)
            .order_by("code")
            .values_list("code", flat=True)
        )
    else:
        communities = tuple(
            application.target_communities.order_by("code").values_list("code", flat=True)
        )
    end = application.ends_on or application.starts_on.replace(
        year=application.starts_on.year + 1
    ) - dt.timedelta(days=1)
    per_community = application.funding_per_community or Decimal("0")
    total = (per_community * len(communities)).quantize(Decimal("0.01"))
    social_org = application.proposed_social_org
    return ContractRequest(
        number="",
        title=application.item_name,
        social_org_code=social_org.code if social_org is not None else "",
        amount=str(total) if total > 0 else "",
        period_start=application.starts_on,
        period_end=end,
        community_codes=communities,
        deliverables=(DeliverableRequest("服务总结报告", end),),
        scope=application.community_duty,
        buyer_code="",
        application_id=application.pk,
    )


def contract_request_completed(request: ContractRequest) -> ContractRequest:
    """A request naming a redirected application, with what it leaves out taken from the
    application (`contract_request_from_application`); any other request as it is."""
    if request.application_id is None:
        return request
    application = Application.objects.filter(pk=request.application_id).first()
    if application is None:
        return request  # contract_draft answers "no such application"
    base = contract_request_from_application(application)
    return ContractRequest(
        number=request.number,
        title=request.title or base.title,
        social_org_code=request.social_org_code or base.social_org_code,
        amount=request.amount or base.amount,
        period_start=request.period_start or base.period_start,
        period_end=request.period_end or base.period_end,
        community_codes=request.community_codes or base.community_codes,
        deliverables=request.deliverables or base.deliverables,
        item_codes=request.item_codes,
        scope=request.scope or base.scope,
        buyer_code=request.buyer_code,
        application_id=application.pk,
    )


def contract_draft_from_application(
    *, actor: AnyUser, application: Application, number: str, idempotency_key: str = ""
) -> Contract:
    """A redirected application becomes a contract draft, filled from the application."""
    prefilled = contract_request_from_application(application)
    request = ContractRequest(
        **{
            **prefilled.__dict__,
            "number": number,
            "buyer_code": application.applicant.code,
        }
    )
    if application.applicant_id not in buyer_ids(actor):
        raise ApplicationNotRedirected()
    return contract_draft(actor=actor, request=request, idempotency_key=idempotency_key)


# The contract's steps -----------------------------------------------------------------------------


def contract_sign(*, actor: AnyUser, contract: Contract, signed_on: dt.date) -> Contract:
    """The buyer records the contract signed (in force from then)."""
    CONTRACT.authorise(actor, contract, "sign")
    if signed_on > clock.today():
        raise InvalidInput(
            [
                Problem(
                    "签订日期不能晚于今天。",
                    "The signing date is in the future.",
                    field="signed_on",
                )
            ]
        )
    transition_apply(
        CONTRACT,
        actor=actor,
        subject=contract,
        action="sign",
        values={"signed_on": signed_on},
        changes={"signed_on": [None, signed_on.isoformat()]},
    )
    contract.refresh_from_db()
    return contract


def contract_terminate(*, actor: AnyUser, contract: Contract, reason: str) -> Contract:
    """The buyer ends a draft or a contract in force, with the reason."""
    CONTRACT.authorise(actor, contract, "terminate")
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            [Problem("请说明终止的理由。", "Give the reason for terminating.", field="reason")]
        )
    transition_apply(
        CONTRACT,
        actor=actor,
        subject=contract,
        action="terminate",
        values={"termination_reason": reason},
        reason=reason,
    )
    contract.refresh_from_db()
    return contract


def contract_accept(*, actor: AnyUser, contract: Contract, grade: str, evaluation: str) -> Contract:
    """The buyer's acceptance (验收) of a contract in force, once every deliverable is handed in,
    with a grade and remarks. 优秀, 良好, 合格 accept it (final); 不合格 records the failed
    evaluation and sends every deliverable back to be handed in again."""
    action = "fail_acceptance" if grade == Grades.FAIL else "accept"
    CONTRACT.authorise(actor, contract, action)
    problems = []
    if grade not in Grades.values:
        problems.append(
            Problem(
                "请选择验收评价等级（优秀、良好、合格、不合格）。",
                "Choose the evaluation grade (excellent, good, pass, fail).",
                field="grade",
            )
        )
    if not evaluation.strip():
        problems.append(
            Problem("请填写验收评价意见。", "Give the evaluation remarks.", field="evaluation")
        )
    if problems:
        raise InvalidInput(problems)
    evaluation = evaluation.strip()
    with transaction.atomic():
        outstanding = list(
            contract.deliverables.exclude(state=DeliverableStates.SUBMITTED).values_list(
                "title", flat=True
            )
        )
        if outstanding and contract.state == ContractStates.SIGNED:
            raise DeliverablesOutstanding(outstanding)
        transition_apply(
            CONTRACT,
            actor=actor,
            subject=contract,
            action=action,
            values={
                "evaluation_grade": grade,
                "evaluation": evaluation,
                "accepted_by": acting_user(actor),
                "accepted_at": clock.now() if action == "accept" else None,
            },
            changes={
                "evaluation_grade": [contract.evaluation_grade, grade],
                "evaluation": [contract.evaluation, evaluation],
            },
            reason=evaluation,
        )
        if action == "fail_acceptance":
            for deliverable in contract.deliverables.select_related("contract"):
                transition_apply(
                    DELIVERABLE,
                    actor=actor,
                    subject=deliverable,
                    action="reopen",
                    reason=evaluation,
                )
    contract.refresh_from_db()
    return contract


# Deliverables -------------------------------------------------------------------------------------


def deliverable_submit(
    *,
    actor: AnyUser,
    deliverable: ContractDeliverable,
    note: str = "",
    files: list[FileUpload] | None = None,
) -> ContractDeliverable:
    """The social organisation hands in a deliverable: a note, files, or both."""
    DELIVERABLE.authorise(actor, deliverable, "submit")
    note = note.strip()
    if not note and not files:
        raise InvalidInput(
            [
                Problem(
                    "请填写成果说明或上传文件。",
                    "Describe the deliverable or upload its files.",
                    field="file",
                )
            ]
        )
    checked = checked_uploads(files)
    user = acting_user(actor)
    now = clock.now()
    with transaction.atomic():
        transition_apply(
            DELIVERABLE,
            actor=actor,
            subject=deliverable,
            action="submit",
            values={"note": note, "submitted_by": user, "submitted_at": now},
            changes={
                "note": [deliverable.note, note],
                "files": [None, [upload.filename for upload, _content in checked]],
            },
        )
        attach_files(
            DeliverableFile,
            "deliverable",
            deliverable,
            checked,
            uploaded_by=user,
            uploaded_at=now,
        )
    deliverable.refresh_from_db()
    return deliverable


# Instalments --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InstalmentRequest:
    amount: str
    paid_on: dt.date
    voucher_number: str
    beyond_amount: bool = False
    note: str = ""

    def fingerprint(self, contract_id: int) -> str:
        return request_hash(
            {
                "contract": contract_id,
                "amount": self.amount,
                "paid_on": self.paid_on.isoformat(),
                "voucher_number": self.voucher_number.strip(),
                "beyond_amount": self.beyond_amount,
                "note": self.note.strip(),
            }
        )


def paid_under(contract: Contract) -> Decimal:
    total = ContractInstalment.objects.filter(contract=contract).aggregate(total=Sum("amount"))
    return Decimal(total["total"] or 0).quantize(Decimal("0.01"))


def instalment_record(
    *,
    actor: AnyUser,
    contract: Contract,
    request: InstalmentRequest,
    idempotency_key: str = "",
) -> ContractInstalment:
    """The buyer records an instalment paid under a signed or accepted contract. Beyond what
    the contract leaves unpaid only when flagged with a note (kept, for the auditor to see)."""
    user = acting_user(actor)
    if user is None or not is_buyer_of(actor, contract):
        raise PermissionDenied(
            "只有购买方可以登记合同付款。", "Only the buyer records the contract's instalments."
        )
    key = idempotency_key_checked(idempotency_key)
    amount = parse_yuan(request.amount)
    problems = []
    if amount is None:
        problems.append(_amount_problem())
    voucher_problem = _text_problem(
        request.voucher_number, 64, "凭证号", "voucher number", "voucher_number"
    )
    if voucher_problem is not None:
        problems.append(voucher_problem)
    if request.paid_on > clock.today():
        problems.append(
            Problem("付款日期不能晚于今天。", "The payment date is in the future.", field="paid_on")
        )
    if request.beyond_amount and not request.note.strip():
        problems.append(
            Problem(
                "超出合同金额付款须说明理由。",
                "Say why the instalment goes beyond the contract amount.",
                field="note",
            )
        )
    if problems:
        raise InvalidInput(problems)
    assert amount is not None
    fingerprint = request.fingerprint(contract.pk)
    voucher = request.voucher_number.strip()
    same_key = ContractInstalment.objects.filter(recorded_by=user, idempotency_key=key)

    def create() -> ContractInstalment:
        now = clock.now()
        with transaction.atomic():
            # One contract's instalments one at a time: the amount check reads the others.
            state = (
                Contract.objects.select_for_update()
                .filter(pk=contract.pk)
                .values_list("state", flat=True)
                .get()
            )
            if state not in (ContractStates.SIGNED, ContractStates.ACCEPTED):
                raise ContractNotPayable()
            paid = paid_under(contract)
            if paid + amount > contract.amount and not request.beyond_amount:
                raise InstalmentBeyondAmount(contract.amount, paid, amount)
            if ContractInstalment.objects.filter(
                buyer=contract.buyer, voucher_number=voucher
            ).exists():
                raise VoucherNumberUsed(voucher)
            try:
                with transaction.atomic():
                    instalment = ContractInstalment.objects.create(
                        contract=contract,
                        buyer=contract.buyer,
                        amount=amount,
                        paid_on=request.paid_on,
                        voucher_number=voucher,
                        beyond_amount=request.beyond_amount,
                        note=request.note.strip(),
                        recorded_by=user,
                        created_at=now,
                        updated_at=now,
                        idempotency_key=key,
                        request_hash=fingerprint,
                    )
            except IntegrityError:
                if key and same_key.exists():
                    raise
                raise VoucherNumberUsed(voucher) from None
            record_event(
                actor=user,
                action="contract_instalment.record",
                obj=instalment,
                changes=created_fields(
                    {
                        "contract": contract.number,
                        "amount": amount,
                        "paid_on": request.paid_on,
                        "voucher_number": voucher,
                        "beyond_amount": request.beyond_amount,
                        "contract_state": state,
                    }
                ),
                reason=request.note.strip(),
            )
        return instalment

    return idempotent_create(key=key, fingerprint=fingerprint, same_key=same_key, create=create)


def instalment_confirm_receipt(
    *, actor: AnyUser, instalment: ContractInstalment
) -> ContractInstalment:
    """The social organisation confirms the instalment arrived."""
    INSTALMENT.authorise(actor, instalment, "confirm")
    transition_apply(
        INSTALMENT,
        actor=actor,
        subject=instalment,
        action="confirm",
        values={"confirmed_by": acting_user(actor), "confirmed_at": clock.now()},
    )
    instalment.refresh_from_db()
    return instalment


# Redirected work ----------------------------------------------------------------------------------


def can_redirect_assignment(user: AnyUser, assignment: Assignment) -> bool:
    """The department that sent the task, for an assignment its community refused."""
    if assignment.state != AssignmentStates.REFUSED:
        return False
    return assignment.task.department_id in department_staff_ids(user)


def work_redirect(
    *, actor: AnyUser, assignment: Assignment, contract: Contract, note: str = ""
) -> RedirectedWork:
    """The department whose task a community refused hands that community's work to the social
    organisation of one of its signed contracts serving the community (转由购买服务承接): once
    per assignment. The assignment stays refused; the social organisation sees the work."""
    user = acting_user(actor)
    if user is None or assignment.task.department_id not in department_staff_ids(actor):
        raise PermissionDenied(
            "只有派单部门可以将被拒绝的工作转由购买服务承接。",
            "Only the sending department redirects refused work to purchase of services.",
        )
    if assignment.state != AssignmentStates.REFUSED:
        raise AssignmentNotRefused()
    covers = contract.communities.filter(pk=assignment.community_id).exists()
    if (
        contract.buyer_id != assignment.task.department_id
        or contract.state != ContractStates.SIGNED
        or not covers
    ):
        raise ContractDoesNotCover()
    if RedirectedWork.objects.filter(assignment=assignment).exists():
        raise AlreadyRedirected()
    with transaction.atomic():
        try:
            with transaction.atomic():
                redirected = RedirectedWork.objects.create(
                    assignment=assignment,
                    contract=contract,
                    note=note.strip(),
                    redirected_by=user,
                    redirected_at=clock.now(),
                )
        except IntegrityError:
            raise AlreadyRedirected() from None
        record_event(
            actor=user,
            action="contract.redirect_work",
            obj=contract,
            changes=created_fields(
                {
                    "assignment": assignment.pk,
                    "task": assignment.task.title,
                    "community": assignment.community.code,
                    "social_org": contract.social_org.code,
                }
            ),
            reason=note.strip(),
        )
    return redirected
