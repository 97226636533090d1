"""Who sees and does what with money. The office, supervision and the audit bureau read every
commitment, payment and balance (`oversees_district`); a paying department reads its own (the
commitments it pays and their payments) and records payments; a community (or a social
organisation) reads the money paid to it and confirms or disputes its receipt. Commitments are
recorded, renewed and ended by the office, or by the paying department for its own. Everyone else
sees nothing. Each condition on its own line (the permission grid exercises them)."""

from django.db.models import Q, QuerySet

from communitygate.accounts.permissions import (
    department_staff_ids,
    is_office_staff,
    oversees_district,
    social_org_staff_ids,
    staffed_community_ids,
)
from communitygate.admissions.models import FundingCommitment
from communitygate.core.errors import NotFound
from communitygate.core.people import AnyUser
from communitygate.funding.models import Payment


def payee_ids(user: AnyUser) -> list[int]:
    """The organisations whose receipts this person confirms: their communities and social
    organisations."""
    return [*staffed_community_ids(user), *social_org_staff_ids(user)]


def commitments_visible_to(user: AnyUser) -> QuerySet[FundingCommitment]:
    commitments = FundingCommitment.objects.all()
    if oversees_district(user):
        return commitments
    return commitments.filter(payer_id__in=department_staff_ids(user))


def payments_visible_to(user: AnyUser) -> QuerySet[Payment]:
    payments = Payment.objects.all()
    if oversees_district(user):
        return payments
    condition = Q(pk__in=[])
    departments = department_staff_ids(user)
    if departments:
        condition |= Q(payer_id__in=departments)
    payees = payee_ids(user)
    if payees:
        condition |= Q(community_id__in=payees)
    return payments.filter(condition)


def access_payment(user: AnyUser, payment_id: int) -> Payment:
    payment = (
        payments_visible_to(user)
        .select_related(
            "commitment__catalog_item",
            "commitment__application__catalog_item",
            "payer",
            "community",
            "recorded_by",
            "decided_by",
        )
        .filter(pk=payment_id)
        .first()
    )
    if payment is None:
        raise NotFound("拨付记录", "payment")
    return payment


def access_commitment(user: AnyUser, commitment_id: int) -> FundingCommitment:
    """A commitment the person may read; not found for a missing one and another payer's."""
    commitment = (
        commitments_visible_to(user)
        .select_related("catalog_item", "application__catalog_item", "payer", "renews")
        .filter(pk=commitment_id)
        .first()
    )
    if commitment is None:
        raise NotFound("经费承诺", "funding commitment")
    return commitment


def can_see_commitments(user: AnyUser) -> bool:
    """The office, supervision, audit, and every paying department's clerks and heads."""
    if oversees_district(user):
        return True
    return bool(department_staff_ids(user))


def can_manage_commitment(user: AnyUser, commitment: FundingCommitment) -> bool:
    """Renew or end it: the office, or the payer's clerk or head."""
    if is_office_staff(user):
        return True
    return commitment.payer_id in department_staff_ids(user)


def can_record_commitments(user: AnyUser) -> bool:
    """Record one: the office for any payer, a department's clerk or head for its own."""
    if is_office_staff(user):
        return True
    return bool(department_staff_ids(user))


def access_commitment_to_pay(user: AnyUser, commitment_id: int) -> FundingCommitment:
    """The commitment the person's department pays; not found for a missing commitment and for
    another payer's alike."""
    commitment = (
        FundingCommitment.objects.select_related("catalog_item", "application", "payer")
        .filter(pk=commitment_id, payer_id__in=department_staff_ids(user))
        .first()
    )
    if commitment is None:
        raise NotFound("经费承诺", "funding commitment")
    return commitment


def can_record_payments(user: AnyUser, commitment: FundingCommitment) -> bool:
    """The paying department's clerk or head."""
    return commitment.payer_id in department_staff_ids(user)


def can_acknowledge_payment(user: AnyUser, payment: Payment) -> bool:
    """The receiving community's (or social organisation's) staff confirm or dispute."""
    return payment.community_id in payee_ids(user)


def can_answer_dispute(user: AnyUser, payment: Payment) -> bool:
    """The paying department's clerk or head answers a dispute of its payment."""
    return payment.payer_id in department_staff_ids(user)


def reaches_money_pages(user: AnyUser) -> bool:
    """The payments and balances pages (/funding/): the office, supervision and audit, a paying
    department, a community's (or social organisation's) staff."""
    if oversees_district(user):
        return True
    if department_staff_ids(user):
        return True
    return bool(payee_ids(user))


def records_payments(user: AnyUser) -> bool:
    """A department's clerk or head (the new payment page; which commitments is theirs)."""
    return bool(department_staff_ids(user))
