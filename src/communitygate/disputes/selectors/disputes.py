"""Reads of dispute mediation: the disputes a person may see (their community's, or those of
the communities under their subdistrict), one dispute with its parties and sessions."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from communitygate.core.people import AnyUser
from communitygate.disputes.models import Dispute, DisputeParty, MediationSession
from communitygate.registry.permissions import access_scoped, visible_to


def disputes_visible_to(user: AnyUser) -> QuerySet[Dispute]:
    return visible_to(user, Dispute.objects.all())


def dispute_list(
    user: AnyUser, *, outcome: str = "", kind: str = "", open_only: bool = False
) -> QuerySet[Dispute]:
    """The person's disputes, newest first, with their party and session counts; `outcome`
    and `kind` filter by value, `open_only` keeps those without an outcome."""
    disputes = disputes_visible_to(user)
    if outcome:
        disputes = disputes.filter(outcome=outcome)
    if kind:
        disputes = disputes.filter(kind=kind)
    if open_only:
        disputes = disputes.filter(outcome="")
    return (
        disputes.select_related("community")
        .annotate(
            party_count=Count("parties", distinct=True),
            session_count=Count("sessions", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def access_dispute(user: AnyUser, dispute_id: int) -> Dispute:
    return access_scoped(
        user, Dispute.objects.select_related("community", "matter"), dispute_id, "纠纷", "dispute"
    )


@dataclass(frozen=True)
class DisputeRecord:
    """A dispute with its parties (phones masked) and sessions, read in three queries."""

    dispute: Dispute
    parties: list[DisputeParty]
    sessions: list[MediationSession]


def dispute_record(dispute: Dispute) -> DisputeRecord:
    return DisputeRecord(
        dispute=dispute,
        parties=list(dispute.parties.order_by("pk")),
        sessions=list(dispute.sessions.select_related("recorded_by").order_by("held_on", "pk")),
    )
