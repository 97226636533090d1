"""Writes to the admission catalog: items, their status changes, publishing editions, and the
records around them (ledgers, plaques, negative list, certificate lists).

Every service checks the actor may manage the catalog, runs in one transaction, and records its
audit event in it. Status changes are conditional updates, so two offices clicking at once
cannot both win.
"""

import datetime as dt
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from communitygate.audit.recorder import changed_fields, created_fields, record_event
from communitygate.audit.transitions import transition_apply
from communitygate.catalog.models import (
    CatalogEdition,
    CatalogItem,
    CertificateRule,
    Domains,
    EditionEntry,
    Frequencies,
    ItemClasses,
    ItemStatuses,
    Ledger,
    NegativeListEntry,
    Plaque,
    RecordStatuses,
    TaskTypes,
)
from communitygate.catalog.permissions import can_admit_into_catalog, can_manage_catalog
from communitygate.catalog.selectors import edition_latest_forget
from communitygate.catalog.snapshots import item_snapshot
from communitygate.catalog.workflow import CATALOG_ITEM, OFFICE
from communitygate.core import clock
from communitygate.core.errors import (
    InvalidInput,
    PermissionDenied,
    Problem,
    RuleBroken,
    StaleObject,
)
from communitygate.core.people import AnyUser, acting_user
from communitygate.orgs.models import Organisation, OrganisationKinds

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
OWNER_KINDS = {OrganisationKinds.DEPARTMENT, OrganisationKinds.COMMITTEE_OFFICE}


class ItemCodeTaken(RuleBroken):
    code = "item_code_taken"

    def __init__(self, item_code: str) -> None:
        super().__init__(
            f"事项编码 {item_code} 已存在；修改该事项请使用“修订”。",
            f"The item code {item_code} already exists; revise that item instead.",
        )


class ItemRetired(RuleBroken):
    code = "item_retired"

    def __init__(self, item_code: str) -> None:
        super().__init__(
            f"事项 {item_code} 已退出目录，不能再修改；如需恢复请新建事项。",
            f"Item {item_code} is retired and cannot change; create a new item instead.",
        )


class ReasonRequired(RuleBroken):
    code = "reason_required"
    status = 422

    def __init__(self) -> None:
        super().__init__("请填写原因。", "Give a reason.")


class NothingToPublish(RuleBroken):
    code = "nothing_to_publish"

    def __init__(self) -> None:
        super().__init__(
            "目录自上一版本以来没有变化，无需发布新版本。",
            "The catalog has not changed since the last edition; there is nothing to publish.",
        )


class EditionPublishedConcurrently(RuleBroken):
    code = "edition_published_concurrently"

    def __init__(self) -> None:
        super().__init__(
            "另一位工作人员刚刚发布了新版本，请查看后重试。",
            "Someone else has just published an edition; review it and try again.",
        )


class RecordCodeTaken(RuleBroken):
    code = "record_code_taken"

    def __init__(self, record_code: str) -> None:
        super().__init__(
            f"编码 {record_code} 已被使用。", f"The code {record_code} is already used."
        )


@dataclass(frozen=True)
class ItemFields:
    """Everything the office sets on an item. Ledgers and plaques are given by code."""

    code: str
    name: str
    item_class: str
    domain: str
    department_code: str
    name_en: str = ""
    legal_basis: str = ""
    community_duty: str = ""
    frequency: str = Frequencies.ONGOING
    ledger_codes: tuple[str, ...] = ()
    plaque_codes: tuple[str, ...] = ()
    estimated_hours: Decimal = Decimal("0")
    funding_per_community: Decimal | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    application_ref: str = ""


def require_catalog_manager(actor: AnyUser) -> None:
    if not can_manage_catalog(actor):
        raise PermissionDenied(OFFICE.refusal_zh, OFFICE.refusal_en)


def _problem(field_name: str, zh: str, en: str) -> Problem:
    return Problem(message_zh=zh, message_en=en, field=field_name)


