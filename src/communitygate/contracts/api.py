"""Purchase of services' API (政府购买服务): contracts, their steps, instalments and the refused
work redirected to them. Every path needs a signed-in person and is scoped by
contracts.permissions (the office, supervision and audit read everything and write nothing; the
buyer its own; a social organisation its own; a community those naming it): a contract the
person may not see answers 404, a step they may not take 403. Amounts travel as strings of yuan
with two decimals ("1234.50"). Lists answer {"count", "items"} with `limit`/`offset`."""

import datetime as dt
from typing import Annotated, Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from communitygate.catalog.models import CatalogItem
from communitygate.contracts.models import (
    Contract,
    ContractDeliverable,
    ContractInstalment,
    Grades,
)
from communitygate.contracts.permissions import (
    access_contract,
    access_instalment,
    contracts_visible_to,
)
from communitygate.contracts.selectors import (
    ContractFilters,
    contract_deliverables,
    contract_instalments,
    contract_redirected_work,
    contracts_listed,
    with_paid,
)
from communitygate.contracts.services import (
    ContractRequest,
    DeliverableRequest,
    InstalmentRequest,
    contract_accept,
    contract_draft,
    contract_request_completed,
    contract_sign,
    contract_terminate,
    instalment_confirm_receipt,
    instalment_record,
    work_redirect,
)
from communitygate.core.idempotency import IDEMPOTENCY_KEY_HEADER
from communitygate.core.inputs import AmountText, Day, Offset, RowId, Year, capped
from communitygate.core.money import yuan_string
from communitygate.core.paging import page_bounds
from communitygate.dispatch.permissions import access_assignment
from communitygate.orgs.inputs import OrgCode
from communitygate.orgs.models import Organisation

router = Router(tags=["contracts"])


class ContractOut(Schema):
    id: int
    number: str
    title: str
    buyer: str = Field(description="The buying department's or subdistrict's code.")
    social_org: str
    application: str | None = Field(description="The redirected application's number.")
    amount: str = Field(description='Yuan, two decimals: "1234.50".')
    paid: str = Field(description="The sum of the instalments recorded (yuan).")
    period_start: dt.date
    period_end: dt.date
    state: str = Field(description="draft, signed, accepted or terminated.")
    signed_on: dt.date | None
    evaluation_grade: str = Field(description="excellent, good, pass, fail, or empty.")
    evaluation: str
    accepted_at: dt.datetime | None


class DeliverableOut(Schema):
    id: int
    title: str
    due_on: dt.date
    state: str = Field(description="due or submitted.")
    note: str
    submitted_at: dt.datetime | None
    files: list[str]


class InstalmentOut(Schema):
    id: int
    contract: int
    amount: str
    paid_on: dt.date
    voucher_number: str
    beyond_amount: bool
    note: str
    state: str = Field(description="recorded or confirmed.")
    confirmed_at: dt.datetime | None


class RedirectedWorkOut(Schema):
    assignment: int
    task: str
    community: str
    redirected_at: dt.datetime
    note: str


class ContractDetailOut(ContractOut):
    communities: list[str]
    catalog_items: list[str]
    scope: str
    termination_reason: str
    deliverables: list[DeliverableOut]
    instalments: list[InstalmentOut]
    redirected_work: list[RedirectedWorkOut]


class ContractPage(Schema):
    count: int
    items: list[ContractOut]


ItemCode = Annotated[str, capped(CatalogItem, "code")]


class DeliverableIn(Schema):
    title: str = capped(ContractDeliverable, "title")
    due_on: Day


class ContractIn(Schema):
    number: str = capped(Contract, "number")
    title: str = capped(Contract, "title", "")
    social_org: str = capped(
        Organisation, "code", "", description="The social organisation's code."
    )
    amount: AmountText = Field("", description='Yuan, two decimals at most: "1234.50".')
    period_start: Day | None = None
    period_end: Day | None = None
    communities: list[OrgCode] = Field(default_factory=list, description="Community codes.")
    catalog_items: list[ItemCode] = Field(default_factory=list, description="Catalog item codes.")
    deliverables: list[DeliverableIn] = Field(default_factory=list)
    scope: str = Field("", max_length=4000)
    buyer: str = capped(
        Organisation, "code", "", description="The buyer's code, when you act for several."
    )
    application: RowId | None = Field(
        None,
        description="A redirected application's id: the fields not sent are taken from it.",
    )


class SignIn(Schema):
    signed_on: Day


class ReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class AcceptIn(Schema):
    grade: Grades = Field(description="excellent, good, pass (accept) or fail (hand in again).")
    evaluation: str = Field("", max_length=4000)


class InstalmentIn(Schema):
    amount: AmountText
    paid_on: Day
    voucher_number: str = capped(ContractInstalment, "voucher_number", "")
    beyond_amount: bool = Field(
        False, description="Pay beyond the contract amount on purpose (a note is required)."
    )
    note: str = Field("", max_length=2000)


class RedirectIn(Schema):
    assignment: RowId
    note: str = Field("", max_length=2000)


def contract_out(contract: Contract) -> ContractOut:
    return ContractOut(**_contract_fields(contract))


def _contract_fields(contract: Contract) -> dict[str, Any]:
    return {
        "id": contract.pk,
        "number": contract.number,
        "title": contract.title,
        "buyer": contract.buyer.code,
        "social_org": contract.social_org.code,
        "application": contract.application.number if contract.application else None,
        "amount": yuan_string(contract.amount),
        "paid": yuan_string(contract.paid),  # type: ignore[attr-defined]
        "period_start": contract.period_start,
        "period_end": contract.period_end,
        "state": contract.state,
        "signed_on": contract.signed_on,
        "evaluation_grade": contract.evaluation_grade,
        "evaluation": contract.evaluation,
        "accepted_at": contract.accepted_at,
    }


def instalment_out(instalment: ContractInstalment) -> InstalmentOut:
    return InstalmentOut(
        id=instalment.pk,
        contract=instalment.contract_id,
        amount=yuan_string(instalment.amount),
        paid_on=instalment.paid_on,
        voucher_number=instalment.voucher_number,
        beyond_amount=instalment.beyond_amount,
        note=instalment.note,
        state=instalment.state,
        confirmed_at=instalment.confirmed_at,
    )


def contract_detail_out(request: HttpRequest, contract_id: int) -> ContractDetailOut:
    contract = (
        with_paid(contracts_visible_to(request.user))
        .select_related("buyer", "social_org", "application")
        .get(pk=access_contract(request.user, contract_id).pk)
    )
    return ContractDetailOut(
        **_contract_fields(contract),
        communities=[c.code for c in contract.communities.order_by("code")],
        catalog_items=[i.code for i in contract.catalog_items.order_by("code")],
        scope=contract.scope,
        termination_reason=contract.termination_reason,
        deliverables=[
            DeliverableOut(
                id=d.pk,
                title=d.title,
                due_on=d.due_on,
                state=d.state,
                note=d.note,
                submitted_at=d.submitted_at,
                files=[f.filename for f in d.files.all()],
            )
            for d in contract_deliverables(contract)
        ],
        instalments=[instalment_out(i) for i in contract_instalments(contract)],
        redirected_work=[
            RedirectedWorkOut(
                assignment=w.assignment_id,
                task=w.assignment.task.title,
                community=w.assignment.community.code,
                redirected_at=w.redirected_at,
                note=w.note,
            )
            for w in contract_redirected_work(contract)
        ],
    )


@router.get("/contracts", response=ContractPage)
def list_contracts(
    request: HttpRequest,
    buyer: OrgCode = "",
    social_org: OrgCode = "",
    state: Annotated[str, capped(Contract, "state")] = "",
    year: Year | None = None,
    limit: int = 50,
    offset: Offset = 0,
) -> ContractPage:
    """The contracts the caller may read, filtered by buyer, social organisation, state and a
    year their period overlaps."""
    limit, offset = page_bounds(limit, offset, int(settings.COMMUNITYGATE["API_MAX_LIMIT"]))
    filters = ContractFilters(buyer=buyer, social_org=social_org, state=state, year=year)
    contracts = contracts_listed(contracts_visible_to(request.user), filters).select_related(
        "application"
    )
    return ContractPage(
        count=contracts.count(),
        items=[contract_out(c) for c in contracts[offset : offset + limit]],
    )


def _request_of(payload: ContractIn) -> ContractRequest:
    return ContractRequest(
        number=payload.number,
        title=payload.title,
        social_org_code=payload.social_org,
        amount=payload.amount,
        period_start=payload.period_start,
        period_end=payload.period_end,
        community_codes=tuple(payload.communities),
        deliverables=tuple(DeliverableRequest(d.title, d.due_on) for d in payload.deliverables),
        item_codes=tuple(payload.catalog_items),
        scope=payload.scope,
        buyer_code=payload.buyer,
        application_id=payload.application,
    )


