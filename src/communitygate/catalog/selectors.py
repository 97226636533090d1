"""Reads of the admission catalog. The public sees published editions only."""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from communitygate.catalog.models import (
    CatalogEdition,
    CatalogItem,
    CertificateRule,
    CertificateVerdicts,
    EditionEntry,
    ItemStatuses,
    Ledger,
    NegativeListEntry,
    Plaque,
    RecordStatuses,
)
from communitygate.catalog.snapshots import entry_snapshot, item_snapshot, snapshot_differences
from communitygate.core.errors import NotFound

IN_FORCE = (ItemStatuses.ACTIVE, ItemStatuses.SUSPENDED)
STATUS_ALL = "all"


@dataclass(frozen=True)
class ItemFilters:
    item_class: str | None = None
    domain: str | None = None
    department_code: str | None = None
    status: str | None = None  # None: in force (active and suspended); "all": every status
    q: str | None = None


def edition_latest() -> CatalogEdition | None:
    return CatalogEdition.objects.order_by("-number").first()


@dataclass(frozen=True)
class EditionRef:
    """What names an edition's published content: its id and when it was published."""

    id: int
    published_at: dt.datetime

    @property
    def pk(self) -> int:
        return self.id


# The public catalog is the platform's busiest read; which edition is the latest changes only when
# one is published. It is kept in the shared cache: `catalog_publish` forgets it when its
# transaction commits, and an entry lives a minute at most (a database restored under a running
# server, a reader racing a publication).
LATEST_EDITION_KEY = "catalog:latest-edition"
LATEST_EDITION_SECONDS = 60


def edition_latest_ref() -> EditionRef | None:
    """The latest edition's id and publication time, from the cache when it holds them."""
    cached = cache.get(LATEST_EDITION_KEY)
    if cached is None:
        latest = edition_latest()
        cached = (latest.pk, latest.published_at) if latest is not None else ()
        cache.set(LATEST_EDITION_KEY, cached, timeout=LATEST_EDITION_SECONDS)
    return EditionRef(*cached) if cached else None


def edition_latest_forget() -> None:
    """A new edition is published: the next read asks the database."""
    cache.delete(LATEST_EDITION_KEY)


def published_entry(code: str) -> EditionEntry | None:
    """The item with `code` as the latest edition publishes it (what the public and the gate
    read), or None when no edition lists it."""
    latest = edition_latest()
    if latest is None:
        return None
    return EditionEntry.objects.filter(edition=latest, code=code).first()


@dataclass(frozen=True)
class ItemChoice:
    """One item as a picker offers it: its code, its name and the domain it is grouped under."""

    code: str
    name: str
    domain: str


def published_item_choices(*, department_ids: Collection[int] | None = None) -> list[ItemChoice]:
    """The items in force in the latest edition (what the gate admits tasks under), by code; with
    `department_ids`, only those departments' items. One query."""
    latest = edition_latest()
    if latest is None:
        return []
    entries = EditionEntry.objects.filter(edition=latest, status__in=IN_FORCE)
    if department_ids is not None:
        entries = entries.filter(department_id__in=department_ids)
    return [
        ItemChoice(code, name, domain)
        for code, name, domain in entries.order_by("code").values_list("code", "name", "domain")
    ]


def working_item_choices() -> list[ItemChoice]:
    """Every item of the working catalog, retired ones too (a contract or an audit may name
    one), by code. One query."""
    return [
        ItemChoice(code, name, domain)
        for code, name, domain in CatalogItem.objects.order_by("code").values_list(
            "code", "name", "domain"
        )
    ]


def edition_get(edition_id: int) -> CatalogEdition:
    try:
        return CatalogEdition.objects.get(pk=edition_id)
    except CatalogEdition.DoesNotExist:
        raise NotFound("目录版本", "catalog edition") from None


def edition_list() -> QuerySet[CatalogEdition]:
    return CatalogEdition.objects.annotate(
        item_count=Count("entries", filter=Q(entries__status__in=IN_FORCE)),
        retired_count=Count("entries", filter=Q(entries__status=ItemStatuses.RETIRED)),
    ).order_by("-number")


def edition_or_latest(edition_id: int | None) -> CatalogEdition | None:
    return edition_get(edition_id) if edition_id is not None else edition_latest()


def edition_for_export(edition_id: int | None) -> CatalogEdition:
    """The edition asked for, else the latest; NotFound while none is published (there is no
    file to give)."""
    edition = edition_or_latest(edition_id)
    if edition is None:
        raise NotFound("目录版本", "catalog edition")
    return edition