def item_field_problems(fields: ItemFields, *, today: dt.date) -> list[Problem]:
    """Every rule the item's own fields break (references are checked separately)."""
    problems: list[Problem] = []
    if not CODE_PATTERN.match(fields.code):
        problems.append(
            _problem(
                "编码",
                "编码须为1–32位字母、数字、点、横线或下划线。",
                "The code must be 1–32 letters, digits, '.', '-' or '_'.",
            )
        )
    if not fields.name.strip() or len(fields.name) > 200:
        problems.append(
            _problem(
                "事项名称",
                "事项名称必填，且不超过200字。",
                "The name is required, at most 200 characters.",
            )
        )
    if fields.item_class not in ItemClasses.values:
        problems.append(
            _problem(
                "类别",
                "类别须为法定日常工作、委托办理、证明盖章或创建评比。",
                "The class must be statutory, delegated, certificate or evaluation.",
            )
        )
    if fields.domain not in Domains.values:
        problems.append(_problem("领域", "领域不在目录的领域列表中。", "Unknown domain."))
    if fields.frequency not in Frequencies.values:
        problems.append(_problem("频次", "频次无法识别。", "Unknown frequency."))
    if fields.estimated_hours < 0:
        problems.append(_problem("预计工时", "预计工时不能为负数。", "Hours cannot be negative."))
    if fields.funding_per_community is not None and fields.funding_per_community < 0:
        problems.append(_problem("经费", "经费不能为负数。", "Funding cannot be negative."))
    if fields.valid_from and fields.valid_to and fields.valid_to < fields.valid_from:
        problems.append(
            _problem("有效期", "有效期截止日早于起始日。", "The end date is before the start date.")
        )
    if _statutory_without_article(fields, today=today):
        problems.append(
            _problem(
                "依据",
                "法定日常工作只能由委员会办公室列入目录，并须在“依据”中写明法律法规的名称及条款，"
                "例如：《中华人民共和国城市居民委员会组织法》第三条。",
                "Statutory daily work enters the catalog only through the committee office, and its "
                "legal basis (依据) must name the law or regulation and its article, e.g. "
                "《中华人民共和国城市居民委员会组织法》第三条 (Article 3).",
            )
        )
    if _delegated_without_funding(fields, today=today):
        problems.append(
            _problem(
                "经费",
                "谁委托谁出钱：现行的委托办理事项必须写明每个社区每年的经费。",
                "Who delegates pays: a delegated item in force must carry its funding "
                "per community per year.",
            )
        )
    return problems


def _delegated_without_funding(fields: ItemFields, *, today: dt.date) -> bool:
    """History may record unfunded delegated work (the 2014 survey did); the present may not."""
    in_force_now_or_later = fields.valid_to is None or fields.valid_to >= today
    unfunded = not fields.funding_per_community
    return fields.item_class == ItemClasses.DELEGATED and in_force_now_or_later and unfunded


# An article: 第三条, 第12条, or "Article 3" / "Art. 3".
ARTICLE_PATTERN = re.compile(
    r"第[0-9０-９一二三四五六七八九十百千零〇两]+条|\b(?:Article|Art\.)\s*[0-9]+", re.IGNORECASE
)
LAW_TITLE_PATTERN = re.compile(r"《[^《》]+》")
LAW_NAME_MIN_LETTERS = 4


def cites_law_and_article(legal_basis: str) -> bool:
    """Does the text name a law or regulation and then one of its articles? (《…》第三条,
    "城市居民委员会组织法第三条", "Organic Law of Urban Residents' Committees, Article 3")."""
    article = ARTICLE_PATTERN.search(legal_basis)
    if article is None:
        return False
    before = legal_basis[: article.start()]
    if LAW_TITLE_PATTERN.search(before):
        return True
    return len(re.findall(r"[A-Za-z\u4e00-\u9fff]", before)) >= LAW_NAME_MIN_LETTERS


def _statutory_without_article(fields: ItemFields, *, today: dt.date) -> bool:
    """Statutory daily work comes from law (SPEC §4 "Who proposes what"): an item in force now or
    later cites the law and its article. History (the 2014 survey) is recorded as it was."""
    in_force_now_or_later = fields.valid_to is None or fields.valid_to >= today
    return (
        fields.item_class == ItemClasses.STATUTORY
        and in_force_now_or_later
        and not cites_law_and_article(fields.legal_basis)
    )


@dataclass
class ResolvedReferences:
    department: Organisation | None
    ledgers: list[Ledger]
    plaques: list[Plaque]
    problems: list[Problem]


