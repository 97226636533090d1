"""Who sees and does what with service contracts. The office, supervision and the audit bureau
read every contract (`oversees_district`) and write nothing; the buyer's staff (a department's
clerk or head, a subdistrict's officer) read and run their own contracts; a social
organisation's staff read their own contracts only, hand in deliverables and confirm receipts;
a community's staff read, without acting, the contracts that name their community. Each
condition on its own line (the permission grid exercises them)."""

from django.db.models import Q, QuerySet

from communitygate.accounts.models import Roles
from communitygate.accounts.permissions import (
    department_staff_ids,
    grants_of,
    oversees_district,
    social_org_staff_ids,
    staffed_community_ids,
)
from communitygate.contracts.models import (
    Contract,
    ContractDeliverable,
    ContractInstalment,
    DeliverableFile,
    RedirectedWork,
)
from communitygate.core.errors import NotFound
from communitygate.core.people import AnyUser
from communitygate.orgs.models import OrganisationKinds


def subdistrict_officer_ids(user: AnyUser) -> list[int]:
    grants = grants_of(user, OrganisationKinds.SUBDISTRICT, {Roles.OFFICER})
    return [grant.organisation_id for grant in grants]


def buyer_ids(user: AnyUser) -> list[int]:
    """The organisations the person buys services for: their departments (clerk or head) and
    their subdistricts (officer)."""
    return [*department_staff_ids(user), *subdistrict_officer_ids(user)]


def can_buy_services(user: AnyUser) -> bool:
    """Drafts contracts: a department's clerk or head, a subdistrict's officer."""
    return bool(buyer_ids(user))


def works_for_a_social_org(user: AnyUser) -> bool:
    return bool(social_org_staff_ids(user))


def reaches_contract_pages(user: AnyUser) -> bool:
    """The contracts pages (购买服务) are for whoever may see a contract."""
    if oversees_district(user):
        return True
    if can_buy_services(user):
        return True
    if works_for_a_social_org(user):
        return True
    return bool(staffed_community_ids(user))


def contracts_visible_to(user: AnyUser) -> QuerySet[Contract]:
    contracts = Contract.objects.all()
    if oversees_district(user):
        return contracts
    condition = Q(pk__in=[])
    buyers = buyer_ids(user)
    if buyers:
        condition |= Q(buyer_id__in=buyers)
    social_orgs = social_org_staff_ids(user)
    if social_orgs:
        condition |= Q(social_org_id__in=social_orgs)
    communities = staffed_community_ids(user)
    if communities:
        naming = Contract.communities.through.objects.filter(organisation_id__in=communities)
        condition |= Q(pk__in=naming.values("contract_id"))
    return contracts.filter(condition)


def access_contract(user: AnyUser, contract_id: int) -> Contract:
    """The contract the person may see; not found for a missing one and a forbidden one alike."""
    contract = (
        contracts_visible_to(user)
        .select_related("buyer", "social_org", "application", "created_by", "accepted_by")
        .filter(pk=contract_id)
        .first()
    )
    if contract is None:
        raise NotFound("购买服务合同", "service contract")
    return contract


def access_deliverable(
    user: AnyUser, contract: Contract, deliverable_id: int
) -> ContractDeliverable:
    deliverable = ContractDeliverable.objects.filter(contract=contract, pk=deliverable_id).first()
    if deliverable is None:
        raise NotFound("合同成果", "deliverable")
    return deliverable


def access_deliverable_file(user: AnyUser, contract: Contract, file_id: int) -> DeliverableFile:
    attached = DeliverableFile.objects.filter(deliverable__contract=contract, pk=file_id).first()
    if attached is None:
        raise NotFound("成果文件", "deliverable file")
    return attached


def access_instalment(user: AnyUser, contract: Contract, instalment_id: int) -> ContractInstalment:
    instalment = ContractInstalment.objects.filter(contract=contract, pk=instalment_id).first()
    if instalment is None:
        raise NotFound("合同付款记录", "instalment")
    return instalment


def is_buyer_of(user: AnyUser, contract: Contract) -> bool:
    """The buyer's staff (asked from the roles, without a query)."""
    return contract.buyer_id in buyer_ids(user)


def is_social_org_of(user: AnyUser, contract: Contract) -> bool:
    return contract.social_org_id in social_org_staff_ids(user)


def redirected_work_visible_to(user: AnyUser) -> QuerySet[RedirectedWork]:
    """Work redirected under the contracts the person sees."""
    return RedirectedWork.objects.filter(contract__in=contracts_visible_to(user).values("pk"))
