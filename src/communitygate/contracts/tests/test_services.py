"""Purchase of services through its services, on the database: drafting (its refusals, a
redirected application pre-filling the draft, one live contract per application), signing,
handing in deliverables with files, acceptance with its evaluation (refused while deliverables
are due; a failed one sends them back), instalments (beyond the amount only when flagged;
voucher unique per buyer; idempotent), receipts, redirecting refused work, visibility, the
auditor's two questions and the audit events."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from communitygate.admissions.models import Application, ApplicationStatuses
from communitygate.admissions.services import ApplicationFields, application_create
from communitygate.audit.models import AuditEvent
from communitygate.audit.selectors import audit_chain_first_break
from communitygate.contracts.models import (
    Contract,
    ContractStates,
    DeliverableFile,
    DeliverableStates,
    InstalmentStates,
    RedirectedWork,
)
from communitygate.contracts.permissions import access_contract, contracts_visible_to
from communitygate.contracts.selectors import (
    contracts_covering,
    contracts_paid_beyond_amount,
    contracts_paid_without_acceptance,
    refused_assignments_of,
)
from communitygate.contracts.services import (
    AlreadyRedirected,
    ApplicationAlreadyContracted,
    ApplicationNotRedirected,
    AssignmentNotRefused,
    ContractDoesNotCover,
    ContractNotPayable,
    ContractNumberUsed,
    DeliverablesOutstanding,
    InstalmentBeyondAmount,
    InstalmentRequest,
    VoucherNumberUsed,
    contract_accept,
    contract_draft,
    contract_draft_from_application,
    contract_request_from_application,
    contract_terminate,
    deliverable_submit,
    instalment_confirm_receipt,
    instalment_record,
    work_redirect,
)
from communitygate.contracts.workflow import ContractNotInForce, ContractStepNotAllowed
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, NotFound, PermissionDenied
from communitygate.core.uploads import FileUpload
from communitygate.dispatch.models import Assignment, AssignmentStates
from communitygate.orgs.services import organisation_create
from communitygate.testing import World

from .support import (
    COMMUNITY,
    MONDAY,
    OTHER,
    SIBLING,
    contract_request,
    drafted,
    paid,
    refused_assignment,
    signed,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"x" * 32


@pytest.fixture(autouse=True)
def pinned() -> None:
    clock.pin(MONDAY)


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def hand_in_all(world: World, contract: Contract) -> None:
    for deliverable in contract.deliverables.all():
        deliverable_submit(
            actor=world.user("social_org_staff"), deliverable=deliverable, note="已交"
        )


# Drafting -----------------------------------------------------------------------------------------


def test_a_department_drafts_a_contract_with_its_deliverables(world: World) -> None:
    contract = drafted(world, item_codes=())
    assert contract.state == ContractStates.DRAFT
    assert contract.buyer == world.org("department")
    assert contract.amount == Decimal("20000.00")
    assert sorted(contract.communities.values_list("code", flat=True)) == [COMMUNITY, SIBLING]
    assert [d.state for d in contract.deliverables.all()] == [DeliverableStates.DUE] * 2
    event = AuditEvent.objects.get(action="contract.draft")
    assert event.changes["number"] == [None, "MZ-GM-2026-01"]
    assert audit_chain_first_break() is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"number": " "}, "number"),
        ({"title": ""}, "title"),
        ({"amount": "0"}, "amount"),
        ({"amount": "12.345"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"social_org_code": "DEPT-WJ"}, "social_org"),
        ({"community_codes": ()}, "communities"),
        ({"community_codes": ("NOPE",)}, "communities"),
        ({"item_codes": ("NOPE",)}, "catalog_items"),
        ({"deliverables": ()}, "deliverables"),
        ({"period_end": dt.date(2026, 1, 1)}, "period_end"),
        ({"period_start": None}, "period_start"),
    ],
)
def test_a_bad_draft_is_refused_with_the_field(world: World, overrides: dict, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        drafted(world, **overrides)
    assert field in {p.field for p in refused.value.problems}


@pytest.mark.parametrize(
    "person", ["auditor", "office_admin", "inspector", "social_org_staff", "community_secretary"]
)
def test_only_a_buyer_drafts(world: World, person: str) -> None:
    with pytest.raises(PermissionDenied):
        drafted(world, person)


def test_a_subdistrict_buys_for_its_own_communities_only(world: World) -> None:
    contract = drafted(world, "subdistrict_officer", community_codes=(COMMUNITY,))
    assert contract.buyer == world.org("subdistrict")
    with pytest.raises(InvalidInput) as refused:
        drafted(world, "subdistrict_officer", number="X-2", community_codes=(OTHER,))
    assert refused.value.problems[0].field == "communities"


def test_a_number_is_unique_per_buyer(world: World) -> None:
    drafted(world)
    with pytest.raises(ContractNumberUsed):
        drafted(world)
    assert drafted(world, "subdistrict_officer", community_codes=(COMMUNITY,)).number


def test_an_idempotency_key_answers_the_first_draft(world: World) -> None:
    first = contract_draft(
        actor=world.user("department_clerk"), request=contract_request(), idempotency_key="k1"
    )
    again = contract_draft(
        actor=world.user("department_clerk"), request=contract_request(), idempotency_key="k1"
    )
    assert first.pk == again.pk
    assert events("contract.draft") == 1


def redirected_application(world: World) -> Application:
    """An application of DEPT-MZ the office redirected to SO-1 (its status set as the review
    would; the review itself is admissions' to test)."""
    application = application_create(
        actor=world.user("department_clerk"),
        applicant=world.org("department"),
        fields=ApplicationFields(
            contact_name="经办人",
            contact_phone="0532-80000000",
            item_name="独居老人助餐",
            item_class="delegated",
            domain="civil_affairs",
            legal_basis="示例",
            necessity="示例",
            community_duty="上门送餐",
            frequency="weekly",
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2026, 12, 31),
            estimated_hours=Decimal("8"),
            funding_per_community=Decimal("6000"),
            funding_source="部门预算",
            targets_all=False,
            target_community_codes=(COMMUNITY, SIBLING),
        ),
    )
    Application.objects.filter(pk=application.pk).update(
        status=ApplicationStatuses.REDIRECTED, proposed_social_org=world.org("social_org")
    )
    application.refresh_from_db()
    return application