def resolve_references(fields: ItemFields) -> ResolvedReferences:
    problems: list[Problem] = []
    department = Organisation.objects.filter(code=fields.department_code).first()
    if department is None or department.kind not in OWNER_KINDS:
        problems.append(
            _problem(
                "责任部门",
                f"责任部门“{fields.department_code}”不是已登记的职能部门。",
                f"'{fields.department_code}' is not a registered department.",
            )
        )
    ledgers = list(Ledger.objects.filter(code__in=fields.ledger_codes))
    missing_ledgers = sorted(set(fields.ledger_codes) - {ledger.code for ledger in ledgers})
    if missing_ledgers:
        problems.append(
            _problem(
                "台账",
                f"台账不存在：{'、'.join(missing_ledgers)}",
                f"Unknown ledgers: {', '.join(missing_ledgers)}",
            )
        )
    plaques = list(Plaque.objects.filter(code__in=fields.plaque_codes))
    missing_plaques = sorted(set(fields.plaque_codes) - {plaque.code for plaque in plaques})
    if missing_plaques:
        problems.append(
            _problem(
                "牌子",
                f"牌子不存在：{'、'.join(missing_plaques)}",
                f"Unknown plaques: {', '.join(missing_plaques)}",
            )
        )
    return ResolvedReferences(department, ledgers, plaques, problems)


def _validated(fields: ItemFields) -> ResolvedReferences:
    problems = item_field_problems(fields, today=clock.today())
    references = resolve_references(fields)
    if problems or references.problems:
        raise InvalidInput(problems + references.problems)
    return references


def _loaded(item_pk: int) -> CatalogItem:
    return (
        CatalogItem.objects.select_related("department")
        .prefetch_related("ledgers", "plaques")
        .get(pk=item_pk)
    )


def _assign(item: CatalogItem, fields: ItemFields, references: ResolvedReferences) -> None:
    item.name = fields.name.strip()
    item.name_en = fields.name_en.strip()
    item.item_class = fields.item_class
    item.domain = fields.domain
    item.legal_basis = fields.legal_basis.strip()
    assert references.department is not None
    item.department = references.department
    item.community_duty = fields.community_duty.strip()
    item.frequency = fields.frequency
    item.estimated_hours = fields.estimated_hours
    item.funding_per_community = fields.funding_per_community
    item.valid_from = fields.valid_from
    item.valid_to = fields.valid_to
    item.application_ref = fields.application_ref


def _insert_item(*, actor: AnyUser, fields: ItemFields, action: str) -> CatalogItem:
    """Check and insert a new item, with its audit event, in one (nested) transaction."""
    references = _validated(fields)
    now = clock.now()
    try:
        with transaction.atomic():
            item = CatalogItem(code=fields.code, created_at=now, updated_at=now)
            _assign(item, fields, references)
            item.save(force_insert=True)
            item.ledgers.set(references.ledgers)
            item.plaques.set(references.plaques)
            item = _loaded(item.pk)
            record_event(
                actor=acting_user(actor),
                action=action,
                obj=item,
                changes=created_fields(item_snapshot(item)),
            )
    except IntegrityError:
        raise ItemCodeTaken(fields.code) from None
    return item


def catalog_item_create(*, actor: AnyUser, fields: ItemFields) -> CatalogItem:
    """A new item in the office's working copy (public once an edition is published)."""
    require_catalog_manager(actor)
    return _insert_item(actor=actor, fields=fields, action="catalog_item.create")


def catalog_item_revise(
    *,
    actor: AnyUser,
    item: CatalogItem,
    fields: ItemFields,
    expected_revision: int | None = None,
    reason: str = "",
) -> CatalogItem:
    """Change an item's fields (not its code or status). A stale form is refused, not merged."""
    require_catalog_manager(actor)
    references = _validated(fields)
    with transaction.atomic():
        current = _loaded(item.pk)
        if current.status == ItemStatuses.RETIRED:
            raise ItemRetired(current.code)
        before = item_snapshot(current)
        revision = current.revision if expected_revision is None else expected_revision
        claimed = CatalogItem.objects.filter(pk=current.pk, revision=revision).update(
            revision=revision + 1, updated_at=clock.now()
        )
        if claimed != 1:
            raise StaleObject()
        current.revision = revision + 1
        _assign(current, fields, references)
        current.save()
        current.ledgers.set(references.ledgers)
        current.plaques.set(references.plaques)
        current = _loaded(current.pk)
        changes = changed_fields(before, item_snapshot(current))
        record_event(
            actor=acting_user(actor),
            action="catalog_item.revise",
            obj=current,
            changes=changes,
            reason=reason,
        )
    return current


