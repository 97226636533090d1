"""Catalog API: public reads of published editions, the negative list, certificate lists, and the
ledger and plaque records (an application chooses its ledgers and plaques among them)."""

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from communitygate.catalog.models import (
    CatalogEdition,
    CertificateRule,
    CertificateVerdicts,
    Domains,
    EditionEntry,
    ItemClasses,
    ItemStatuses,
    Ledger,
    NegativeListEntry,
    Plaque,
)
from communitygate.catalog.selectors import (
    STATUS_ALL,
    CatalogDiff,
    EditionRef,
    ItemFilters,
    certificate_rules,
    edition_diff,
    edition_get,
    edition_items,
    edition_latest_ref,
    edition_list,
    item_page,
    ledgers_active,
    negative_list,
    plaques_active,
)
from communitygate.core.inputs import Offset, SearchText
from communitygate.core.paging import page_bounds
from communitygate.core.trusted import json_bytes, json_response, schema_row, trusted_json
from communitygate.orgs.inputs import OrgCode

router = Router(tags=["catalog"])


class NamedRef(Schema):
    code: str
    name: str


class ItemOut(Schema):
    model_config = ConfigDict(populate_by_name=True)  # "class" on the wire, item_class in Python

    code: str
    name: str
    name_en: str
    item_class: str = Field(..., alias="class")
    domain: str
    legal_basis: str
    department: NamedRef
    community_duty: str
    frequency: str
    ledgers: list[NamedRef]
    plaques: list[NamedRef]
    estimated_hours: str | None
    funding_per_community: str | None
    valid_from: str | None
    valid_to: str | None
    status: str
    application_ref: str
    edition: int


class ItemPageOut(Schema):
    count: int
    edition: int | None
    items: list[ItemOut]


class ItemQuery(Schema):
    item_class: ItemClasses | None = Field(None, alias="class")
    domain: Domains | None = None
    department: OrgCode | None = None
    status: ItemStatuses | None = None
    q: SearchText | None = None
    edition: int | None = None
    include_retired: bool = False
    limit: int = 50
    offset: Offset = 0


def item_row(snapshot: dict[str, Any], code: str, edition_id: int) -> dict[str, Any]:
    """An item as `ItemOut` puts it on the wire ("class", not item_class)."""
    return schema_row(
        ItemOut,
        {
            **snapshot,
            "code": code,
            "department": {"code": snapshot["department"], "name": snapshot["department_name"]},
            "ledgers": [{"code": c, "name": n} for c, n in snapshot.get("ledgers", [])],
            "plaques": [{"code": c, "name": n} for c, n in snapshot.get("plaques", [])],
            "edition": edition_id,
        },
    )


def item_out(snapshot: dict[str, Any], code: str, edition_id: int) -> ItemOut:
    return ItemOut.model_validate(item_row(snapshot, code, edition_id))


def entry_out(entry: EditionEntry, edition: CatalogEdition) -> ItemOut:
    return item_out(entry.fields, entry.code, edition.pk)


# A published edition's entries never change (a change is a new edition), so a page of one
# edition is the same answer until the edition is gone: cached in this process's bounded "pages"
# cache (never the shared one, whose throttle counters a flood of different pages must not evict)
# under the edition's id and publication time (a new edition is a new key; a restored or rebuilt
# database cannot meet an old key by id alone). The hour only bounds an unused key's life.
ITEM_PAGE_SECONDS = 60 * 60


def _item_page_json(edition: EditionRef, filters: ItemFilters, limit: int, offset: int) -> bytes:
    asked = repr((filters, limit, offset)).encode()
    key = (
        f"catalog:items:{edition.id}:{edition.published_at.timestamp()}:"
        f"{hashlib.sha256(asked).hexdigest()[:32]}"
    )
    pages = caches["pages"]
    answer = pages.get(key)
    if answer is None:
        entries = edition_items(edition, filters)
        answer = json_bytes(
            {
                "count": entries.count(),
                "edition": edition.id,
                "items": [
                    item_row(e.fields, e.code, edition.id) for e in entries[offset : offset + limit]
                ],
            }
        )
        pages.set(key, answer, timeout=ITEM_PAGE_SECONDS)
    return bytes(answer)


@router.get("/catalog/items", response=ItemPageOut, auth=None, by_alias=True)
def list_items(request: HttpRequest, query: Query[ItemQuery]) -> HttpResponse:
    """Items of the latest edition, or of `edition`. Without `status`, the items in force
    (active and suspended) are listed; `include_retired=true` lists retired items too."""
    limit, offset = page_bounds(query.limit, query.offset, settings.COMMUNITYGATE["API_MAX_LIMIT"])
    if query.edition is None:
        edition = edition_latest_ref()
    else:
        asked = edition_get(query.edition)
        edition = EditionRef(asked.pk, asked.published_at)
    if edition is None:
        return trusted_json({"count": 0, "edition": None, "items": []})
    status = query.status or (STATUS_ALL if query.include_retired else None)
    filters = ItemFilters(
        item_class=query.item_class,
        domain=query.domain,
        department_code=query.department,
        status=status,
        q=query.q,
    )
    return json_response(_item_page_json(edition, filters, limit, offset))