def test_a_redirected_application_prefills_the_draft(world: World) -> None:
    application = redirected_application(world)
    prefilled = contract_request_from_application(application)
    assert prefilled.social_org_code == "SO-1"
    assert prefilled.community_codes == (COMMUNITY, SIBLING)
    assert prefilled.amount == "12000.00"
    assert (prefilled.period_start, prefilled.period_end) == (
        dt.date(2026, 9, 1),
        dt.date(2026, 12, 31),
    )
    contract = contract_draft_from_application(
        actor=world.user("department_head"), application=application, number="MZ-A-1"
    )
    assert contract.application == application
    assert contract.title == "独居老人助餐"
    with pytest.raises(ApplicationAlreadyContracted):
        contract_draft_from_application(
            actor=world.user("department_head"), application=application, number="MZ-A-2"
        )
    contract_terminate(actor=world.user("department_head"), contract=contract, reason="重签")
    again = contract_draft_from_application(
        actor=world.user("department_head"), application=application, number="MZ-A-2"
    )
    assert again.application == application


def test_only_the_applicant_drafts_from_a_redirected_application(world: World) -> None:
    application = redirected_application(world)
    with pytest.raises(ApplicationNotRedirected):
        contract_draft_from_application(
            actor=world.user("department_clerk_other"), application=application, number="X"
        )
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatuses.REJECTED)
    application.refresh_from_db()
    with pytest.raises(ApplicationNotRedirected):
        contract_draft_from_application(
            actor=world.user("department_clerk"), application=application, number="X"
        )


# Deliverables and acceptance ----------------------------------------------------------------------


def test_deliverables_are_handed_in_with_files_while_in_force(world: World) -> None:
    contract = drafted(world)
    deliverable = contract.deliverables.first()
    assert deliverable is not None
    with pytest.raises(ContractNotInForce):
        deliverable_submit(actor=world.user("social_org_staff"), deliverable=deliverable, note="x")
    contract = signed(world, number="MZ-2")
    deliverable = contract.deliverables.first()
    assert deliverable is not None
    with pytest.raises(InvalidInput):
        deliverable_submit(actor=world.user("social_org_staff"), deliverable=deliverable)
    with pytest.raises(InvalidInput):  # not a PDF inside
        deliverable_submit(
            actor=world.user("social_org_staff"),
            deliverable=deliverable,
            files=[FileUpload("record.pdf", b"nope")],
        )
    done = deliverable_submit(
        actor=world.user("social_org_staff"),
        deliverable=deliverable,
        note="服务记录",
        files=[FileUpload("record.pdf", PDF)],
    )
    assert done.state == DeliverableStates.SUBMITTED
    assert DeliverableFile.objects.get(deliverable=done).filename == "record.pdf"
    assert events("contract_deliverable.submit") == 1