def _filtered[Row: (EditionEntry, CatalogItem)](
    rows: QuerySet[Row],
    filters: ItemFilters,
    *,
    text_fields: tuple[str, ...],
    default_status: tuple[str, ...] | None,
) -> QuerySet[Row]:
    """Apply the catalog filters to published entries or to working items (same field names).

    Without a status filter, `default_status` applies (None: every status)."""
    if filters.item_class:
        rows = rows.filter(item_class=filters.item_class)
    if filters.domain:
        rows = rows.filter(domain=filters.domain)
    if filters.department_code:
        rows = rows.filter(department__code=filters.department_code)
    if filters.status is None and default_status is not None:
        rows = rows.filter(status__in=default_status)
    elif filters.status is not None and filters.status != STATUS_ALL:
        rows = rows.filter(status=filters.status)
    if filters.q:
        query = filters.q.strip()
        matches = Q(code__istartswith=query)
        for field_name in text_fields:
            matches |= Q(**{f"{field_name}__icontains": query})
        rows = rows.filter(matches)
    return rows


ENTRY_TEXT_FIELDS = ("name", "fields__legal_basis", "fields__community_duty")
ITEM_TEXT_FIELDS = ("name", "legal_basis", "community_duty")


def edition_items(
    edition: CatalogEdition | EditionRef | None, filters: ItemFilters
) -> QuerySet[EditionEntry]:
    """The items of an edition (none when None), filtered; department loaded."""
    if edition is None:
        return EditionEntry.objects.none()
    entries = EditionEntry.objects.filter(edition_id=edition.pk).select_related("department")
    return _filtered(
        entries, filters, text_fields=ENTRY_TEXT_FIELDS, default_status=IN_FORCE
    ).order_by("code")


@dataclass(frozen=True)
class HistoryStep:
    edition: CatalogEdition
    kind: str  # "added" | "changed" | "unchanged"
    changes: dict[str, tuple[Any, Any]]


@dataclass(frozen=True)
class ItemPage:
    code: str
    snapshot: dict[str, Any]
    edition: CatalogEdition
    history: list[HistoryStep]
    certificate_rules: list[CertificateRule] = field(default_factory=list)


def item_page(code: str) -> ItemPage:
    """An item as last published, with the editions it went through (public)."""
    entries = list(
        EditionEntry.objects.filter(code=code).select_related("edition").order_by("edition__number")
    )
    if not entries:
        raise NotFound("准入事项", "catalog item")
    history: list[HistoryStep] = []
    previous: dict[str, Any] | None = None
    for entry in entries:
        snapshot = entry_snapshot(entry)
        if previous is None:
            history.append(HistoryStep(entry.edition, "added", {}))
        else:
            changes = snapshot_differences(previous, snapshot)
            history.append(
                HistoryStep(entry.edition, "changed" if changes else "unchanged", changes)
            )
        previous = snapshot
    last = entries[-1]
    return ItemPage(code=code, snapshot=entry_snapshot(last), edition=last.edition, history=history)


@dataclass(frozen=True)
class AdmittedItem:
    code: str
    name: str


def published_items_admitted_by(document_number: str) -> list[AdmittedItem]:
    """The published items whose admitting document (准入文号) is `document_number`, each once,
    by code (public, as the item pages): how a decision older than the platform is answered."""
    number = document_number.strip()
    if not number:
        return []
    seen: dict[str, AdmittedItem] = {}
    entries = (
        EditionEntry.objects.filter(fields__application_ref=number)
        .order_by("code", "-edition__number")
        .values_list("code", "name")
    )
    for code, name in entries:
        seen.setdefault(code, AdmittedItem(code, name))
    return list(seen.values())


@dataclass(frozen=True)
class ChangedItem:
    code: str
    name: str
    changes: dict[str, tuple[Any, Any]]


@dataclass(frozen=True)
class CatalogDiff:
    added: list[dict[str, Any]]
    retired: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    changed: list[ChangedItem]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.retired or self.removed or self.changed)


def snapshots_diff(
    before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]
) -> CatalogDiff:
    """Compare two catalogs given as {code: snapshot}: what was added, retired, removed, changed."""
    added, retired, removed, changed = [], [], [], []
    for code in sorted(set(before) | set(after)):
        old, new = before.get(code), after.get(code)
        if old is None and new is not None:
            added.append({"code": code, **new})
        elif new is None and old is not None:
            removed.append({"code": code, **old})
        elif old is not None and new is not None:
            differences = snapshot_differences(old, new)
            if not differences:
                continue
            if new["status"] == ItemStatuses.RETIRED and old["status"] != ItemStatuses.RETIRED:
                retired.append({"code": code, **new})
            else:
                changed.append(ChangedItem(code, new["name"], differences))
    return CatalogDiff(added=added, retired=retired, removed=removed, changed=changed)


