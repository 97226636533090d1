"""Reads of certificates: the person's scoped list (community staff their own, a subdistrict's
officers their communities'), one request through the same scope, and the counts of issued and
turned-away requests (the district's overseers read counts only, never a resident)."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from communitygate.catalog.models import CertificateRule, CertificateVerdicts, RecordStatuses
from communitygate.certificates.models import CertificateOutcomes, CertificateRequest
from communitygate.core.people import AnyUser
from communitygate.orgs.models import Organisation
from communitygate.registry.permissions import access_scoped, visible_to


@dataclass(frozen=True)
class CertificateFilters:
    community: str = ""
    outcome: str = ""
    year: int | None = None


def certificate_list(
    user: AnyUser, filters: CertificateFilters = CertificateFilters()
) -> QuerySet[CertificateRequest]:
    requests = visible_to(
        user,
        CertificateRequest.objects.select_related("community", "rule", "resident", "created_by"),
    )
    if filters.community:
        requests = requests.filter(community__code=filters.community)
    if filters.outcome:
        requests = requests.filter(outcome=filters.outcome)
    if filters.year is not None:
        requests = requests.filter(year=filters.year)
    return requests.order_by("-requested_on", "-pk")


def access_certificate(user: AnyUser, request_id: int) -> CertificateRequest:
    return access_scoped(
        user,
        CertificateRequest.objects.select_related("community", "rule", "resident", "created_by"),
        request_id,
        "证明",
        "certificate",
    )


@dataclass(frozen=True)
class CertificateCounts:
    issued: int
    turned_away: int


def certificate_counts(communities: QuerySet[Organisation], year: int) -> CertificateCounts:
    """Issued and turned-away requests of these communities in the year, in one query."""
    counts = CertificateRequest.objects.filter(community__in=communities, year=year).aggregate(
        issued=Count("pk", filter=Q(outcome=CertificateOutcomes.ISSUED)),
        turned_away=Count("pk", filter=Q(outcome=CertificateOutcomes.TURNED_AWAY)),
    )
    return CertificateCounts(issued=counts["issued"], turned_away=counts["turned_away"])


def certificate_counts_of(community_id: int, year: int) -> CertificateCounts:
    return certificate_counts(Organisation.objects.filter(pk=community_id), year)


def certificate_choices() -> list[CertificateRule]:
    """Every certificate on the lists in force: those a community may issue first."""
    return list(
        CertificateRule.objects.filter(status=RecordStatuses.ACTIVE).order_by("verdict", "code")
    )


def may_issue(rule: CertificateRule) -> bool:
    return rule.verdict == CertificateVerdicts.MAY_ISSUE