def test_acceptance_waits_for_every_deliverable(world: World) -> None:
    contract = signed(world)
    clerk = world.user("department_clerk")
    with pytest.raises(DeliverablesOutstanding):
        contract_accept(actor=clerk, contract=contract, grade="good", evaluation="按期完成")
    hand_in_all(world, contract)
    with pytest.raises(InvalidInput) as refused:
        contract_accept(actor=clerk, contract=contract, grade="great", evaluation="")
    assert {p.field for p in refused.value.problems} == {"grade", "evaluation"}
    with pytest.raises(PermissionDenied):
        contract_accept(
            actor=world.user("auditor"), contract=contract, grade="good", evaluation="x"
        )
    accepted = contract_accept(actor=clerk, contract=contract, grade="good", evaluation="按期完成")
    assert accepted.state == ContractStates.ACCEPTED
    assert (accepted.evaluation_grade, accepted.accepted_by) == ("good", clerk)
    assert accepted.accepted_at is not None
    with pytest.raises(ContractStepNotAllowed):
        contract_terminate(actor=clerk, contract=accepted, reason="x")


def test_a_failed_acceptance_sends_the_deliverables_back(world: World) -> None:
    contract = signed(world)
    hand_in_all(world, contract)
    failed = contract_accept(
        actor=world.user("department_head"), contract=contract, grade="fail", evaluation="记录不全"
    )
    assert failed.state == ContractStates.SIGNED
    assert failed.evaluation_grade == "fail"
    assert set(contract.deliverables.values_list("state", flat=True)) == {DeliverableStates.DUE}
    assert events("contract.fail_acceptance") == 1
    assert events("contract_deliverable.reopen") == 2


def test_a_terminated_contract_needs_a_reason(world: World) -> None:
    contract = drafted(world)
    with pytest.raises(InvalidInput):
        contract_terminate(actor=world.user("department_clerk"), contract=contract, reason=" ")
    done = contract_terminate(
        actor=world.user("department_clerk"), contract=contract, reason="预算取消"
    )
    assert (done.state, done.termination_reason) == (ContractStates.TERMINATED, "预算取消")


# Instalments --------------------------------------------------------------------------------------


def test_instalments_up_to_the_amount_and_beyond_only_flagged(world: World) -> None:
    contract = drafted(world)
    with pytest.raises(ContractNotPayable):
        paid(world, contract, "100.00", "V-0")
    contract = signed(world, number="MZ-2")
    paid(world, contract, "15000.00", "V-1")
    with pytest.raises(InstalmentBeyondAmount):
        paid(world, contract, "5000.01", "V-2")
    with pytest.raises(InvalidInput):
        paid(world, contract, "5000.01", "V-2", beyond_amount=True)
    beyond = paid(world, contract, "5000.01", "V-2", beyond_amount=True, note="追加服务量")
    assert beyond.beyond_amount
    with pytest.raises(VoucherNumberUsed):
        paid(world, contract, "1.00", "V-1", beyond_amount=True, note="x")
    assert events("contract_instalment.record") == 2


def test_only_the_buyer_records_an_instalment(world: World) -> None:
    contract = signed(world)
    for person in ("auditor", "social_org_staff", "department_clerk_other", "office_admin"):
        with pytest.raises(PermissionDenied):
            instalment_record(
                actor=world.user(person),
                contract=contract,
                request=InstalmentRequest("1.00", dt.date(2026, 11, 20), "V-9"),
            )


def test_an_instalment_key_answers_the_first(world: World) -> None:
    contract = signed(world)
    request = InstalmentRequest("100.00", dt.date(2026, 11, 20), "V-1")
    first = instalment_record(
        actor=world.user("department_clerk"),
        contract=contract,
        request=request,
        idempotency_key="a",
    )
    again = instalment_record(
        actor=world.user("department_clerk"),
        contract=contract,
        request=request,
        idempotency_key="a",
    )
    assert first.pk == again.pk


def test_the_social_organisation_confirms_its_receipt(world: World) -> None:
    contract = signed(world)
    instalment = paid(world, contract, "100.00", "V-1")
    with pytest.raises(PermissionDenied):
        instalment_confirm_receipt(actor=world.user("department_clerk"), instalment=instalment)
    done = instalment_confirm_receipt(actor=world.user("social_org_staff"), instalment=instalment)
    assert done.state == InstalmentStates.CONFIRMED
    assert done.confirmed_by == world.user("social_org_staff")


# The auditor's questions --------------------------------------------------------------------------


