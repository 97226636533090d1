"""Loads the Shibei demo through the same services the offices use, so every row is audited.

Safe to run twice: each part is skipped when it is already there; passwords are set anew on
every run (and printed), since a stored password cannot be shown again.
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from communitygate.accounts.models import Membership, Roles
from communitygate.accounts.services import membership_grant, user_create, user_set_password
from communitygate.catalog.importing import catalog_import_check, catalog_import_confirm
from communitygate.catalog.models import CatalogEdition, CatalogItem, ImportStatuses, ItemStatuses
from communitygate.catalog.services import (
    SurveyScope,
    catalog_item_retire,
    catalog_publish,
    certificate_rule_create,
    ledger_create,
    negative_list_entry_create,
    plaque_create,
)
from communitygate.demo import data
from communitygate.demo.admission_history import seed_admission_history
from communitygate.demo.contract_history import seed_contract_history
from communitygate.demo.dispatch_traffic import seed_dispatch_traffic
from communitygate.demo.money_history import seed_money_history
from communitygate.demo.residents import seed_residents
from communitygate.demo.supervision_history import seed_supervision_history
from communitygate.insights import rollups
from communitygate.orgs.models import Organisation
from communitygate.orgs.services import organisation_create


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
    DemoUser("inspector", "区委督查室督查员", "SUP-PARTY", Roles.INSPECTOR),
    DemoUser("inspector2", "区政府督查室督查员", "SUP-GOV", Roles.INSPECTOR),
    DemoUser("supervision-head", "区委督查室负责人", "SUP-PARTY", Roles.HEAD),
    DemoUser("auditor", "区审计局审计员", "AUDIT", Roles.AUDITOR),
    DemoUser("so-staff", "社会组织工作人员", "SO-1", Roles.STAFF),
)


def organisation_from(spec: data.OrgSpec, parent: Organisation | None) -> Organisation:
    """One organisation of the demo's list (`data.ORGANISATIONS`), through the service."""
    return organisation_create(
        actor=None,
        code=spec.code,
        name=spec.name,
        name_en=spec.name_en,
        kind=spec.kind,
        parent=parent,
        illustrative=spec.illustrative,
    )


def seed_organisations() -> int:
    """Create the missing organisations, parents before children."""
    existing = dict(Organisation.objects.values_list("code", "pk"))
    pending = [spec for spec in data.ORGANISATIONS if spec.code not in existing]
    created = 0
    while pending:
        ready = [spec for spec in pending if spec.parent is None or spec.parent in existing]
        if not ready:
            raise RuntimeError(f"demo organisations with unknown parents: {pending[:3]}")
        for spec in ready:
            parent = Organisation.objects.get(code=spec.parent) if spec.parent else None
            existing[spec.code] = organisation_from(spec, parent).pk
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


def _import_catalog_file(office: User, name: str) -> set[str]:
    """Load one catalog file the way an office upload is loaded: check, then confirm."""
    batch = catalog_import_check(actor=office, filename=name, content=data.read_bytes(name))
    if batch.status != ImportStatuses.READY:
        raise RuntimeError(f"the demo's catalog file {name} does not import: {batch.problems[:3]}")
    catalog_import_confirm(actor=office, batch=batch)
    return {row["code"] for row in batch.rows}


def _retire_unlisted(office: User, listed: set[str], reason: str) -> None:
    in_force = CatalogItem.objects.exclude(status=ItemStatuses.RETIRED).exclude(code__in=listed)
    for item in in_force.order_by("code"):
        catalog_item_retire(actor=office, item=item, reason=reason)


def _lists(office: User) -> None:
    for entry in data.NEGATIVE_LIST:
        negative_list_entry_create(
            actor=office, code=entry.code, name=entry.name, reason=entry.reason, basis=entry.basis
        )
    for spec in data.CERTIFICATES:
        certificate_rule_create(
            actor=office,
            code=spec.code,
            name=spec.name,
            verdict=spec.verdict,
            basis=spec.basis,
            note=spec.note,
            issued_by=spec.issued_by,
            catalog_item=(
                CatalogItem.objects.get(code=spec.catalog_item) if spec.catalog_item else None
            ),
        )


def seed_catalog(office: User) -> bool:
    """The catalog's history, as data/editions.json lists it: each edition's catalog file
    imported through the office's import, the items it no longer lists retired, then published;
    then the negative list and the certificate lists (which editions do not record)."""
    if CatalogEdition.objects.exists():
        return False
    with transaction.atomic():
        _records(office)
        for edition in data.EDITIONS:
            listed = _import_catalog_file(office, edition.file)
            if edition.retire_unlisted_reason:
                _retire_unlisted(office, listed, edition.retire_unlisted_reason)
            catalog_publish(
                actor=office,
                title=edition.title,
                note=edition.note,
                published_at=edition.published_at,
                survey=(
                    SurveyScope(
                        subdistricts=edition.survey.subdistricts,
                        communities=edition.survey.communities,
                        surveyed_from=edition.survey.surveyed_from,
                    )
                    if edition.survey
                    else None
                ),
            )
        _lists(office)
    return True


DEMO_DATABASE_MARKERS = ("demo", "test")


def production_refusal(*, demo: bool, vendor: str, database_name: str) -> str | None:
    """Why `seed_demo` must not run here (in Chinese and English), or None on a demo installation.

    Production is any installation that is not a demo one (COMMUNITYGATE_DEMO off), and any
    PostgreSQL database whose name says neither "demo" nor "test" (SQLite is a developer's)."""
    if not demo:
        return (
            "本系统不是演示安装（COMMUNITYGATE_DEMO 未开启），不载入演示数据；"
            "确需载入请加 --allow-production。 / "
            "This is not a demo installation (COMMUNITYGATE_DEMO is off), so the demo is not "
            "loaded; add --allow-production if you really mean to."
        )
    named_for_demo = any(marker in database_name.lower() for marker in DEMO_DATABASE_MARKERS)
    if vendor == "postgresql" and not named_for_demo:
        return (
            f"数据库“{database_name}”看起来是正式数据库（名称中没有 demo 或 test），"
            "不载入演示数据；确需载入请加 --allow-production。 / "
            f"The database '{database_name}' looks like a production one (its name has neither "
            "'demo' nor 'test'), so the demo is not loaded; add --allow-production if you really "
            "mean to."
        )
    return None


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
    seed_supervision_history()
    seed_money_history()
    seed_contract_history()
    seed_residents()
    # As the nightly `refresh_burden --all` would have: the dashboard reads the roll-ups.
    rollups.refresh(every_month=True)
    return password, logins, catalog_created
