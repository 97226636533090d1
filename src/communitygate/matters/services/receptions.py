"""Walk-in reception (来访登记): the community secretary records each resident who comes to the
office — who (a resident of the registry or just a name), what about (a matter category and a
few words), and whether it was handled on the spot or becomes a resident matter. A matter is
created through `matter_receive` (channel: visit to the office) in the same transaction, so the
reception and its matter exist together or not at all.

A typed phone is sealed like every phone of the residents' apps; pages, exports and the audit
log see its mask only. A double submit of the page's form is answered by its one-time token
(`http.formtokens`), as for the other intake forms; the API's retries by their Idempotency-Key
(`core.idempotency`), as for matters."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from communitygate.audit.recorder import created_fields, record_event
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, NotFound, PermissionDenied, Problem
from communitygate.core.idempotency import idempotency_key_checked, idempotent_create, request_hash
from communitygate.core.people import AnyUser, acting_user
from communitygate.core.phones import InvalidPhone, normalise_phone, seal_phone
from communitygate.core.tabular import xlsx_bytes
from communitygate.matters.models import (
    MatterCategory,
    MatterChannels,
    Reception,
    ReceptionOutcomes,
)
from communitygate.matters.selectors.matters import matters_export_scope
from communitygate.matters.selectors.receptions import reception_list
from communitygate.matters.services.matters import (
    MatterIntake,
    free_text,
    local_time,
    matter_receive,
    registered_resident,
)
from communitygate.orgs.models import Organisation
from communitygate.orgs.selectors import active_communities
from communitygate.registry.models import Resident
from communitygate.registry.permissions import works_in

NAME_MAX_LENGTH = 50
SUMMARY_MAX_LENGTH = 200


@dataclass(frozen=True)
class ReceptionIntake:
    community_code: str
    category_code: str
    outcome: str
    visitor_name: str = ""
    phone: str = ""
    resident_id: int | None = None
    summary: str = ""


def _checked(
    intake: ReceptionIntake,
) -> tuple[Organisation | None, MatterCategory | None, Resident | None, str, list[Problem]]:
    problems: list[Problem] = []
    community = active_communities(clock.today()).filter(code=intake.community_code.strip()).first()
    if community is None:
        problems.append(
            Problem(
                "社区无效，或该社区已不再接待来访；请选择现有的社区。",
                "Unknown community, or one that no longer receives visitors; choose a current "
                "community.",
                field="community",
            )
        )
    category = MatterCategory.objects.filter(code=intake.category_code.strip(), active=True).first()
    if category is None:
        problems.append(
            Problem(
                "请从列表中选择来访事由的类别。",
                "Choose what the visit is about from the list.",
                field="category",
            )
        )
    if intake.outcome not in ReceptionOutcomes.values:
        problems.append(
            Problem(
                "请选择：当场办结，或转为民情事项。",
                "Choose: handled on the spot, or turned into a matter.",
                field="outcome",
            )
        )
    resident = registered_resident(intake.resident_id, community, problems)
    name = free_text(intake.visitor_name)
    if not name and intake.resident_id is None:
        problems.append(
            Problem(
                "请填写来访人姓名，或从居民档案中选择。",
                "Give the visitor's name, or pick the resident from the registry.",
                field="visitor_name",
            )
        )
    elif len(name) > NAME_MAX_LENGTH:
        problems.append(
            Problem(
                f"姓名不能超过{NAME_MAX_LENGTH}字。",
                f"Keep the name to {NAME_MAX_LENGTH} characters.",
                field="visitor_name",
            )
        )
    summary = free_text(intake.summary)
    if len(summary) > SUMMARY_MAX_LENGTH:
        problems.append(
            Problem(
                f"事由不能超过{SUMMARY_MAX_LENGTH}字。",
                f"Keep what it is about to {SUMMARY_MAX_LENGTH} characters.",
                field="summary",
            )
        )
    elif not summary and intake.outcome == ReceptionOutcomes.MATTER:
        problems.append(
            Problem(
                "转为民情事项时，请简要写明是什么事。",
                "To turn it into a matter, say briefly what it is about.",
                field="summary",
            )
        )
    phone = ""
    if intake.phone.strip():
        try:
            phone = normalise_phone(intake.phone)
        except InvalidPhone as broken:
            problems.extend(broken.problems)
    return community, category, resident, phone, problems


def _fingerprint(intake: ReceptionIntake, actor_id: int) -> str:
    body = {
        "actor": actor_id,
        "community": intake.community_code.strip(),
        "category": intake.category_code.strip(),
        "outcome": intake.outcome,
        "visitor_name": intake.visitor_name.strip(),
        "phone": intake.phone.strip(),
        "resident": intake.resident_id,
        "summary": intake.summary.strip(),
    }
    # Keyed (HMAC), as the matters' intake: the body holds the full phone beside its stored mask.
    return request_hash(body, keyed_as="reception-request")


def reception_record(
    *, actor: AnyUser, intake: ReceptionIntake, idempotency_key: str = ""
) -> Reception:
    """Record one walk-in visitor for the actor's own community; with the outcome "matter",
    also receive the resident matter (its tracking code is the reception's `matter`).

    With an idempotency key (the API's), a retry returns the first reception and makes no
    second matter; the same key with another visitor is refused (IdempotencyKeyReused). Keys
    are the actor's own."""
    key = idempotency_key_checked(idempotency_key)
    user = acting_user(actor)
    community, category, resident, phone, problems = _checked(intake)
    if user is None or (community is not None and not works_in(user, community.pk)):
        raise PermissionDenied(
            "只有本社区的工作人员可以登记本社区的来访。",
            "Only the community's own staff may record its walk-in visitors.",
        )
    if problems:
        raise InvalidInput(problems)
    assert community is not None and category is not None
    fingerprint = _fingerprint(intake, user.pk) if key else ""
    return idempotent_create(
        key=key,
        fingerprint=fingerprint,
        same_key=Reception.objects.filter(received_by=user, idempotency_key=key),
        create=lambda: _create(
            user=user,
            intake=intake,
            checked=(community, category, resident, phone),
            key=key,
            fingerprint=fingerprint,
        ),
    )


def _create(
    *,
    user: User,
    intake: ReceptionIntake,
    checked: tuple[Organisation, MatterCategory, Resident | None, str],
    key: str,
    fingerprint: str,
) -> Reception:
    community, category, resident, phone = checked
    name = free_text(intake.visitor_name) or (resident.name if resident else "")
    summary = free_text(intake.summary)
    sealed = seal_phone(phone) if phone else None
    with transaction.atomic():
        matter = None
        if intake.outcome == ReceptionOutcomes.MATTER:
            matter = matter_receive(
                actor=user,
                intake=MatterIntake(
                    community_code=community.code,
                    category_code=category.code,
                    summary=summary,
                    contact_name=name,
                    phone=phone,
                    resident_id=resident.pk if resident else None,
                    channel=MatterChannels.VISIT,
                ),
            )
        now = clock.now()
        reception = Reception.objects.create(
            community=community,
            received_on=clock.today(),
            received_at=now,
            received_by=user,
            resident=resident,
            visitor_name=name,
            phone_ciphertext=sealed.ciphertext if sealed else "",
            phone_digest=sealed.digest if sealed else "",
            phone_masked=sealed.masked if sealed else "",
            category=category,
            summary=summary,
            outcome=intake.outcome,
            matter=matter,
            idempotency_key=key,
            request_hash=fingerprint,
        )
        record_event(
            actor=user,
            action="reception.record",
            obj=reception,
            changes=created_fields(
                {
                    "community": community.code,
                    "category": category.code,
                    "outcome": intake.outcome,
                    "resident": resident.pk if resident else None,
                    "phone": sealed.masked if sealed else "",
                    "matter": matter.tracking_code if matter else "",
                }
            ),
        )
    return reception


EXPORT_HEADERS = (
    "登记时间（北京时间）",
    "社区",
    "来访人",
    "电话",
    "类别",
    "事由",
    "处理结果",
    "事项编号",
    "登记人",
)


def reception_row(reception: Reception) -> list[object]:
    return [
        local_time(reception.received_at),
        reception.community.name,
        reception.visitor_name,
        reception.phone_masked,
        reception.category.name,
        reception.summary,
        str(ReceptionOutcomes(reception.outcome).label),
        reception.matter.tracking_code if reception.matter else "",
        reception.received_by.get_full_name() or reception.received_by.get_username(),
    ]


def receptions_export(
    *, actor: AnyUser, day: dt.date, community_code: str = ""
) -> tuple[bytes, int]:
    """A day's receptions the person sees (one community's with `community_code`), as on the
    list, as XLSX with masked phones only; the export is recorded (`reception.export`, on the
    person's community or subdistrict, as the matters' export)."""
    user = acting_user(actor)
    if user is None:
        raise NotFound("来访登记", "receptions")
    scope = matters_export_scope(user)
    with transaction.atomic():
        rows = reception_list(user, day=day, community_code=community_code)
        content, count = xlsx_bytes(
            "来访登记", EXPORT_HEADERS, (reception_row(reception) for reception in rows)
        )
        record_event(
            actor=user,
            action="reception.export",
            obj=scope,
            changes={
                "day": [None, day.isoformat()],
                "community": [None, community_code],
                "rows": [None, count],
            },
        )
    return content, count
