"""Loads the Shibei demo through the same services the offices use, so every row is audited.

Safe to run twice: each part is skipped when it is already there; passwords are set anew on
every run (and printed), since a stored password cannot be shown again.
"""

import datetime as dt
import secrets
from dataclasses import dataclass, replace
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction

from communitygate.accounts.models import Membership, Roles
from communitygate.accounts.services import membership_grant, user_create, user_set_password
from communitygate.catalog.models import CatalogEdition, CatalogItem, CertificateVerdicts
from communitygate.catalog.services import (
    ItemFields,
    catalog_item_create,
    catalog_item_retire,
    catalog_item_revise,
    catalog_publish,
    certificate_rule_create,
    item_fields_of,
    ledger_create,
    negative_list_entry_create,
    plaque_create,
)
from communitygate.demo import data
from communitygate.demo.admission_history import seed_admission_history
from communitygate.demo.dispatch_traffic import seed_dispatch_traffic
from communitygate.demo.residents import seed_residents
from communitygate.orgs.models import Organisation
from communitygate.orgs.services import organisation_create

SHANGHAI = ZoneInfo("Asia/Shanghai")
SURVEY_PUBLISHED = dt.datetime(2014, 6, 30, 10, 0, tzinfo=SHANGHAI)
REFORM_PUBLISHED = dt.datetime(2014, 12, 1, 10, 0, tzinfo=SHANGHAI)
SURVEY_VALID_FROM = dt.date(2014, 1, 1)
SURVEY_VALID_TO = dt.date(2014, 12, 31)
REFORM_VALID_FROM = dt.date(2015, 1, 1)
REFORM_REASON = (
    "社区减负：实行社区工作准入制度，清理不属于社区的工作 / community work access reform"
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    label: str
    organisation: str  # an organisation code, or "name:<name>" for a community found by name
    role: str


DEMO_USERS = (
    DemoUser("office", "委员会办公室", "CMTE-OFFICE", Roles.ADMIN),
    DemoUser("committee", "社区建设指导委员会委员", "CMTE", Roles.MEMBER),
    DemoUser("civil-affairs", "区民政局经办人", "DEPT-MZ", Roles.CLERK),
    DemoUser("health", "区卫生健康局经办人", "DEPT-WJ", Roles.CLERK),
    DemoUser("statistics", "区统计局经办人", "DEPT-TJ", Roles.CLERK),
    DemoUser("urban", "区城市管理局经办人", "DEPT-CG", Roles.CLERK),
    DemoUser("luoyanglu", "洛阳路街道工作人员", "370203031", Roles.OFFICER),
    DemoUser("dunhualu", "敦化路街道工作人员", "370203014", Roles.OFFICER),
    DemoUser("shangqiulu", "商邱路社区书记", "name:商邱路社区", Roles.SECRETARY),
    DemoUser("yichunlu", "伊春路社区书记", "name:伊春路社区", Roles.SECRETARY),
    DemoUser("inspector", "区政府督查室督查员", "SUP-GOV", Roles.INSPECTOR),
    DemoUser("auditor", "区审计局审计员", "AUDIT", Roles.AUDITOR),
)


def all_org_specs() -> list[data.OrgSpec]:
    return [
        data.DISTRICT,
        *data.SUBDISTRICTS,
        *data.DEPARTMENTS,
        *data.OTHER_BODIES,
        *data.COMMUNITIES,
    ]


def seed_organisations() -> int:
    """Create the missing organisations, parents before children."""
    existing = dict(Organisation.objects.values_list("code", "pk"))
    pending = [spec for spec in all_org_specs() if spec.code not in existing]
    created = 0
    while pending:
        ready = [spec for spec in pending if spec.parent is None or spec.parent in existing]
        if not ready:
            raise RuntimeError(f"demo organisations with unknown parents: {pending[:3]}")
        for spec in ready:
            parent = Organisation.objects.get(code=spec.parent) if spec.parent else None
            organisation = organisation_create(
                actor=None,
                code=spec.code,
                name=spec.name,
                name_en=spec.name_en,
                kind=spec.kind,
                parent=parent,
                illustrative=spec.illustrative,
            )
            existing[spec.code] = organisation.pk
            created += 1
        pending = [spec for spec in pending if spec.code not in existing]
    return created


def _organisation_for(reference: str) -> Organisation:
    if reference.startswith("name:"):
        return Organisation.objects.get(name=reference.removeprefix("name:"), kind="community")
    return Organisation.objects.get(code=reference)


def seed_users(password: str) -> list[tuple[str, str]]:
    """The demo logins (username, description); each gets `password`."""
    logins = []
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.username).first()
        if user is None:
            user = user_create(
                actor=None,
                username=demo.username,
                password=None,
                first_name=f"演示用户（{demo.label}）",
            )
        user_set_password(actor=None, user=user, password=password)
        organisation = _organisation_for(demo.organisation)
        holds_role = Membership.objects.filter(
            user=user, organisation=organisation, role=demo.role, active_to__isnull=True
        ).exists()
        if not holds_role:
            membership_grant(
                actor=None,
                user=user,
                organisation=organisation,
                role=demo.role,
                active_from=dt.date(2014, 1, 1),
            )
        logins.append((demo.username, f"{demo.label} · {organisation.name}"))
    return logins


