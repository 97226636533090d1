"""The life of a catalog item as data: which status change each action makes, from where.

Items are created active; they may be suspended and reinstated; they are retired, never deleted.
"""

from communitygate.catalog.models import ItemStatuses

TRANSITIONS: dict[tuple[str, str], str] = {
    (ItemStatuses.ACTIVE, "suspend"): ItemStatuses.SUSPENDED,
    (ItemStatuses.SUSPENDED, "reinstate"): ItemStatuses.ACTIVE,
    (ItemStatuses.ACTIVE, "retire"): ItemStatuses.RETIRED,
    (ItemStatuses.SUSPENDED, "retire"): ItemStatuses.RETIRED,
}

ACTIONS = ("suspend", "reinstate", "retire")


def next_status(current: str, action: str) -> str | None:
    """The status after `action`, or None when the action is not allowed from `current`."""
    return TRANSITIONS.get((current, action))


def actions_from(current: str) -> list[str]:
    return [action for action in ACTIONS if next_status(current, action) is not None]