def _change_status(*, actor: AnyUser, item: CatalogItem, action: str, reason: str) -> CatalogItem:
    """One step of the item's workflow (catalog.workflow), with the reason on its audit event."""
    CATALOG_ITEM.authorise(actor, item, action)
    if not reason.strip():
        raise ReasonRequired()
    transition_apply(CATALOG_ITEM, actor=actor, subject=item, action=action, reason=reason.strip())
    return _loaded(item.pk)


def catalog_item_suspend(*, actor: AnyUser, item: CatalogItem, reason: str) -> CatalogItem:
    return _change_status(actor=actor, item=item, action="suspend", reason=reason)


def catalog_item_reinstate(*, actor: AnyUser, item: CatalogItem, reason: str) -> CatalogItem:
    return _change_status(actor=actor, item=item, action="reinstate", reason=reason)


def catalog_item_retire(*, actor: AnyUser, item: CatalogItem, reason: str) -> CatalogItem:
    return _change_status(actor=actor, item=item, action="retire", reason=reason)


def _working_snapshots() -> dict[str, tuple[CatalogItem, dict[str, Any]]]:
    items = CatalogItem.objects.select_related("department").prefetch_related("ledgers", "plaques")
    return {item.code: (item, item_snapshot(item)) for item in items}


def _latest_edition_snapshots() -> dict[str, dict[str, Any]]:
    latest = CatalogEdition.objects.order_by("-number").first()
    if latest is None:
        return {}
    return {code: fields for code, fields in latest.entries.values_list("code", "fields")}


@dataclass(frozen=True)
class SurveyScope:
    """What a survey edition counted (调查范围): how many subdistricts and communities, from when
    (the 2014 survey: 5 subdistricts, 50 communities, from September 2013)."""

    subdistricts: int
    communities: int
    surveyed_from: dt.date

    def problems(self) -> list[Problem]:
        problems = []
        if self.subdistricts < 1:
            problems.append(
                _problem("subdistricts", "调查的街道数至少为 1。", "Survey at least 1 subdistrict.")
            )
        if self.communities < self.subdistricts:
            problems.append(
                _problem(
                    "communities",
                    "调查的社区数不能少于街道数。",
                    "A survey covers at least one community per subdistrict.",
                )
            )
        return problems


def catalog_publish(
    *,
    actor: AnyUser,
    title: str,
    note: str = "",
    published_at: dt.datetime | None = None,
    survey: SurveyScope | None = None,
) -> CatalogEdition:
    """Publish the working copy as a new edition: a snapshot of every item ever published or new.

    Retired items stay in the snapshot with status "retired", so an edition says what left the
    catalog as well as what is in it. A survey edition (`survey`) records its scope as data.
    """
    require_catalog_manager(actor)
    if not title.strip():
        raise InvalidInput([_problem("title", "请填写版本标题。", "Give the edition a title.")])
    if survey is not None and (problems := survey.problems()):
        raise InvalidInput(problems)
    try:
        with transaction.atomic():
            working = _working_snapshots()
            previous = _latest_edition_snapshots()
            if previous and {code: snap for code, (_i, snap) in working.items()} == previous:
                raise NothingToPublish()
            number = (CatalogEdition.objects.aggregate(top=Max("number"))["top"] or 0) + 1
            edition_latest_forget()  # now (this transaction's reads) and when it commits
            transaction.on_commit(edition_latest_forget)
            edition = CatalogEdition.objects.create(
                number=number,
                title=title.strip(),
                note=note.strip(),
                published_at=published_at or clock.now(),
                published_by=acting_user(actor),
                surveyed_subdistricts=survey.subdistricts if survey else None,
                surveyed_communities=survey.communities if survey else None,
                surveyed_from=survey.surveyed_from if survey else None,
            )
            EditionEntry.objects.bulk_create(
                EditionEntry(
                    edition=edition,
                    item=item,
                    code=code,
                    name=snapshot["name"],
                    item_class=snapshot["item_class"],
                    domain=snapshot["domain"],
                    department=item.department,
                    status=snapshot["status"],
                    fields=snapshot,
                )
                for code, (item, snapshot) in sorted(working.items())
            )
            record_event(
                actor=acting_user(actor),
                action="catalog.publish",
                obj=edition,
                changes=created_fields(
                    {
                        "number": number,
                        "title": edition.title,
                        "items": len(working),
                        **(
                            {
                                "surveyed_subdistricts": survey.subdistricts,
                                "surveyed_communities": survey.communities,
                                "surveyed_from": survey.surveyed_from,
                            }
                            if survey
                            else {}
                        ),
                    }
                ),
                reason=note,
            )
    except IntegrityError:
        raise EditionPublishedConcurrently() from None
    return edition