@router.get("/catalog/items/{code}", response=ItemOut, auth=None, by_alias=True)
def get_item(request: HttpRequest, code: str) -> ItemOut:
    """An item as last published (a retired item stays readable, with status "retired")."""
    page = item_page(code)
    return item_out(page.snapshot, page.code, page.edition.pk)


class EditionOut(Schema):
    id: int
    number: int
    title: str
    note: str
    published_at: str
    item_count: int
    retired_count: int


class EditionPage(Schema):
    count: int
    items: list[EditionOut]


def edition_out(edition: CatalogEdition) -> EditionOut:
    return EditionOut(
        id=edition.pk,
        number=edition.number,
        title=edition.title,
        note=edition.note,
        published_at=edition.published_at.isoformat(),
        item_count=getattr(edition, "item_count", 0),
        retired_count=getattr(edition, "retired_count", 0),
    )


@router.get("/catalog/editions", response=EditionPage, auth=None)
def list_editions(request: HttpRequest, limit: int = 50, offset: Offset = 0) -> EditionPage:
    limit, offset = page_bounds(limit, offset, settings.COMMUNITYGATE["API_MAX_LIMIT"])
    editions = edition_list()
    return EditionPage(
        count=editions.count(), items=[edition_out(e) for e in editions[offset : offset + limit]]
    )


class ChangedOut(Schema):
    code: str
    name: str
    changes: dict[str, list[Any]]


class DiffItemOut(Schema):
    code: str
    name: str
    status: str


class DiffOut(Schema):
    edition: int
    against: int
    added: list[DiffItemOut]
    retired: list[DiffItemOut]
    removed: list[DiffItemOut]
    changed: list[ChangedOut]
    count: int


def diff_out(diff: CatalogDiff, edition: CatalogEdition, against: CatalogEdition) -> DiffOut:
    def brief(rows: list[dict[str, Any]]) -> list[DiffItemOut]:
        return [DiffItemOut(code=r["code"], name=r["name"], status=r["status"]) for r in rows]

    return DiffOut(
        edition=edition.pk,
        against=against.pk,
        added=brief(diff.added),
        retired=brief(diff.retired),
        removed=brief(diff.removed),
        changed=[
            ChangedOut(
                code=c.code,
                name=c.name,
                changes={field: list(pair) for field, pair in c.changes.items()},
            )
            for c in diff.changed
        ],
        count=len(diff.added) + len(diff.retired) + len(diff.removed) + len(diff.changed),
    )


@router.get("/catalog/editions/{edition_id}/diff", response=DiffOut, auth=None)
def diff_editions(request: HttpRequest, edition_id: int, against: int) -> DiffOut:
    """What changed from edition `against` to edition `edition_id`."""
    edition, older = edition_get(edition_id), edition_get(against)
    return diff_out(edition_diff(edition, older), edition, older)


class NegativeOut(Schema):
    code: str
    name: str
    reason: str
    basis: str


class NegativePage(Schema):
    count: int
    items: list[NegativeOut]


@router.get("/catalog/negative-list", response=NegativePage, auth=None)
def list_negative(request: HttpRequest) -> NegativePage:
    entries: list[NegativeListEntry] = list(negative_list())
    return NegativePage(
        count=len(entries),
        items=[
            NegativeOut(code=e.code, name=e.name, reason=e.reason, basis=e.basis) for e in entries
        ],
    )


class CertificateOut(Schema):
    code: str
    name: str
    verdict: str
    basis: str
    note: str


class CertificatePage(Schema):
    count: int
    items: list[CertificateOut]


@router.get("/catalog/certificates", response=CertificatePage, auth=None)
def list_certificates(
    request: HttpRequest, verdict: CertificateVerdicts = CertificateVerdicts.MAY_ISSUE
) -> CertificatePage:
    rules: list[CertificateRule] = list(certificate_rules(verdict))
    return CertificatePage(
        count=len(rules),
        items=[
            CertificateOut(code=r.code, name=r.name, verdict=r.verdict, basis=r.basis, note=r.note)
            for r in rules
        ],
    )


class RecordOut(Schema):
    code: str
    name: str
    department: str | None  # the department's code


class RecordPage(Schema):
    count: int
    items: list[RecordOut]


def _record_page(records: list[Ledger] | list[Plaque]) -> RecordPage:
    return RecordPage(
        count=len(records),
        items=[
            RecordOut(
                code=r.code, name=r.name, department=r.department.code if r.department else None
            )
            for r in records
        ],
    )


@router.get("/catalog/ledgers", response=RecordPage, auth=None)
def list_ledgers(request: HttpRequest) -> RecordPage:
    """The ledgers in use (台账库): an application names the ones it needs by code."""
    return _record_page(list(ledgers_active().order_by("code")))


@router.get("/catalog/plaques", response=RecordPage, auth=None)
def list_plaques(request: HttpRequest) -> RecordPage:
    """The plaques in use: an application names the ones it needs by code."""
    return _record_page(list(plaques_active().order_by("code")))
