"""Reads of purchase of services: contracts listed and filtered with what was paid under them,
a contract's deliverables, instalments and redirected work, the refused assignments a
department may redirect and the contracts that may take them, and the auditor's two questions
(contracts paid beyond their amount, contracts paid without acceptance), each one query."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Exists, F, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from communitygate.accounts.permissions import department_staff_ids
from communitygate.admissions.models import Application, ApplicationStatuses
from communitygate.contracts.models import (
    Contract,
    ContractDeliverable,
    ContractInstalment,
    ContractStates,
    DeliverableStates,
    RedirectedWork,
)
from communitygate.contracts.permissions import buyer_ids
from communitygate.core.people import AnyUser
from communitygate.dispatch.models import Assignment, AssignmentStates
from communitygate.orgs.models import Organisation, OrganisationKinds

CENT = Decimal("0.01")
ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def with_paid(contracts: QuerySet[Contract]) -> QuerySet[Contract]:
    """Each contract with `paid`, the sum of its instalments (0.00 when none)."""
    return contracts.annotate(paid=Coalesce(Sum("instalments__amount"), ZERO))


@dataclass(frozen=True)
class ContractFilters:
    buyer: str = ""
    social_org: str = ""
    state: str = ""
    year: int | None = None


def contracts_listed(
    contracts: QuerySet[Contract], filters: ContractFilters | None = None
) -> QuerySet[Contract]:
    """The contracts with their buyer, social organisation and `paid`, filtered: the buyer's and
    the social organisation's codes, the state, a year the period overlaps."""
    filters = filters or ContractFilters()
    if filters.buyer:
        contracts = contracts.filter(buyer__code=filters.buyer)
    if filters.social_org:
        contracts = contracts.filter(social_org__code=filters.social_org)
    if filters.state:
        contracts = contracts.filter(state=filters.state)
    if filters.year is not None:
        contracts = contracts.filter(
            period_start__lte=dt.date(filters.year, 12, 31),
            period_end__gte=dt.date(filters.year, 1, 1),
        )
    return with_paid(contracts.select_related("buyer", "social_org")).order_by(
        "-period_start", "-pk"
    )


def buyer_choices() -> list[tuple[str, str]]:
    buyers = Organisation.objects.filter(
        kind__in=[OrganisationKinds.DEPARTMENT, OrganisationKinds.SUBDISTRICT]
    ).order_by("kind", "code")
    return [(o.code, o.name) for o in buyers]


def social_org_choices() -> list[tuple[str, str]]:
    orgs = Organisation.objects.filter(kind=OrganisationKinds.SOCIAL_ORG).order_by("code")
    return [(o.code, o.name) for o in orgs]


def community_choices() -> list[tuple[str, str]]:
    communities = Organisation.objects.filter(
        kind=OrganisationKinds.COMMUNITY, active_to__isnull=True
    ).order_by("code")
    return [(o.code, o.name) for o in communities]


def contract_deliverables(contract: Contract) -> list[ContractDeliverable]:
    return list(
        ContractDeliverable.objects.filter(contract=contract)
        .select_related("submitted_by")
        .prefetch_related("files")
        .order_by("due_on", "pk")
    )


def contract_instalments(contract: Contract) -> list[ContractInstalment]:
    return list(
        ContractInstalment.objects.filter(contract=contract)
        .select_related("recorded_by", "confirmed_by")
        .order_by("paid_on", "pk")
    )


def contract_redirected_work(contract: Contract) -> list[RedirectedWork]:
    return list(
        RedirectedWork.objects.filter(contract=contract)
        .select_related("assignment__task", "assignment__community", "redirected_by")
        .order_by("-redirected_at", "-pk")
    )


def redirected_work_listed(work: QuerySet[RedirectedWork]) -> QuerySet[RedirectedWork]:
    return work.select_related(
        "assignment__task__department", "assignment__community", "contract"
    ).order_by("-redirected_at", "-pk")


def deliverables_due(contracts: QuerySet[Contract]) -> QuerySet[ContractDeliverable]:
    """The deliverables still to hand in under contracts in force."""
    return (
        ContractDeliverable.objects.filter(
            contract__in=contracts.values("pk"),
            contract__state=ContractStates.SIGNED,
            state=DeliverableStates.DUE,
        )
        .select_related("contract")
        .order_by("due_on", "pk")
    )


def instalments_of(contracts: QuerySet[Contract]) -> QuerySet[ContractInstalment]:
    return (
        ContractInstalment.objects.filter(contract__in=contracts.values("pk"))
        .select_related("contract")
        .order_by("-paid_on", "-pk")
    )