def catalog_admit(
    *,
    actor: AnyUser,
    fields: ItemFields,
    title: str,
    note: str = "",
    new_ledger_names: tuple[str, ...] = (),
    new_plaque_names: tuple[str, ...] = (),
) -> tuple[CatalogItem, CatalogEdition]:
    """Admit one decided item and publish it at once, in its own new edition.

    The new edition is the latest published one plus this item, so the office's other
    unpublished work stays unpublished. Called by the admission path after its own checks.
    Ledgers and plaques the application asked for that the records did not have yet
    (`new_*_names`) become records of the item's department here, with the decision that
    admits them; a name that has meanwhile entered the records is linked, not repeated.
    """
    if not can_admit_into_catalog(actor):
        raise PermissionDenied(
            "只有区社区建设指导委员会或其办公室可以将事项纳入准入目录。",
            "Only the committee or its office may admit an item into the catalog.",
        )
    try:
        with transaction.atomic():
            fields = _with_new_records(
                actor, fields, ledger_names=new_ledger_names, plaque_names=new_plaque_names
            )
            item = _insert_item(actor=actor, fields=fields, action="catalog_item.admit")
            edition = _publish_latest_plus(actor=actor, item=item, title=title, note=note)
    except IntegrityError:
        raise EditionPublishedConcurrently() from None
    return item, edition


def _with_new_records(
    actor: AnyUser,
    fields: ItemFields,
    *,
    ledger_names: tuple[str, ...],
    plaque_names: tuple[str, ...],
) -> ItemFields:
    """The item's fields with the new ledgers and plaques added by code, created as needed
    (codes TZ-<item code>-n and PZ-<item code>-n)."""
    if not ledger_names and not plaque_names:
        return fields
    department = Organisation.objects.filter(code=fields.department_code).first()
    ledger_codes = list(fields.ledger_codes)
    for number, name in enumerate(ledger_names, start=1):
        existing = Ledger.objects.filter(name=name, status=RecordStatuses.ACTIVE).first()
        ledger = existing or _create_record(
            actor,
            Ledger(code=f"TZ-{fields.code}-{number}", name=name, department=department),
            "ledger.create",
        )
        if ledger.code not in ledger_codes:
            ledger_codes.append(ledger.code)
    plaque_codes = list(fields.plaque_codes)
    for number, name in enumerate(plaque_names, start=1):
        existing_plaque = Plaque.objects.filter(name=name, status=RecordStatuses.ACTIVE).first()
        plaque = existing_plaque or _create_record(
            actor,
            Plaque(code=f"PZ-{fields.code}-{number}", name=name, department=department),
            "plaque.create",
        )
        if plaque.code not in plaque_codes:
            plaque_codes.append(plaque.code)
    return replace(fields, ledger_codes=tuple(ledger_codes), plaque_codes=tuple(plaque_codes))


def _publish_latest_plus(
    *, actor: AnyUser, item: CatalogItem, title: str, note: str
) -> CatalogEdition:
    latest = CatalogEdition.objects.order_by("-number").first()
    number = (latest.number if latest else 0) + 1
    edition_latest_forget()  # now (this transaction's reads) and when it commits
    transaction.on_commit(edition_latest_forget)
    edition = CatalogEdition.objects.create(
        number=number,
        title=title,
        note=note,
        published_at=clock.now(),
        published_by=acting_user(actor),
    )
    carried = list(latest.entries.all()) if latest else []
    for entry in carried:
        entry.pk = None
        entry.edition = edition
    snapshot = item_snapshot(item)
    carried.append(
        EditionEntry(
            edition=edition,
            item=item,
            code=item.code,
            name=snapshot["name"],
            item_class=snapshot["item_class"],
            domain=snapshot["domain"],
            department=item.department,
            status=snapshot["status"],
            fields=snapshot,
        )
    )
    EditionEntry.objects.bulk_create(carried)
    record_event(
        actor=acting_user(actor),
        action="catalog.publish",
        obj=edition,
        changes=created_fields({"number": number, "title": title, "items": len(carried)}),
        reason=note,
    )
    return edition


