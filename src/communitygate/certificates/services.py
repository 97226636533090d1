"""Writes of certificates (证明开具): one service answers a resident's request.

`certificate_request_record` looks at the list the certificate is on. On the list a community
may issue, it issues: the resident must be in the community's registry (found by ID number, shown
masked), and the certificate takes the community's next number for the year — the highest
number so far plus one, under a unique constraint, retried when two staff issue at the same
moment, so numbers are unique and leave no gaps. On the list a community may not issue, it turns
the request away: the row is kept (counted on the workbench), no number is taken, and the
answer carries the list's reason and the office that issues it instead. Either way one audit
event, in the same transaction.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Max

from communitygate.audit.recorder import created_fields, record_event
from communitygate.catalog.models import CertificateRule, CertificateVerdicts, RecordStatuses
from communitygate.certificates.models import CertificateOutcomes, CertificateRequest
from communitygate.certificates.printing import certificate_pdf
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied, Problem, RuleBroken
from communitygate.core.idnumbers import id_number_digest, normalise_id_number
from communitygate.core.people import AnyUser, acting_user
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.registry.models import Resident
from communitygate.registry.permissions import works_in

NUMBER_ATTEMPTS = 5


class CertificateRuleRetired(RuleBroken):
    code = "certificate_rule_retired"
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "该证明已不在证明事项清单中，请按现行清单选择。",
            "This certificate is no longer on the certificate lists; choose one from the lists "
            "in force.",
        )


class ResidentNotRegistered(RuleBroken):
    code = "resident_not_registered"
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "本社区居民档案中没有该身份证号码的在册居民；请先登记居民，再开具证明。",
            "No resident of this community's registry has this ID number; register the "
            "resident first, then issue the certificate.",
        )


class NothingToPrint(RuleBroken):
    code = "certificate_not_issued"
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "该请求未开具证明（不属于社区可出具的证明），没有可打印的证明。",
            "This request was turned away (not a certificate a community may issue); there is "
            "nothing to print.",
        )


def certificate_number(community: Organisation, year: int, sequence: int) -> str:
    """370203014002-2026-证-0007: the community's code, the year, the n-th certificate."""
    return f"{community.code}-{year}-证-{sequence:04d}"


@dataclass(frozen=True)
class CertificateAsked:
    """A request as the community's staff take it down."""

    rule_id: int
    id_number: str = ""
    purpose: str = ""
    requested_on: dt.date | None = None


def _staff(actor: AnyUser, community: Organisation) -> User:
    user = acting_user(actor)
    if user is None or community.kind != OrganisationKinds.COMMUNITY:
        raise PermissionDenied()
    if not works_in(actor, community.pk):
        raise PermissionDenied(
            "只有本社区的书记或工作人员可以开具本社区的证明。",
            "Only the community's secretary or workers may issue its certificates.",
        )
    return user


def _resident(community: Organisation, raw_id_number: str, *, required: bool) -> Resident | None:
    if not raw_id_number.strip():
        if required:
            raise InvalidInput(
                [
                    Problem(
                        "开具证明须填写居民的身份证号码。",
                        "Give the resident's ID number to issue a certificate.",
                        field="id_number",
                    )
                ]
            )
        return None
    number = normalise_id_number(raw_id_number)  # InvalidIdNumber, beside the field
    resident = Resident.objects.filter(
        community=community, id_number_digest=id_number_digest(number), moved_out_on__isnull=True
    ).first()
    if resident is None and required:
        raise ResidentNotRegistered()
    return resident


def _next_sequence(community: Organisation, year: int) -> int:
    last = CertificateRequest.objects.filter(
        community=community, year=year, sequence__isnull=False
    ).aggregate(last=Max("sequence"))["last"]
    return (last or 0) + 1


def certificate_request_record(
    *, actor: AnyUser, community: Organisation, asked: CertificateAsked
) -> CertificateRequest:
    """Issue the certificate, or turn the request away (see the module's docstring)."""
    user = _staff(actor, community)
    rule = CertificateRule.objects.filter(pk=asked.rule_id).first()
    if rule is None or rule.status != RecordStatuses.ACTIVE:
        raise CertificateRuleRetired()
    purpose = asked.purpose.strip()
    issuing = rule.verdict == CertificateVerdicts.MAY_ISSUE
    if issuing and not purpose:
        raise InvalidInput(
            [Problem("请填写证明的用途。", "Give the certificate's purpose.", field="purpose")]
        )
    resident = _resident(community, asked.id_number, required=issuing)
    day = asked.requested_on or clock.today()
    for attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                sequence = _next_sequence(community, day.year) if issuing else None
                made = CertificateRequest.objects.create(
                    community=community,
                    rule=rule,
                    outcome=(
                        CertificateOutcomes.ISSUED if issuing else CertificateOutcomes.TURNED_AWAY
                    ),
                    resident=resident,
                    purpose=purpose,
                    requested_on=day,
                    year=day.year,
                    sequence=sequence,
                    number=certificate_number(community, day.year, sequence) if sequence else "",
                    created_by=user,
                    created_at=clock.now(),
                )
                record_event(
                    actor=actor,
                    action="certificate.issue" if issuing else "certificate.turn_away",
                    obj=made,
                    changes=created_fields(
                        {
                            "community": community.code,
                            "certificate": rule.code,
                            "number": made.number,
                            "resident": resident.id_number_masked if resident else "",
                            "purpose": purpose,
                            "date": day,
                        }
                    ),
                    reason="" if issuing else rule.note,
                )
            return made
        except IntegrityError:
            # Another member of staff took the number at the same moment: take the next one.
            if attempt == NUMBER_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def certificate_print(*, actor: AnyUser, request: CertificateRequest) -> bytes:
    """The issued certificate as a PDF, for the community's own staff; each print is recorded
    (a reprint of a stamped paper is worth knowing about)."""
    user = _staff(actor, request.community)
    if request.outcome != CertificateOutcomes.ISSUED:
        raise NothingToPrint()
    content = certificate_pdf(request)
    with transaction.atomic():
        record_event(
            actor=user,
            action="certificate.print",
            obj=request,
            changes=created_fields({"number": request.number}),
        )
    return content
