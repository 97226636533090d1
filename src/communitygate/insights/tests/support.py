"""Random catalogs built through the catalog's services, and their figures counted the plain
way (from the items as built), to check the dashboard's figures against."""

import random
from dataclasses import dataclass, field
from decimal import Decimal

from communitygate.catalog.models import CatalogEdition, CatalogItem, ItemClasses
from communitygate.catalog.services import (
    catalog_item_retire,
    catalog_publish,
    ledger_create,
    plaque_create,
)
from communitygate.testing import World, make_item

FUNDING = Decimal("1000.00")


@dataclass
class Expected:
    """An edition's figures as the test built it."""

    by_class: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ItemClasses.values, 0))
    plaques: set[str] = field(default_factory=set)
    ledgers: set[str] = field(default_factory=set)
    hours: Decimal = Decimal("0")

    @property
    def items(self) -> int:
        return sum(self.by_class.values())


def random_catalog(
    world: World, seed: int, *, editions: int = 2
) -> list[tuple[CatalogEdition, Expected]]:
    """`editions` editions: each adds random items (random class, hours, shared ledgers and
    plaques) and retires some of the earlier ones; with what each should count."""
    rng = random.Random(seed)
    officer = world.user("office_officer")
    ledgers = [
        ledger_create(
            actor=officer, code=f"L{seed}-{n}", name=f"台账{n}", medium="paper", department=None
        ).code
        for n in range(rng.randint(1, 8))
    ]
    plaques = [
        plaque_create(actor=officer, code=f"P{seed}-{n}", name=f"牌子{n}", department=None).code
        for n in range(rng.randint(1, 6))
    ]
    live: dict[str, tuple[CatalogItem, str, tuple[str, ...], tuple[str, ...], Decimal]] = {}
    built: list[tuple[CatalogEdition, Expected]] = []
    serial = 0
    for number in range(editions):
        for code in rng.sample(sorted(live), k=rng.randint(0, len(live) // 2)):
            item = live.pop(code)[0]
            item.refresh_from_db()
            catalog_item_retire(actor=officer, item=item, reason="减负")
        for _n in range(rng.randint(1, 7)):
            serial += 1
            code = f"R{seed}-{serial:03d}"
            item_class = rng.choice(ItemClasses.values)
            hours = Decimal(rng.randint(0, 4000)) / 10
            item_ledgers = tuple(rng.sample(ledgers, k=rng.randint(0, min(3, len(ledgers)))))
            item_plaques = tuple(rng.sample(plaques, k=rng.randint(0, min(2, len(plaques)))))
            item = make_item(
                world,
                code,
                item_class=item_class,
                estimated_hours=hours,
                ledger_codes=item_ledgers,
                plaque_codes=item_plaques,
                funding_per_community=FUNDING if item_class == ItemClasses.DELEGATED else None,
            )
            live[code] = (item, item_class, item_ledgers, item_plaques, hours)
        edition = catalog_publish(actor=officer, title=f"第{number + 1}版")
        expected = Expected()
        for _item, item_class, item_ledgers, item_plaques, hours in live.values():
            expected.by_class[item_class] += 1
            expected.ledgers |= set(item_ledgers)
            expected.plaques |= set(item_plaques)
            expected.hours += hours
        built.append((edition, expected))
    return built