def ledger_create(
    *, actor: AnyUser, code: str, name: str, medium: str, department: Organisation | None
) -> Ledger:
    require_catalog_manager(actor)
    return _create_record(
        actor, Ledger(code=code, name=name, medium=medium, department=department), "ledger.create"
    )


def plaque_create(
    *, actor: AnyUser, code: str, name: str, department: Organisation | None
) -> Plaque:
    require_catalog_manager(actor)
    return _create_record(
        actor, Plaque(code=code, name=name, department=department), "plaque.create"
    )


def negative_list_entry_create(
    *, actor: AnyUser, code: str, name: str, reason: str, basis: str = ""
) -> NegativeListEntry:
    require_catalog_manager(actor)
    entry = NegativeListEntry(code=code, name=name, reason=reason, basis=basis)
    return _create_record(actor, entry, "negative_list.create")


def certificate_rule_create(
    *,
    actor: AnyUser,
    code: str,
    name: str,
    verdict: str,
    basis: str = "",
    note: str = "",
    catalog_item: CatalogItem | None = None,
    issued_by: str = "",
) -> CertificateRule:
    require_catalog_manager(actor)
    rule = CertificateRule(
        code=code,
        name=name,
        verdict=verdict,
        basis=basis,
        note=note,
        catalog_item=catalog_item,
        issued_by=issued_by.strip(),
    )
    return _create_record(actor, rule, "certificate_rule.create")


def negative_list_entry_retire(
    *, actor: AnyUser, entry: NegativeListEntry, reason: str
) -> NegativeListEntry:
    require_catalog_manager(actor)
    if not reason.strip():
        raise ReasonRequired()
    with transaction.atomic():
        moved = NegativeListEntry.objects.filter(pk=entry.pk, status=RecordStatuses.ACTIVE).update(
            status=RecordStatuses.RETIRED
        )
        if moved != 1:
            raise StaleObject()
        entry.refresh_from_db()
        record_event(
            actor=acting_user(actor),
            action="negative_list.retire",
            obj=entry,
            changes={"status": [RecordStatuses.ACTIVE, RecordStatuses.RETIRED]},
            reason=reason,
        )
    return entry


def negative_list_entry_block(
    *, actor: AnyUser, entry: NegativeListEntry, task_type: str
) -> NegativeListEntry:
    """Make an active entry forbid a task type outright: the dispatch gate then marks every task
    of that type unadmitted (`on_negative_list`). An empty task type lifts the block."""
    require_catalog_manager(actor)
    if task_type and task_type not in TaskTypes.values:
        raise InvalidInput([_problem("task_type", "任务类型无法识别。", "Unknown task type.")])
    with transaction.atomic():
        current = NegativeListEntry.objects.select_for_update().filter(pk=entry.pk).first()
        if current is None or current.status != RecordStatuses.ACTIVE:
            raise StaleObject()
        before = current.blocked_task_type
        current.blocked_task_type = task_type
        current.save(update_fields=["blocked_task_type"])
        record_event(
            actor=acting_user(actor),
            action="negative_list.block",
            obj=current,
            changes=changed_fields(
                {"blocked_task_type": before or None}, {"blocked_task_type": task_type or None}
            ),
        )
    return current


def _create_record[R: (Ledger, Plaque, NegativeListEntry, CertificateRule)](
    actor: AnyUser, record: R, action: str
) -> R:
    try:
        with transaction.atomic():
            record.save(force_insert=True)
            values = {
                key: value
                for key, value in vars(record).items()
                if not key.startswith("_") and key != "id"
            }
            record_event(
                actor=acting_user(actor), action=action, obj=record, changes=created_fields(values)
            )
    except IntegrityError:
        raise RecordCodeTaken(record.code) from None
    return record


def item_fields_of(item: CatalogItem) -> ItemFields:
    """The item's current fields in the shape the services take (to prefill a revision)."""
    return ItemFields(
        code=item.code,
        name=item.name,
        item_class=item.item_class,
        domain=item.domain,
        department_code=item.department.code,
        name_en=item.name_en,
        legal_basis=item.legal_basis,
        community_duty=item.community_duty,
        frequency=item.frequency,
        ledger_codes=tuple(ledger.code for ledger in item.ledgers.all()),
        plaque_codes=tuple(plaque.code for plaque in item.plaques.all()),
        estimated_hours=item.estimated_hours,
        funding_per_community=item.funding_per_community,
        valid_from=item.valid_from,
        valid_to=item.valid_to,
        application_ref=item.application_ref,
    )
