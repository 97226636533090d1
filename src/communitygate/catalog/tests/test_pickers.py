"""The catalog item pickers: which items each offers, grouped by domain, read in one query, and
only when a page shows them (the API reads the same forms and never renders them)."""

from typing import Any, cast

import pytest
from django.forms import Select

from communitygate.auditing.forms import AnomalyFilterForm
from communitygate.catalog.pickers import CatalogItemField, grouped_by_domain
from communitygate.catalog.selectors import (
    ItemChoice,
    published_item_choices,
    working_item_choices,
)
from communitygate.catalog.services import catalog_item_retire, catalog_publish
from communitygate.orgs.models import Organisation
from communitygate.testing import World, make_item, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(world: World) -> World:
    """Published: MZ-1 and MZ-2 (DEPT-MZ), WJ-1 (DEPT-WJ, health); MZ-3 was retired before the
    edition; MZ-9 is only in the working catalog."""
    office = world.user("office_officer")
    make_item(world, "MZ-1", name="低保入户调查")
    make_item(world, "MZ-2", name="残疾人证办理", domain="disability")
    make_item(world, "WJ-1", name="老年人体检", domain="health", department_code="DEPT-WJ")
    retired = make_item(world, "MZ-3", name="旧事项")
    catalog_item_retire(actor=office, item=retired, reason="不再需要")
    catalog_publish(actor=office, title="现行目录")
    make_item(world, "MZ-9", name="尚未公布的事项")
    return world


def test_published_choices_are_the_latest_editions_items_in_force(
    catalog: World, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(2):  # the latest edition, its items
        every = published_item_choices()
    assert [c.code for c in every] == ["MZ-1", "MZ-2", "WJ-1"]
    mz = Organisation.objects.get(code="DEPT-MZ")
    assert [c.code for c in published_item_choices(department_ids=[mz.pk])] == ["MZ-1", "MZ-2"]
    assert [c.code for c in working_item_choices()] == ["MZ-1", "MZ-2", "MZ-3", "MZ-9", "WJ-1"]


def test_the_picker_groups_items_by_domain_in_the_domains_order() -> None:
    groups = grouped_by_domain(
        [
            ItemChoice("Z-1", "其他事项", "other"),
            ItemChoice("A-1", "低保", "civil_affairs"),
            ItemChoice("A-2", "救助", "civil_affairs"),
        ]
    )
    assert [(str(label), items) for label, items in groups] == [
        ("民政和社会救助", [("A-1", "A-1 低保"), ("A-2", "A-2 救助")]),
        ("其他", [("Z-1", "Z-1 其他事项")]),
    ]
    field = CatalogItemField()
    field.offer([ItemChoice("A-1", "低保", "civil_affairs")])
    html = cast(Select, field.widget).render("item", "A-1")
    assert 'data-picker="search"' in html
    assert '<option value="A-1" selected>A-1 低保</option>' in html
    assert '<option value="">不属于准入目录事项</option>' in html


def test_the_anomaly_filter_offers_items_by_name_and_reads_them_only_when_shown(
    catalog: World, django_assert_num_queries: Any, world: World
) -> None:
    with django_assert_num_queries(1):  # the code's check; no list of items
        assert AnomalyFilterForm({"item": "MZ-1"}).is_valid()
    page = signed_in(world.user("auditor")).get("/audit/anomalies/").content.decode()
    assert 'list="id_item-items"' in page
    assert '<option value="MZ-3">MZ-3 旧事项</option>' in page
