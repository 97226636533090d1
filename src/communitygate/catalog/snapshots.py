"""The flat, comparable form of an item, shared by editions (snapshots) and diffs.

An edition entry stores exactly what `item_snapshot` returns, so the working copy and any
edition compare field by field with the same function.
"""

from typing import Any

from communitygate.catalog.models import CatalogItem, EditionEntry

COMPARED_FIELDS = (
    "name",
    "name_en",
    "item_class",
    "domain",
    "legal_basis",
    "department",
    "community_duty",
    "frequency",
    "ledgers",
    "plaques",
    "estimated_hours",
    "funding_per_community",
    "valid_from",
    "valid_to",
    "status",
    "application_ref",
)


def _decimal_text(value: object) -> str | None:
    return None if value is None else f"{value}"


def _date_text(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def item_snapshot(item: CatalogItem) -> dict[str, Any]:
    """Everything an edition records about an item. Needs ledgers, plaques, department loaded."""
    return {
        "name": item.name,
        "name_en": item.name_en,
        "item_class": item.item_class,
        "domain": item.domain,
        "legal_basis": item.legal_basis,
        "department": item.department.code,
        "department_name": item.department.name,
        "community_duty": item.community_duty,
        "frequency": item.frequency,
        "ledgers": [[ledger.code, ledger.name] for ledger in item.ledgers.all()],
        "plaques": [[plaque.code, plaque.name] for plaque in item.plaques.all()],
        "estimated_hours": _decimal_text(item.estimated_hours),
        "funding_per_community": _decimal_text(item.funding_per_community),
        "valid_from": _date_text(item.valid_from),
        "valid_to": _date_text(item.valid_to),
        "status": item.status,
        "application_ref": item.application_ref,
    }


def entry_snapshot(entry: EditionEntry) -> dict[str, Any]:
    """The snapshot as stored (the filterable columns repeat values kept in `fields`)."""
    return dict(entry.fields)


def snapshot_differences(
    before: dict[str, Any], after: dict[str, Any]
) -> dict[str, tuple[Any, Any]]:
    """{field: (before, after)} over the compared fields."""
    return {
        field: (before.get(field), after.get(field))
        for field in COMPARED_FIELDS
        if before.get(field) != after.get(field)
    }
