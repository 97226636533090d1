"""Before and after (减负前后): what a catalog edition asks of every community, and how two
editions compare.

An edition's burden is counted from its snapshot entries (`EditionEntry.fields`, as the
catalog published them), never from the working copy: the items in force in it (active or
suspended; retired entries stay in an edition to say what left, and are not counted), by class,
the distinct plaques and ledgers those items require, and the sum of their estimated hours a
community a year. By default the first edition published (the baseline: in the demo the 2014
survey) is compared with the latest (the catalog in force). One query per edition.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from communitygate.catalog.models import CatalogEdition, EditionEntry, ItemClasses
from communitygate.catalog.selectors import IN_FORCE, edition_latest
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, Problem

ONE_DECIMAL = Decimal("0.1")
# The figures compared, in the order the page, the chart and the exports show them.
FIGURES = (
    "items",
    "statutory",
    "delegated",
    "certificate",
    "evaluation",
    "plaques",
    "ledgers",
    "hours",
)
CHARTED = ("plaques", "ledgers", "items", "hours")


@dataclass(frozen=True)
class EditionSummary:
    """What an edition asks of a community. `certificate` is the number of certificate types
    (证明盖章事项), `evaluation` the number of creation and evaluation campaigns (创建评比)."""

    edition: CatalogEdition
    items: int
    statutory: int
    delegated: int
    certificate: int
    evaluation: int
    plaques: int
    ledgers: int
    hours: Decimal  # one decimal place

    @property
    def by_class(self) -> dict[str, int]:
        return {
            ItemClasses.STATUTORY: self.statutory,
            ItemClasses.DELEGATED: self.delegated,
            ItemClasses.CERTIFICATE: self.certificate,
            ItemClasses.EVALUATION: self.evaluation,
        }

    def figure(self, name: str) -> int | Decimal:
        value: int | Decimal = getattr(self, name)
        return value


def _codes(records: Any) -> set[str]:
    """The codes of a snapshot's [[code, name], …] list of ledgers or plaques."""
    if not isinstance(records, list):
        return set()
    return {record[0] for record in records if isinstance(record, list) and record}


def _hours(value: Any) -> Decimal:
    return Decimal(value) if isinstance(value, str) and value else Decimal("0")


def edition_summary(edition: CatalogEdition) -> EditionSummary:
    """The edition's figures, counted from its entries in force (one query)."""
    counts = dict.fromkeys(ItemClasses.values, 0)
    plaques: set[str] = set()
    ledgers: set[str] = set()
    hours = Decimal("0")
    entries = EditionEntry.objects.filter(edition=edition, status__in=IN_FORCE).values_list(
        "item_class", "fields"
    )
    for item_class, fields in entries:
        counts[item_class] = counts.get(item_class, 0) + 1
        plaques |= _codes(fields.get("plaques"))
        ledgers |= _codes(fields.get("ledgers"))
        hours += _hours(fields.get("estimated_hours"))
    return EditionSummary(
        edition=edition,
        items=sum(counts.values()),
        statutory=counts[ItemClasses.STATUTORY],
        delegated=counts[ItemClasses.DELEGATED],
        certificate=counts[ItemClasses.CERTIFICATE],
        evaluation=counts[ItemClasses.EVALUATION],
        plaques=len(plaques),
        ledgers=len(ledgers),
        hours=hours.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP),
    )


@dataclass(frozen=True)
class Change:
    """One figure before and after: the change in number and in per cent of the before (None
    when the before is zero: no per cent of nothing)."""

    figure: str
    before: int | Decimal
    after: int | Decimal
    change: int | Decimal
    per_cent: Decimal | None


def compare(before: EditionSummary, after: EditionSummary) -> list[Change]:
    """Every figure of `FIGURES`, before and after, with its change."""
    changes = []
    for name in FIGURES:
        old, new = before.figure(name), after.figure(name)
        per_cent = (
            ((Decimal(new) - Decimal(old)) * 100 / Decimal(old)).quantize(
                ONE_DECIMAL, rounding=ROUND_HALF_UP
            )
            if old
            else None
        )
        changes.append(Change(name, old, new, new - old, per_cent))
    return changes


@dataclass(frozen=True)
class BeforeAfter:
    """Two editions' figures side by side, and when they were counted (live, at the request)."""

    before: EditionSummary
    after: EditionSummary
    changes: list[Change]
    counted_at: dt.datetime


def edition_first() -> CatalogEdition | None:
    """The baseline: the first edition published (the demo's is the 2014 survey)."""
    return CatalogEdition.objects.order_by("number").first()


class UnknownEdition(InvalidInput):
    """Editions asked for by ids that are no published edition's (each id a problem beside its
    field: `before`, `after`)."""

    code = "unknown_edition"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            problems,
            message=(
                "所选目录版本不存在：" + "；".join(p.message_zh for p in problems),
                "No such catalog edition: " + "; ".join(p.message_en for p in problems),
            ),
        )


def _unknown(field: str, value: str) -> Problem:
    return Problem(
        f"没有编号为“{value}”的目录版本，请从列表中选择一个版本。",
        f"There is no catalog edition with the id “{value}”; pick one from the list.",
        field=field,
    )


def _edition_id(text: str) -> int | None:
    """The id a query string gives (digits only, within a database integer), else None."""
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text)


def editions_asked(
    before: str | None, after: str | None
) -> tuple[CatalogEdition | None, CatalogEdition | None]:
    """The editions asked for by id (text as a query string gives it), the first and the latest
    edition where none is given (None while none is published). An id that is no edition's is
    UnknownEdition (422), naming each wrong one, both at once."""
    asked = {"before": (before or "").strip(), "after": (after or "").strip()}
    ids = {field: _edition_id(text) for field, text in asked.items() if text}
    found = CatalogEdition.objects.in_bulk([pk for pk in ids.values() if pk is not None])
    problems = [_unknown(field, asked[field][:40]) for field, pk in ids.items() if pk not in found]
    if problems:
        raise UnknownEdition(problems)
    first = found[ids["before"]] if "before" in ids else edition_first()
    second = found[ids["after"]] if "after" in ids else edition_latest()
    return first, second


def before_after(before: str | None = None, after: str | None = None) -> BeforeAfter | None:
    """The two editions compared (None while no edition is published)."""
    first, second = editions_asked(before, after)
    if first is None or second is None:
        return None
    old, new = edition_summary(first), edition_summary(second)
    return BeforeAfter(old, new, compare(old, new), clock.now())