def test_the_auditor_finds_contracts_paid_beyond_or_without_acceptance(
    world: World, django_assert_max_num_queries: Any
) -> None:
    beyond = signed(world, number="B")
    paid(world, beyond, "20000.00", "V-1")
    paid(world, beyond, "10.00", "V-2", beyond_amount=True, note="追加")
    accepted = signed(world, number="A")
    hand_in_all(world, accepted)
    contract_accept(
        actor=world.user("department_clerk"), contract=accepted, grade="pass", evaluation="合格"
    )
    paid(world, accepted, "20000.00", "V-3")
    signed(world, number="UNPAID")
    with django_assert_max_num_queries(1):
        rows = contracts_paid_beyond_amount()
    assert [(r.contract.number, r.paid, r.amount) for r in rows] == [
        ("B", Decimal("20010.00"), Decimal("20000.00"))
    ]
    with django_assert_max_num_queries(1):
        rows = contracts_paid_without_acceptance()
    assert [(r.contract.number, r.paid) for r in rows] == [("B", Decimal("20010.00"))]


# Redirected work ----------------------------------------------------------------------------------


def redirected_to(user: Any) -> list[int | None]:
    rows: Any = refused_assignments_of(user)
    return [row.redirected_to for row in rows]


def test_a_refused_assignment_goes_to_a_signed_contract_serving_its_community(
    world: World,
) -> None:
    contract = signed(world)
    assignment = refused_assignment(world)
    clerk = world.user("department_clerk")
    assert list(contracts_covering(assignment)) == [contract]
    assert redirected_to(clerk) == [None]
    with pytest.raises(PermissionDenied):
        work_redirect(
            actor=world.user("department_clerk_other"), assignment=assignment, contract=contract
        )
    with pytest.raises(PermissionDenied):
        work_redirect(actor=world.user("auditor"), assignment=assignment, contract=contract)
    work = work_redirect(actor=clerk, assignment=assignment, contract=contract, note="请承接")
    assert work.contract == contract
    assert redirected_to(clerk) == [contract.pk]
    with pytest.raises(AlreadyRedirected):
        work_redirect(actor=clerk, assignment=assignment, contract=contract)
    assert events("contract.redirect_work") == 1
    assert RedirectedWork.objects.count() == 1


def test_redirect_needs_a_refusal_and_a_covering_signed_contract(world: World) -> None:
    clerk = world.user("department_clerk")
    draft = drafted(world, number="D")
    outside = signed(world, number="S", community_codes=(SIBLING,))
    assignment = refused_assignment(world)
    with pytest.raises(ContractDoesNotCover):
        work_redirect(actor=clerk, assignment=assignment, contract=draft)
    with pytest.raises(ContractDoesNotCover):
        work_redirect(actor=clerk, assignment=assignment, contract=outside)
    other = drafted(world, "department_clerk_other", number="WJ", community_codes=(COMMUNITY,))
    with pytest.raises(ContractDoesNotCover):
        work_redirect(actor=clerk, assignment=assignment, contract=other)
    assert contracts_covering(assignment).count() == 0


def test_an_assignment_not_refused_is_not_redirected(world: World) -> None:
    contract = signed(world)
    assignment = refused_assignment(world)
    Assignment.objects.filter(pk=assignment.pk).update(state=AssignmentStates.RECEIVED)
    assignment.refresh_from_db()
    with pytest.raises(AssignmentNotRefused):
        work_redirect(
            actor=world.user("department_clerk"), assignment=assignment, contract=contract
        )


# Visibility ---------------------------------------------------------------------------------------


def test_who_sees_which_contract(world: World) -> None:
    mine = signed(world)
    other_so = organisation_create(
        actor=None,
        code="SO-9",
        name="另一社会组织",
        name_en="",
        kind="social_org",
        parent=world.org("district"),
    )
    theirs = drafted(
        world,
        "department_clerk_other",
        number="WJ-1",
        social_org_code=other_so.code,
        community_codes=(OTHER,),
    )
    sees = {
        person: set(contracts_visible_to(world.user(person)).values_list("number", flat=True))
        for person in (
            "auditor",
            "office_officer",
            "inspector",
            "department_clerk",
            "department_clerk_other",
            "social_org_staff",
            "community_secretary",
            "community_secretary_other",
            "subdistrict_officer",
            "committee_member",
            "no_role",
        )
    }
    both = {mine.number, theirs.number}
    assert sees["auditor"] == sees["office_officer"] == sees["inspector"] == both
    assert sees["department_clerk"] == {mine.number}
    assert sees["department_clerk_other"] == {theirs.number}
    assert sees["social_org_staff"] == {mine.number}
    assert sees["community_secretary"] == {mine.number}
    assert sees["community_secretary_other"] == {theirs.number}
    assert sees["subdistrict_officer"] == sees["committee_member"] == sees["no_role"] == set()
    with pytest.raises(NotFound):
        access_contract(world.user("social_org_staff"), theirs.pk)