def _survey_fields(spec: data.ItemSpec) -> ItemFields:
    return ItemFields(
        code=spec.code,
        name=spec.name,
        item_class=spec.item_class,
        domain=spec.domain,
        department_code=spec.department,
        legal_basis=spec.legal_basis,
        community_duty=spec.community_duty,
        frequency=spec.frequency,
        ledger_codes=spec.ledgers,
        plaque_codes=spec.plaques,
        estimated_hours=Decimal(spec.estimated_hours),
        funding_per_community=Decimal(spec.funding) if spec.funding else None,
        valid_from=SURVEY_VALID_FROM,
        valid_to=SURVEY_VALID_TO,
    )


def _records(office: User) -> None:
    departments = {org.code: org for org in Organisation.objects.filter(kind="department")}
    for ledger in data.LEDGERS:
        ledger_create(
            actor=office,
            code=ledger.code,
            name=ledger.name,
            medium=ledger.medium,
            department=departments.get(ledger.department),
        )
    for plaque in data.PLAQUES:
        plaque_create(
            actor=office,
            code=plaque.code,
            name=plaque.name,
            department=departments.get(plaque.department),
        )


def _reform(office: User) -> None:
    """The 2014 reform: keep 55 statutory tasks, 6 funded delegated tasks and the allowed
    certificates; retire everything else."""
    delegated = {kept.code: kept for kept in data.REFORMED_DELEGATED}
    kept_codes = set(data.REFORMED_STATUTORY) | set(delegated) | set(data.REFORMED_CERTIFICATES)
    items = CatalogItem.objects.select_related("department").prefetch_related("ledgers", "plaques")
    for item in items.order_by("code"):
        if item.code not in kept_codes:
            catalog_item_retire(actor=office, item=item, reason=REFORM_REASON)
            continue
        fields = replace(item_fields_of(item), valid_from=REFORM_VALID_FROM, valid_to=None)
        if item.code in delegated:
            kept = delegated[item.code]
            fields = replace(
                fields,
                funding_per_community=Decimal(kept.funding),
                department_code=kept.department,
                application_ref=f"市北准入〔2014〕{kept.code[-3:]}号",
            )
        catalog_item_revise(actor=office, item=item, fields=fields, reason=REFORM_REASON)


def _lists(office: User) -> None:
    for entry in data.NEGATIVE_LIST:
        negative_list_entry_create(
            actor=office, code=entry.code, name=entry.name, reason=entry.reason, basis=entry.basis
        )
    allowed_items = dict(
        zip(
            [spec.code for spec in data.CERTIFICATES_ALLOWED],
            data.REFORMED_CERTIFICATES,
            strict=True,
        )
    )
    for spec in data.CERTIFICATES_ALLOWED:
        certificate_rule_create(
            actor=office,
            code=spec.code,
            name=spec.name,
            verdict=CertificateVerdicts.MAY_ISSUE,
            basis=spec.basis,
            note=spec.note,
            catalog_item=CatalogItem.objects.get(code=allowed_items[spec.code]),
        )
    for spec in data.CERTIFICATES_FORBIDDEN:
        certificate_rule_create(
            actor=office,
            code=spec.code,
            name=spec.name,
            verdict=CertificateVerdicts.MAY_NOT_ISSUE,
            basis=spec.basis,
            note=spec.note,
        )


def seed_catalog(office: User) -> bool:
    """The catalog's history: the 2014 survey edition, then the reformed edition."""
    if CatalogEdition.objects.exists():
        return False
    with transaction.atomic():
        _records(office)
        for spec in data.SURVEY_ITEMS:
            catalog_item_create(actor=office, fields=_survey_fields(spec))
        catalog_publish(
            actor=office,
            title="2014年社区工作事项调查（改革前）",
            note="市北区对5个街道、50个社区的调查：475项工作，97块牌子，249本台账。",
            published_at=SURVEY_PUBLISHED,
        )
        _reform(office)
        _lists(office)
        catalog_publish(
            actor=office,
            title="社区工作准入目录（改革后）",
            note="法定日常工作55项；委托办理事项由150项减为6项，谁委托谁出钱。",
            published_at=REFORM_PUBLISHED,
        )
    return True


def generate_password() -> str:
    return f"demo-{secrets.token_urlsafe(9)}"


def seed_demo(password: str | None = None) -> tuple[str, list[tuple[str, str]], bool]:
    password = password or generate_password()
    with transaction.atomic():
        seed_organisations()
        logins = seed_users(password)
    office = User.objects.get(username="office")
    catalog_created = seed_catalog(office)
    seed_admission_history()
    seed_dispatch_traffic()
    seed_residents()
    return password, logins, catalog_created
