"""The before-and-after figures equal the same figures counted from the items as they were
built (random catalogs through the catalog's services, several seeds), retired items left out;
each edition is counted in one query whatever its size; the change and per cent; the defaults
(the first and the latest edition) and the bilingual refusal of an id that is no edition's."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from communitygate.catalog.models import CatalogEdition, ItemClasses
from communitygate.catalog.services import catalog_publish
from communitygate.core.errors import InvalidInput
from communitygate.insights.summary import (
    FIGURES,
    EditionSummary,
    UnknownEdition,
    before_after,
    compare,
    edition_summary,
    editions_asked,
)
from communitygate.testing import World, make_item

from .support import random_catalog

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_the_figures_are_the_items_counted_from_the_rows(world: World, seed: int) -> None:
    for edition, expected in random_catalog(world, seed, editions=3):
        summary = edition_summary(edition)
        assert summary.items == expected.items
        assert summary.by_class == expected.by_class
        assert summary.plaques == len(expected.plaques)
        assert summary.ledgers == len(expected.ledgers)
        assert summary.hours == expected.hours.quantize(Decimal("0.1"))
        assert str(summary.hours).count(".") == 1 and len(str(summary.hours).split(".")[1]) == 1


def test_one_query_an_edition_whatever_its_size(world: World) -> None:
    small, large = random_catalog(world, 11, editions=1)[0][0], None
    for n in range(30):
        make_item(world, f"BIG-{n:02d}", item_class=ItemClasses.EVALUATION)
    large = catalog_publish(actor=world.user("office_officer"), title="大")
    for edition in (small, large):
        with CaptureQueriesContext(connection) as queries:
            edition_summary(edition)
        assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        before_after(str(small.pk), str(large.pk))
    assert len(queries) == 3  # the two editions by id, then each edition's entries


def test_the_change_and_its_per_cent(world: World) -> None:
    make_item(world, "A-1", estimated_hours=Decimal("30"))
    make_item(world, "A-2", estimated_hours=Decimal("10"))
    make_item(world, "A-3", item_class=ItemClasses.CERTIFICATE, estimated_hours=Decimal("0"))
    first = catalog_publish(actor=world.user("office_officer"), title="一")
    make_item(world, "A-4", estimated_hours=Decimal("20.5"))
    second = catalog_publish(actor=world.user("office_officer"), title="二")
    changes = {c.figure: c for c in compare(edition_summary(first), edition_summary(second))}
    assert [c for c in changes] == list(FIGURES)
    assert (changes["items"].before, changes["items"].after, changes["items"].change) == (3, 4, 1)
    assert changes["items"].per_cent == Decimal("33.3")
    assert changes["hours"].change == Decimal("20.5")
    assert changes["hours"].per_cent == Decimal("51.3")  # 20.5 / 40 = 51.25 %, rounded half up
    assert changes["delegated"].per_cent is None  # no per cent of nothing
    assert changes["certificate"].change == 0 and changes["certificate"].per_cent == Decimal("0.0")


def test_the_defaults_are_the_first_and_the_latest_edition(world: World) -> None:
    assert before_after() is None  # nothing published yet
    editions = [
        edition
        for edition, _expected in random_catalog(world, 21, editions=3)  # three editions
    ]
    figures = before_after()
    assert figures is not None
    assert figures.before.edition == editions[0]
    assert figures.after.edition == editions[-1]
    assert before_after(after=str(editions[1].pk)).after.edition == editions[1]  # type: ignore[union-attr]


@pytest.mark.parametrize("bad", ["999999", "abc", "-1", "1.5", "١", "9" * 30])
def test_an_id_that_is_no_editions_is_refused_in_both_languages(world: World, bad: str) -> None:
    random_catalog(world, 31, editions=1)
    with pytest.raises(UnknownEdition) as refused:
        editions_asked(bad, None)
    (problem,) = refused.value.problems
    assert problem.field == "before"
    assert "目录版本" in problem.message_zh and "catalog edition" in problem.message_en
    assert refused.value.status == 422 and isinstance(refused.value, InvalidInput)


def test_both_wrong_ids_are_named_at_once(world: World) -> None:
    random_catalog(world, 41, editions=1)
    with pytest.raises(UnknownEdition) as refused:
        editions_asked("x", "888888")
    assert [p.field for p in refused.value.problems] == ["before", "after"]


figures_strategy = st.fixed_dictionaries(
    {
        name: st.integers(min_value=0, max_value=5000)
        for name in FIGURES
        if name not in {"hours", "items"}
    }
)
hours_strategy = st.decimals(min_value=0, max_value=99999, places=1, allow_nan=False)


def _summary(counts: dict[str, int], hours: Decimal) -> EditionSummary:
    by_class = sum(counts[name] for name in ItemClasses.values)
    return EditionSummary(edition=CatalogEdition(number=1), items=by_class, hours=hours, **counts)


@given(figures_strategy, hours_strategy, figures_strategy, hours_strategy)
def test_every_change_is_after_minus_before_and_its_per_cent_of_before(
    old: dict[str, int], old_hours: Decimal, new: dict[str, int], new_hours: Decimal
) -> None:
    before, after = _summary(old, old_hours), _summary(new, new_hours)
    for change in compare(before, after):
        assert change.change == change.after - change.before
        assert (change.before, change.after) == (
            before.figure(change.figure),
            after.figure(change.figure),
        )
        if not change.before:
            assert change.per_cent is None
        else:
            exact = Decimal(change.change) * 100 / Decimal(change.before)
            assert change.per_cent is not None
            assert abs(change.per_cent - exact) <= Decimal("0.05")
            assert (change.per_cent > 0) == (exact >= Decimal("0.05"))