@router.post("/contracts", response={201: ContractDetailOut})
def draft_contract(request: HttpRequest, payload: ContractIn) -> Status[ContractDetailOut]:
    """Draft a contract (the buyer's clerk or head, a subdistrict's officer). With
    `application`, a redirected application of your department: what you leave out is filled
    from it. Send an `Idempotency-Key` to retry safely."""
    contract = contract_draft(
        actor=request.user,
        request=contract_request_completed(_request_of(payload)),
        idempotency_key=request.headers.get(IDEMPOTENCY_KEY_HEADER, ""),
    )
    return Status(201, contract_detail_out(request, contract.pk))


@router.get("/contracts/{contract_id}", response=ContractDetailOut)
def get_contract(request: HttpRequest, contract_id: int) -> ContractDetailOut:
    """A contract with its communities, items, deliverables, instalments and redirected work."""
    return contract_detail_out(request, contract_id)


@router.post("/contracts/{contract_id}/sign", response=ContractDetailOut)
def sign_contract(request: HttpRequest, contract_id: int, payload: SignIn) -> ContractDetailOut:
    """The buyer records the contract signed: in force from then."""
    contract_sign(
        actor=request.user,
        contract=access_contract(request.user, contract_id),
        signed_on=payload.signed_on,
    )
    return contract_detail_out(request, contract_id)


@router.post("/contracts/{contract_id}/terminate", response=ContractDetailOut)
def terminate_contract(
    request: HttpRequest, contract_id: int, payload: ReasonIn
) -> ContractDetailOut:
    """The buyer ends a draft or a contract in force, with the reason."""
    contract_terminate(
        actor=request.user,
        contract=access_contract(request.user, contract_id),
        reason=payload.reason,
    )
    return contract_detail_out(request, contract_id)


@router.post("/contracts/{contract_id}/accept", response=ContractDetailOut)
def accept_contract(request: HttpRequest, contract_id: int, payload: AcceptIn) -> ContractDetailOut:
    """The buyer's acceptance (验收) with its grade and remarks, once every deliverable is in."""
    contract_accept(
        actor=request.user,
        contract=access_contract(request.user, contract_id),
        grade=payload.grade,
        evaluation=payload.evaluation,
    )
    return contract_detail_out(request, contract_id)


@router.post("/contracts/{contract_id}/instalments", response={201: InstalmentOut})
def record_instalment(
    request: HttpRequest, contract_id: int, payload: InstalmentIn
) -> Status[InstalmentOut]:
    """The buyer records an instalment paid. Beyond what the contract leaves unpaid only with
    `beyond_amount: true` and a note. Send an `Idempotency-Key` to retry safely."""
    instalment = instalment_record(
        actor=request.user,
        contract=access_contract(request.user, contract_id),
        request=InstalmentRequest(
            amount=payload.amount,
            paid_on=payload.paid_on,
            voucher_number=payload.voucher_number,
            beyond_amount=payload.beyond_amount,
            note=payload.note,
        ),
        idempotency_key=request.headers.get(IDEMPOTENCY_KEY_HEADER, ""),
    )
    return Status(201, instalment_out(instalment))


@router.post(
    "/contracts/{contract_id}/instalments/{instalment_id}/confirm-receipt",
    response=InstalmentOut,
)
def confirm_instalment(request: HttpRequest, contract_id: int, instalment_id: int) -> InstalmentOut:
    """The social organisation confirms the instalment arrived."""
    contract = access_contract(request.user, contract_id)
    instalment = instalment_confirm_receipt(
        actor=request.user, instalment=access_instalment(request.user, contract, instalment_id)
    )
    return instalment_out(instalment)


@router.post("/contracts/{contract_id}/redirected-work", response={201: RedirectedWorkOut})
def redirect_work(
    request: HttpRequest, contract_id: int, payload: RedirectIn
) -> Status[RedirectedWorkOut]:
    """The sending department hands an assignment its community refused to this contract's
    social organisation (a signed contract of the department serving that community)."""
    contract = access_contract(request.user, contract_id)
    assignment = access_assignment(request.user, payload.assignment)
    work = work_redirect(
        actor=request.user, assignment=assignment, contract=contract, note=payload.note
    )
    return Status(
        201,
        RedirectedWorkOut(
            assignment=assignment.pk,
            task=assignment.task.title,
            community=assignment.community.code,
            redirected_at=work.redirected_at,
            note=work.note,
        ),
    )