def redirectable_applications(user: AnyUser) -> QuerySet[Application]:
    """The person's departments' applications redirected to purchase of services that have no
    live contract yet."""
    live = Contract.objects.filter(application=OuterRef("pk")).exclude(
        state=ContractStates.TERMINATED
    )
    return (
        Application.objects.filter(
            applicant_id__in=department_staff_ids(user), status=ApplicationStatuses.REDIRECTED
        )
        .exclude(Exists(live))
        .select_related("proposed_social_org")
        .order_by("-decided_at", "-pk")
    )


def refused_assignments_of(user: AnyUser) -> QuerySet[Assignment]:
    """The assignments of the person's departments' tasks that a community refused, each with
    `redirected_to` (the contract's pk, or None)."""
    redirected = RedirectedWork.objects.filter(assignment=OuterRef("pk")).values("contract_id")
    return (
        Assignment.objects.filter(
            task__department_id__in=department_staff_ids(user), state=AssignmentStates.REFUSED
        )
        .annotate(redirected_to=redirected[:1])
        .select_related("task", "community")
        .order_by("-updated_at", "-pk")
    )


def contracts_covering(assignment: Assignment) -> QuerySet[Contract]:
    """The signed contracts of the task's department that serve the assignment's community."""
    return (
        Contract.objects.filter(
            buyer_id=assignment.task.department_id,
            state=ContractStates.SIGNED,
            communities=assignment.community_id,
        )
        .select_related("social_org")
        .order_by("number")
    )


def contract_redirect_of(assignment_id: int) -> RedirectedWork | None:
    return (
        RedirectedWork.objects.filter(assignment_id=assignment_id)
        .select_related("contract")
        .first()
    )


# The auditor's questions --------------------------------------------------------------------------


@dataclass(frozen=True)
class PaidRow:
    contract: Contract
    paid: Decimal
    amount: Decimal


def _rows(contracts: QuerySet[Contract]) -> list[PaidRow]:
    rows: Any = contracts  # annotated with `paid` (with_paid)
    return [PaidRow(contract=c, paid=Decimal(c.paid).quantize(CENT), amount=c.amount) for c in rows]


def contracts_paid_beyond_amount(contracts: QuerySet[Contract] | None = None) -> list[PaidRow]:
    """Contracts whose instalments add up to more than their amount (each was flagged with a
    note when recorded): one query."""
    contracts = Contract.objects.all() if contracts is None else contracts
    return _rows(
        with_paid(contracts.select_related("buyer", "social_org"))
        .filter(Q(paid__gt=F("amount")))
        .order_by("buyer__code", "number")
    )


def contracts_paid_without_acceptance(
    contracts: QuerySet[Contract] | None = None,
) -> list[PaidRow]:
    """Contracts paid (any instalment) that are not accepted: in force before their
    acceptance, or terminated. Payment follows acceptance (验收后付款), so each is for the
    auditor to look at, advance payments included: one query."""
    contracts = Contract.objects.all() if contracts is None else contracts
    return _rows(
        with_paid(contracts.select_related("buyer", "social_org"))
        .filter(~Q(state=ContractStates.ACCEPTED), Q(paid__gt=0))
        .order_by("buyer__code", "number")
    )


# For the pages ------------------------------------------------------------------------------------


def buyer_choices_of(user: AnyUser) -> list[tuple[str, str]]:
    """The organisations the person buys for, as choices."""
    buyers = Organisation.objects.filter(pk__in=buyer_ids(user)).order_by("code")
    return [(o.code, o.name) for o in buyers]


def redirectable_application(user: AnyUser, application_id: int) -> Application | None:
    return redirectable_applications(user).filter(pk=application_id).first()


def signed_contracts_by_community(user: AnyUser) -> dict[int, list[Contract]]:
    """The signed contracts of the person's departments, by the communities they serve: two
    queries, for the redirect choices of a whole list of refused assignments."""
    contracts = (
        Contract.objects.filter(
            buyer_id__in=department_staff_ids(user), state=ContractStates.SIGNED
        )
        .select_related("social_org")
        .prefetch_related("communities")
        .order_by("number")
    )
    covering: dict[int, list[Contract]] = {}
    for contract in contracts:
        for community in contract.communities.all():
            covering.setdefault(community.pk, []).append(contract)
    return covering


def contract_export_rows(contracts: QuerySet[Contract]) -> list[list[object]]:
    """The contracts as rows of the XLSX export (one query)."""
    return [
        [
            c.number,
            c.title,
            c.buyer.name,
            c.social_org.name,
            c.get_state_display(),
            c.period_start,
            c.period_end,
            c.amount,
            c.paid,  # type: ignore[attr-defined]
            c.get_evaluation_grade_display() if c.evaluation_grade else "",
        ]
        for c in contracts
    ]
