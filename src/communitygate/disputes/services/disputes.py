"""Writes of dispute mediation (矛盾纠纷调解, 人民调解). A community's staff record a dispute with
its parties (applicant, respondent, others), hold mediation sessions, and conclude it once:
with an agreement (the terms, printed as the 人民调解协议书 by `residents.printing`), as failed,
or referred elsewhere (a court, the police station, arbitration).

Steps (docs/residents-parts/disputes-and-programmes.md): dispute_open → dispute_add_party →
mediation_session_add → dispute_conclude, then dispute_agreement_print (the PDF, audited as
`dispute.agreement_print`). A party's phone is sealed like every phone; audit events record its
mask only. Free text (summary, facts, session notes, terms) is stored with anything shaped like
an ID number or a phone masked (`core.logmask.mask_personal_data`): the pages, the printed
agreement and the audit log show it to people who may not reveal personal information.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from communitygate.audit.recorder import changed_fields, created_fields, record_event
from communitygate.core import clock
from communitygate.core.crypto import Sealed
from communitygate.core.errors import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
    RuleBroken,
)
from communitygate.core.logmask import mask_personal_data
from communitygate.core.people import AnyUser, acting_user
from communitygate.core.phones import normalise_phone, seal_phone
from communitygate.disputes.models import (
    Dispute,
    DisputeKinds,
    DisputeOutcomes,
    DisputeParty,
    MediationSession,
    PartyRoles,
)
from communitygate.disputes.printing import agreement_number, mediation_agreement_pdf
from communitygate.matters.models import Matter
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.registry.models import Resident
from communitygate.registry.permissions import visible_to, works_in

MIN_PARTIES_FOR_AGREEMENT = 2


class DisputeAlreadyConcluded(RuleBroken):
    code = "dispute_already_concluded"

    def __init__(self) -> None:
        super().__init__(
            "该纠纷已有调解结果，不能再修改；如有新情况，请另行登记一宗纠纷。",
            "This dispute is already concluded; record a new dispute if something new happens.",
        )


class AgreementNeedsTerms(RuleBroken):
    code = "agreement_needs_terms"
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "达成协议时须填写协议内容（各方同意的具体事项）。",
            "An agreement needs its terms: write down what the parties agreed.",
        )


class ReferralNeedsDestination(RuleBroken):
    code = "referral_needs_destination"
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "移交处理时须填写移交单位（如人民法院、派出所、劳动仲裁委）。",
            "A referral needs the body it goes to (e.g. the court, the police station).",
        )


class AgreementNeedsMediation(RuleBroken):
    code = "agreement_needs_mediation"

    def __init__(self, *, parties: int, sessions: int) -> None:
        super().__init__(
            f"达成调解协议前须至少有两方当事人并至少调解一次（现有当事人 {parties} 方、"
            f"调解 {sessions} 次）；请先补充当事人或调解记录。",
            f"An agreement needs at least two parties and one mediation session (there are "
            f"{parties} parties and {sessions} sessions); add them first.",
        )


class NoAgreementToPrint(RuleBroken):
    code = "no_agreement_to_print"
    status = 409

    def __init__(self) -> None:
        super().__init__(
            "该纠纷尚未达成调解协议，没有可打印的协议书。",
            "This dispute has no agreement to print; conclude it with an agreement first.",
        )


def _free_text(value: str) -> str:
    """Typed text as stored: trimmed, ID numbers and phones masked."""
    return mask_personal_data(value.strip())


@dataclass(frozen=True)
class PartyInput:
    """One party as entered: name and role; the resident (of the dispute's community) and the
    phone when known. The phone is raw here and sealed by the service."""

    name: str
    role: str
    resident: Resident | None = None
    phone: str = ""


def _require_staff(actor: AnyUser, community_id: int) -> User:
    user = acting_user(actor)
    if user is None or not works_in(actor, community_id):
        raise PermissionDenied(
            "只有本社区的书记或工作人员可以登记和调解纠纷。",
            "Only the community's secretary or workers may record and mediate its disputes.",
        )
    return user


def _require_open(dispute: Dispute) -> None:
    if dispute.outcome:
        raise DisputeAlreadyConcluded()


def _sealed_phone(raw: str, field: str) -> Sealed | None:
    if not raw.strip():
        return None
    try:
        phone = normalise_phone(raw)
    except InvalidInput as invalid:
        raise InvalidInput(
            [
                Problem(problem.message_zh, problem.message_en, field=field)
                for problem in invalid.problems
            ]
        ) from None
    return seal_phone(phone)


def _party_problems(party: PartyInput, community_id: int, field: str) -> list[Problem]:
    problems = []
    if not party.name.strip():
        problems.append(Problem("请填写当事人姓名。", "Give the party's name.", field=field))
    if party.role not in PartyRoles.values:
        problems.append(Problem("当事人身份无法识别。", "Unknown party role.", field=field))
    if party.resident is not None and party.resident.community_id != community_id:
        problems.append(
            Problem(
                "关联的居民不属于本社区。",
                "The linked resident does not live in this community.",
                field=field,
            )
        )
    return problems


def _new_party(dispute: Dispute, party: PartyInput, phone: Sealed | None) -> DisputeParty:
    return DisputeParty(
        dispute=dispute,
        role=party.role,
        name=_free_text(party.name),
        resident=party.resident,
        phone_ciphertext=phone.ciphertext if phone else "",
        phone_digest=phone.digest if phone else "",
        phone_masked=phone.masked if phone else "",
    )


def _party_audit(party: DisputeParty) -> dict[str, object]:
    return {
        "name": party.name,
        "role": party.role,
        "resident": party.resident_id,
        "phone": party.phone_masked,
    }


def dispute_open(
    *,
    actor: AnyUser,
    community: Organisation,
    kind: str,
    summary: str,
    facts: str,
    parties: list[PartyInput],
    matter: Matter | None = None,
) -> Dispute:
    """Record a dispute and its parties (登记纠纷)."""
    if community.kind != OrganisationKinds.COMMUNITY:
        raise PermissionDenied()
    user = _require_staff(actor, community.pk)
    problems = []
    if kind not in DisputeKinds.values:
        problems.append(Problem("纠纷类型无法识别。", "Unknown dispute type.", field="kind"))
    if not summary.strip():
        problems.append(Problem("请填写纠纷概要。", "Give a summary.", field="summary"))
    if not parties:
        problems.append(Problem("请至少填写一方当事人。", "Name at least one party.", "parties"))
    if matter is not None and matter.community_id != community.pk:
        problems.append(
            Problem(
                "关联的民情事项不属于本社区。",
                "The linked matter belongs to another community.",
                field="matter",
            )
        )
    for index, party in enumerate(parties):
        problems += _party_problems(party, community.pk, f"parties[{index}]")
    if problems:
        raise InvalidInput(problems)
    phones = [_sealed_phone(p.phone, f"parties[{i}].phone") for i, p in enumerate(parties)]
    with transaction.atomic():
        dispute = Dispute.objects.create(
            community=community,
            matter=matter,
            kind=kind,
            summary=_free_text(summary),
            facts=_free_text(facts),
            created_by=user,
            created_at=clock.now(),
        )
        rows = DisputeParty.objects.bulk_create(
            [
                _new_party(dispute, party, phone)
                for party, phone in zip(parties, phones, strict=True)
            ]
        )
        record_event(
            actor=user,
            action="dispute.open",
            obj=dispute,
            changes=created_fields(
                {
                    "community": community.code,
                    "kind": kind,
                    "summary": dispute.summary,
                    "matter": matter.pk if matter else None,
                    "parties": [_party_audit(row) for row in rows],
                }
            ),
        )
    return dispute


def dispute_add_party(*, actor: AnyUser, dispute: Dispute, party: PartyInput) -> DisputeParty:
    """Add a party found later (追加当事人); not once the dispute is concluded."""
    _require_staff(actor, dispute.community_id)
    problems = _party_problems(party, dispute.community_id, "party")
    if problems:
        raise InvalidInput(problems)
    phone = _sealed_phone(party.phone, "phone")
    with transaction.atomic():
        _require_open(Dispute.objects.select_for_update().get(pk=dispute.pk))
        row = _new_party(dispute, party, phone)
        row.save(force_insert=True)
        record_event(
            actor=actor,
            action="dispute.add_party",
            obj=dispute,
            changes=created_fields({"party": _party_audit(row)}),
        )
    return row


def mediation_session_add(
    *, actor: AnyUser, dispute: Dispute, held_on: dt.date, mediators: str, notes: str = ""
) -> MediationSession:
    """Record one mediation session (调解记录): when, who mediated, what was said."""
    user = _require_staff(actor, dispute.community_id)
    problems = []
    if not mediators.strip():
        problems.append(Problem("请填写调解员。", "Name the mediators.", field="mediators"))
    if held_on > clock.today():
        problems.append(
            Problem(
                "调解日期不能晚于今天；请在调解后再记录。",
                "The session cannot be in the future; record it after it is held.",
                field="held_on",
            )
        )
    if problems:
        raise InvalidInput(problems)
    with transaction.atomic():
        _require_open(Dispute.objects.select_for_update().get(pk=dispute.pk))
        session = MediationSession.objects.create(
            dispute=dispute,
            held_on=held_on,
            mediators=_free_text(mediators),
            notes=_free_text(notes),
            recorded_by=user,
        )
        record_event(
            actor=user,
            action="dispute.session_add",
            obj=dispute,
            changes=created_fields(
                {"session": session.pk, "held_on": held_on, "mediators": session.mediators}
            ),
        )
    return session


def dispute_conclude(
    *,
    actor: AnyUser,
    dispute: Dispute,
    outcome: str,
    outcome_on: dt.date,
    terms: str = "",
    referred_to: str = "",
) -> Dispute:
    """Conclude a dispute once (调解结果): agreement (needs the terms, two parties and a
    session), failed, or referred (needs where to)."""
    user = _require_staff(actor, dispute.community_id)
    if outcome not in DisputeOutcomes.values:
        raise InvalidInput([Problem("调解结果无法识别。", "Unknown outcome.", field="outcome")])
    if outcome == DisputeOutcomes.AGREEMENT and not terms.strip():
        raise AgreementNeedsTerms()
    if outcome == DisputeOutcomes.REFERRED and not referred_to.strip():
        raise ReferralNeedsDestination()
    if outcome_on > clock.today():
        raise InvalidInput(
            [
                Problem(
                    "结果日期不能晚于今天。",
                    "The outcome date cannot be in the future.",
                    field="outcome_on",
                )
            ]
        )
    with transaction.atomic():
        _require_open(Dispute.objects.select_for_update().get(pk=dispute.pk))
        if outcome == DisputeOutcomes.AGREEMENT:
            parties = dispute.parties.count()
            sessions = dispute.sessions.count()
            if parties < MIN_PARTIES_FOR_AGREEMENT or sessions < 1:
                raise AgreementNeedsMediation(parties=parties, sessions=sessions)
        values = {
            "outcome": outcome,
            "outcome_on": outcome_on,
            "agreement_terms": _free_text(terms) if outcome == DisputeOutcomes.AGREEMENT else "",
            "referred_to": _free_text(referred_to) if outcome == DisputeOutcomes.REFERRED else "",
        }
        # Conditional: of two conclusions at once, one wins and the other is told.
        if not Dispute.objects.filter(pk=dispute.pk, outcome="").update(**values):
            raise DisputeAlreadyConcluded()
        record_event(
            actor=user,
            action="dispute.conclude",
            obj=dispute,
            changes=changed_fields(
                {"outcome": "", "outcome_on": None, "agreement_terms": "", "referred_to": ""},
                values,
            ),
        )
    dispute.refresh_from_db()
    return dispute


def dispute_agreement_print(*, actor: AnyUser, dispute: Dispute) -> bytes:
    """The mediation agreement (人民调解协议书) as a PDF, for anyone who sees the dispute; each
    printing is audited (`dispute.agreement_print`: who, when, which agreement — the paper
    carries the parties' names, so who took a copy is on record)."""
    user = acting_user(actor)
    if user is None or not visible_to(actor, Dispute.objects.filter(pk=dispute.pk)).exists():
        raise NotFound("纠纷", "dispute")
    if dispute.outcome != DisputeOutcomes.AGREEMENT:
        raise NoAgreementToPrint()
    content = mediation_agreement_pdf(dispute)
    with transaction.atomic():
        record_event(
            actor=user,
            action="dispute.agreement_print",
            obj=dispute,
            changes=created_fields({"agreement": agreement_number(dispute)}),
        )
    return content