def _edition_snapshots(edition: CatalogEdition) -> dict[str, dict[str, Any]]:
    return {code: fields for code, fields in edition.entries.values_list("code", "fields")}


def edition_diff(edition: CatalogEdition, against: CatalogEdition) -> CatalogDiff:
    """What changed going from `against` (the older, usually) to `edition`."""
    return snapshots_diff(_edition_snapshots(against), _edition_snapshots(edition))


def unpublished_changes() -> CatalogDiff:
    """The office's working copy compared with the latest edition."""
    latest = edition_latest()
    published = _edition_snapshots(latest) if latest else {}
    working = {item.code: item_snapshot(item) for item in working_items()}
    return snapshots_diff(published, working)


def working_items(filters: ItemFilters | None = None) -> QuerySet[CatalogItem]:
    """The office's working copy (not public); every status unless one is asked for."""
    items = CatalogItem.objects.select_related("department").prefetch_related("ledgers", "plaques")
    if filters is not None:
        items = _filtered(items, filters, text_fields=ITEM_TEXT_FIELDS, default_status=None)
    return items.order_by("code")


def working_item_get(code: str) -> CatalogItem:
    try:
        return working_items().get(code=code)
    except CatalogItem.DoesNotExist:
        raise NotFound("准入事项", "catalog item") from None


def negative_list(*, include_retired: bool = False) -> QuerySet[NegativeListEntry]:
    entries = NegativeListEntry.objects.order_by("code")
    return entries if include_retired else entries.filter(status=RecordStatuses.ACTIVE)


def negative_list_blocks() -> tuple[frozenset[str], frozenset[int]]:
    """What the negative list forbids today: task types outright, and single items."""
    entries = NegativeListEntry.objects.filter(status=RecordStatuses.ACTIVE).values_list(
        "blocked_task_type", "blocked_item_id"
    )
    types = frozenset(task_type for task_type, _item in entries if task_type)
    items = frozenset(item for _type, item in entries if item)
    return types, items


def certificate_rules(verdict: str) -> QuerySet[CertificateRule]:
    return (
        CertificateRule.objects.filter(verdict=verdict, status=RecordStatuses.ACTIVE)
        .select_related("catalog_item")
        .order_by("code")
    )


def certificate_lists() -> dict[str, list[CertificateRule]]:
    return {
        CertificateVerdicts.MAY_ISSUE: list(certificate_rules(CertificateVerdicts.MAY_ISSUE)),
        CertificateVerdicts.MAY_NOT_ISSUE: list(
            certificate_rules(CertificateVerdicts.MAY_NOT_ISSUE)
        ),
    }


def ledgers_by_code(codes: list[str]) -> dict[str, Ledger]:
    return {ledger.code: ledger for ledger in Ledger.objects.filter(code__in=codes)}


def plaques_by_code(codes: list[str]) -> dict[str, Plaque]:
    return {plaque.code: plaque for plaque in Plaque.objects.filter(code__in=codes)}


def ledgers_active() -> QuerySet[Ledger]:
    """The ledgers an application may ask for (台账库), by code, with their department."""
    return Ledger.objects.filter(status=RecordStatuses.ACTIVE).select_related("department")


def plaques_active() -> QuerySet[Plaque]:
    """The plaques an application may ask for, by code, with their department."""
    return Plaque.objects.filter(status=RecordStatuses.ACTIVE).select_related("department")


@dataclass(frozen=True)
class WallRequirement:
    """A plaque or ledger the published catalog requires, and the first active item requiring it."""

    code: str
    name: str
    item_id: int
    item_code: str


@dataclass(frozen=True)
class WallRequirements:
    plaques: dict[str, WallRequirement]
    ledgers: dict[str, WallRequirement]


def admitted_wall_requirements() -> WallRequirements:
    """The plaques and ledgers the latest edition's active items require (codes → the item that
    admits them): what may hang on a community's wall and what it must keep."""
    plaques: dict[str, WallRequirement] = {}
    ledgers: dict[str, WallRequirement] = {}
    latest = edition_latest()
    if latest is None:
        return WallRequirements(plaques, ledgers)
    entries = (
        EditionEntry.objects.filter(edition=latest, status=ItemStatuses.ACTIVE)
        .order_by("code")
        .values_list("item_id", "code", "fields")
    )
    for item_id, code, fields in entries:
        for wanted, found in (
            (plaques, fields.get("plaques", [])),
            (ledgers, fields.get("ledgers", [])),
        ):
            for record_code, record_name in found:
                wanted.setdefault(
                    record_code, WallRequirement(record_code, record_name, item_id, code)
                )
    return WallRequirements(plaques, ledgers)
