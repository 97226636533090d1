"""The demo's purchase of services (政府购买服务), made through the services at the dates it
happened: the July 2026 application the office redirected to SO-1 (上门助餐) becomes DEPT-MZ's
contract 市北民购〔2026〕7号, signed in August, its report handed in, accepted in November
(良好) and paid in two instalments SO-1 confirmed; 市北民购〔2026〕12号 (the monthly figures of
the elderly-care facilities, November 2026 to June 2027) is in force with its first monthly
report due, and the task 伊春路社区 refused in October (the same monthly register, never
admitted) is redirected to it. SO-1's staff sign in as `so-staff`."""

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction

from communitygate.admissions.models import Application, ApplicationStatuses
from communitygate.contracts.models import Contract, ContractDeliverable
from communitygate.contracts.services import (
    ContractRequest,
    DeliverableRequest,
    InstalmentRequest,
    contract_accept,
    contract_draft,
    contract_draft_from_application,
    contract_sign,
    deliverable_submit,
    instalment_confirm_receipt,
    instalment_record,
    work_redirect,
)
from communitygate.core import clock
from communitygate.core.uploads import FileUpload
from communitygate.demo.admission_history import at
from communitygate.demo.dispatch_traffic import tiny_pdf
from communitygate.dispatch.models import Assignment, AssignmentStates
from communitygate.orgs.models import Organisation

MEALS_NUMBER = "市北民购〔2026〕7号"
FIGURES_NUMBER = "市北民购〔2026〕12号"
FIGURES_TASK = "每月报送社区养老服务设施运营台账"


def seed_contract_history() -> bool:
    """Load the two contracts; False (and nothing done) when any contract exists already."""
    if Contract.objects.exists():
        return False
    civil = User.objects.get(username="civil-affairs")
    so_staff = User.objects.get(username="so-staff")
    try:
        with transaction.atomic():
            _meals(civil, so_staff)
            _figures(civil)
    finally:
        clock.pin(None)
    return True


def _meals(civil: User, so_staff: User) -> None:
    application = Application.objects.select_related("applicant", "proposed_social_org").get(
        status=ApplicationStatuses.REDIRECTED, proposed_social_org__code="SO-1"
    )
    clock.pin(at(2026, 8, 20))
    contract = contract_draft_from_application(
        actor=civil, application=application, number=MEALS_NUMBER
    )
    clock.pin(at(2026, 8, 25))
    contract = contract_sign(actor=civil, contract=contract, signed_on=dt.date(2026, 8, 25))
    clock.pin(at(2026, 9, 4))
    advance = instalment_record(
        actor=civil,
        contract=contract,
        request=InstalmentRequest(
            amount="12000.00",
            paid_on=dt.date(2026, 9, 4),
            voucher_number="MZ-2026-0904-01",
            note="合同约定：签订后预付50%。",
        ),
    )
    clock.pin(at(2026, 9, 8))
    instalment_confirm_receipt(actor=so_staff, instalment=advance)
    clock.pin(at(2026, 11, 2))
    for deliverable in ContractDeliverable.objects.select_related("contract").filter(
        contract=contract
    ):
        deliverable_submit(
            actor=so_staff,
            deliverable=deliverable,
            note="9—10月共上门送餐1,536人次，服务独居老人48人，满意度回访记录附后。",
            files=[FileUpload("助餐服务总结报告.pdf", tiny_pdf("Meal service report (demo)"))],
        )
    clock.pin(at(2026, 11, 10))
    contract.refresh_from_db()
    contract_accept(
        actor=civil,
        contract=contract,
        grade="good",
        evaluation="服务记录完整，回访满意度96%；个别送餐时间偏晚，续签时约定时段。",
    )
    clock.pin(at(2026, 11, 16))
    balance = instalment_record(
        actor=civil,
        contract=contract,
        request=InstalmentRequest(
            amount="12000.00",
            paid_on=dt.date(2026, 11, 16),
            voucher_number="MZ-2026-1116-03",
            note="验收合格后支付尾款。",
        ),
    )
    clock.pin(at(2026, 11, 18))
    instalment_confirm_receipt(actor=so_staff, instalment=balance)


def _figures(civil: User) -> None:
    communities = tuple(
        Organisation.objects.filter(name__in=["商邱路社区", "伊春路社区"], kind="community")
        .order_by("code")
        .values_list("code", flat=True)
    )
    clock.pin(at(2026, 10, 30))
    contract = contract_draft(
        actor=civil,
        request=ContractRequest(
            number=FIGURES_NUMBER,
            title="社区养老服务设施运营情况代为采集",
            social_org_code="SO-1",
            amount="36000.00",
            period_start=dt.date(2026, 11, 1),
            period_end=dt.date(2027, 6, 30),
            community_codes=communities,
            deliverables=(
                DeliverableRequest("2026年11月养老服务设施运营情况月报", dt.date(2026, 12, 5)),
                DeliverableRequest("2026年12月养老服务设施运营情况月报", dt.date(2027, 1, 5)),
                DeliverableRequest("运营情况采集工作总结", dt.date(2027, 6, 30)),
            ),
            scope="逐月走访辖区养老服务设施，采集运营数据并报送区民政局；社区不承担此项工作。",
        ),
    )
    clock.pin(at(2026, 10, 31))
    contract = contract_sign(actor=civil, contract=contract, signed_on=dt.date(2026, 10, 31))
    refused = Assignment.objects.select_related("task", "community").get(
        task__title=FIGURES_TASK,
        task__department__code="DEPT-MZ",
        community__name="伊春路社区",
        state=AssignmentStates.REFUSED,
    )
    clock.pin(at(2026, 11, 2))
    work_redirect(
        actor=civil,
        assignment=refused,
        contract=contract,
        note="伊春路社区拒绝的运营台账报送，转由市北区示例社会工作服务中心按合同承接。",
    )
    clock.pin(at(2026, 11, 6))
    instalment_record(  # paid before any acceptance: the auditor's list shows it
        actor=civil,
        contract=contract,
        request=InstalmentRequest(
            amount="9000.00",
            paid_on=dt.date(2026, 11, 6),
            voucher_number="MZ-2026-1106-03",
            note="首期启动经费（验收前预付）。",
        ),
    )
