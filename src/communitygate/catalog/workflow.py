"""The life of a catalog item as a table (core.workflow): which status change each action makes,
from where, and who takes it.

Items are created active; they may be suspended and reinstated; they are retired, never deleted.
Only the committee office changes an item's status (`can_manage_catalog`).
"""

from communitygate.catalog.models import CatalogItem, ItemStatuses
from communitygate.catalog.permissions import can_manage_catalog
from communitygate.core.people import AnyUser
from communitygate.core.workflow import Transition, Who, Workflow


def _office(actor: AnyUser, _item: CatalogItem) -> bool:
    return can_manage_catalog(actor)


OFFICE = Who(
    "office",
    _office,
    "只有委员会办公室可以维护准入目录。",
    "Only the committee office may change the admission catalog.",
)

S = ItemStatuses

CATALOG_ITEM = Workflow(
    name="catalog_item",
    field="status",
    noun_zh="事项",
    noun_en="item",
    label=lambda item: item.code,
    transitions=(
        Transition(S.ACTIVE, "suspend", S.SUSPENDED, OFFICE),
        Transition(S.SUSPENDED, "reinstate", S.ACTIVE, OFFICE),
        Transition(S.ACTIVE, "retire", S.RETIRED, OFFICE),
        Transition(S.SUSPENDED, "retire", S.RETIRED, OFFICE),
    ),
)
