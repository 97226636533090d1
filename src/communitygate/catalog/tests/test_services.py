"""Catalog services: every rule, every status change, publishing and editions."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from communitygate.audit.models import AuditEvent
from communitygate.catalog.models import (
    CatalogEdition,
    CatalogItem,
    EditionEntry,
    NegativeListEntry,
)
from communitygate.catalog.selectors import (
    ItemFilters,
    edition_diff,
    edition_items,
    item_page,
    unpublished_changes,
)
from communitygate.catalog.services import (
    ItemCodeTaken,
    ItemRetired,
    NothingToPublish,
    ReasonRequired,
    catalog_item_create,
    catalog_item_reinstate,
    catalog_item_retire,
    catalog_item_revise,
    catalog_item_suspend,
    catalog_publish,
    cites_law_and_article,
    item_fields_of,
    ledger_create,
    negative_list_entry_block,
    negative_list_entry_create,
    negative_list_entry_retire,
)
from communitygate.catalog.workflow import CATALOG_ITEM
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied, StaleObject
from communitygate.core.workflow import TransitionNotAllowed
from communitygate.testing import item_fields, make_item

pytestmark = pytest.mark.django_db


def test_create_records_the_item_and_its_audit_event(world) -> None:
    item = make_item(world)
    assert item.status == "active"
    event = AuditEvent.objects.get(action="catalog_item.create")
    assert event.object_id == str(item.pk)
    assert event.changes["name"] == [None, item.name]


def test_create_refuses_a_taken_code(world) -> None:
    make_item(world)
    with pytest.raises(ItemCodeTaken):
        make_item(world)
    assert CatalogItem.objects.count() == 1


def test_create_lists_every_problem_at_once(world) -> None:
    bad = item_fields(
        "bad code!",
        name="",
        item_class="nonsense",
        domain="nowhere",
        department_code="370203031",
        estimated_hours=Decimal("-1"),
        valid_from=dt.date(2026, 5, 1),
        valid_to=dt.date(2026, 1, 1),
    )
    with pytest.raises(InvalidInput) as raised:
        catalog_item_create(actor=world.user("office_officer"), fields=bad)
    columns = {problem.field for problem in raised.value.problems}
    assert {"编码", "事项名称", "类别", "领域", "责任部门", "预计工时", "有效期"} <= columns
    assert not CatalogItem.objects.exists()


def test_who_delegates_pays_a_delegated_item_in_force_needs_funding(world) -> None:
    with pytest.raises(InvalidInput) as raised:
        make_item(world, item_class="delegated")
    assert [p.field for p in raised.value.problems] == ["经费"]
    funded = make_item(world, item_class="delegated", funding_per_community=Decimal("8000"))
    assert funded.funding_per_community == Decimal("8000.00")


def test_history_may_record_unfunded_delegated_work(world) -> None:
    item = make_item(
        world,
        item_class="delegated",
        valid_from=dt.date(2014, 1, 1),
        valid_to=dt.date(2014, 12, 31),
    )
    assert item.funding_per_community is None


@pytest.mark.parametrize(
    ("legal_basis", "cites"),
    [
        ("《中华人民共和国城市居民委员会组织法》第三条", True),
        ("《社会救助暂行办法》第11条", True),
        ("依据《中华人民共和国消防法》第三十二条第二款", True),
        ("城市居民委员会组织法第三条", True),
        ("Organic Law of Urban Residents' Committees, Article 3", True),
        ("《中华人民共和国城市居民委员会组织法》", False),
        ("第三条", False),
        ("依据第三条", False),
        ("Article 3", False),
        ("", False),
    ],
)
def test_what_cites_a_law_and_its_article(legal_basis: str, cites: bool) -> None:
    assert cites_law_and_article(legal_basis) is cites


def test_statutory_work_in_force_cites_its_law_and_article(world) -> None:
    """Statutory daily work comes from law: only the office enters it, naming the article."""
    with pytest.raises(InvalidInput) as raised:
        make_item(world, legal_basis="《社会救助暂行办法》")
    (problem,) = raised.value.problems
    assert problem.field == "依据"
    assert "法律法规的名称及条款" in problem.message_zh
    assert "article" in problem.message_en and "依据" in problem.message_en
    with pytest.raises(InvalidInput):
        make_item(world, legal_basis="")
    assert not CatalogItem.objects.exists()
    item = make_item(world, legal_basis="《社会救助暂行办法》第十一条")
    with pytest.raises(InvalidInput) as raised:
        catalog_item_revise(
            actor=world.user("office_officer"),
            item=item,
            fields=replace(item_fields_of(item), legal_basis="《社会救助暂行办法》"),
        )
    assert [p.field for p in raised.value.problems] == ["依据"]
    assert CatalogItem.objects.get(pk=item.pk).legal_basis == "《社会救助暂行办法》第十一条"


def test_other_classes_and_statutory_history_need_no_article(world) -> None:
    make_item(world, "C-1", item_class="certificate", legal_basis="")
    past = make_item(
        world,
        "H-1",
        legal_basis="《中华人民共和国城市居民委员会组织法》",
        valid_from=dt.date(2014, 1, 1),
        valid_to=dt.date(2014, 12, 31),
    )
    assert past.valid_to == dt.date(2014, 12, 31)


def test_only_the_committee_office_may_change_the_catalog(world) -> None:
    for person in ["department_clerk", "subdistrict_officer", "community_secretary", "auditor"]:
        with pytest.raises(PermissionDenied):
            catalog_item_create(actor=world.user(person), fields=item_fields())
    assert not CatalogItem.objects.exists()


def test_revise_changes_fields_and_records_before_and_after(world) -> None:
    item = make_item(world)
    fields = replace(item_fields_of(item), name="新名称", estimated_hours=Decimal("12.5"))
    revised = catalog_item_revise(
        actor=world.user("office_admin"), item=item, fields=fields, reason="更名"
    )
    assert revised.name == "新名称"
    assert revised.revision == 2
    event = AuditEvent.objects.get(action="catalog_item.revise")
    assert event.changes["name"] == ["协助开展最低生活保障入户调查", "新名称"]
    assert event.changes["estimated_hours"] == ["40.0", "12.5"]
    assert event.reason == "更名"


def test_revise_from_a_stale_form_is_refused(world) -> None:
    item = make_item(world)
    office = world.user("office_officer")
    fields = item_fields_of(item)
    catalog_item_revise(
        actor=office, item=item, fields=replace(fields, name="甲"), expected_revision=1
    )
    with pytest.raises(StaleObject):
        catalog_item_revise(
            actor=office, item=item, fields=replace(fields, name="乙"), expected_revision=1
        )
    assert CatalogItem.objects.get().name == "甲"


def test_status_changes_follow_the_workflow(world) -> None:
    office = world.user("office_officer")
    item = make_item(world)
    with pytest.raises(ReasonRequired):
        catalog_item_suspend(actor=office, item=item, reason=" ")
    item = catalog_item_suspend(actor=office, item=item, reason="暂停试点")
    assert item.status == "suspended"
    with pytest.raises(TransitionNotAllowed):
        catalog_item_suspend(actor=office, item=item, reason="again")
    item = catalog_item_reinstate(actor=office, item=item, reason="恢复")
    item = catalog_item_retire(actor=office, item=item, reason="不属于社区工作")
    assert item.status == "retired"
    with pytest.raises(TransitionNotAllowed):
        catalog_item_reinstate(actor=office, item=item, reason="x")
    with pytest.raises(ItemRetired):
        catalog_item_revise(actor=office, item=item, fields=item_fields_of(item))
    actions = list(
        AuditEvent.objects.filter(object_type="catalog.catalogitem").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "catalog_item.create",
        "catalog_item.suspend",
        "catalog_item.reinstate",
        "catalog_item.retire",
    ]


@pytest.mark.parametrize(
    ("status", "action", "expected"),
    [
        ("active", "suspend", "suspended"),
        ("active", "reinstate", None),
        ("active", "retire", "retired"),
        ("suspended", "reinstate", "active"),
        ("suspended", "suspend", None),
        ("suspended", "retire", "retired"),
        ("retired", "suspend", None),
        ("retired", "reinstate", None),
        ("retired", "retire", None),
    ],
)
def test_transition_table(status: str, action: str, expected: str | None) -> None:
    assert CATALOG_ITEM.target(status, action) == expected


def test_publish_snapshots_every_item_into_a_numbered_edition(world) -> None:
    office = world.user("office_officer")
    ledger = ledger_create(
        actor=office, code="TZ-1", name="低保台账", medium="paper", department=None
    )
    make_item(world, "A-1", ledger_codes=(ledger.code,))
    make_item(world, "A-2")
    first = catalog_publish(actor=office, title="第一版")
    assert first.number == 1
    assert first.entries.count() == 2
    entry = first.entries.get(code="A-1")
    assert entry.fields["ledgers"] == [["TZ-1", "低保台账"]]
    with pytest.raises(NothingToPublish):
        catalog_publish(actor=office, title="无变化")
    assert CatalogEdition.objects.count() == 1


def test_editions_keep_the_past_and_compare(world) -> None:
    office = world.user("office_officer")
    a1, a2 = make_item(world, "A-1"), make_item(world, "A-2")
    make_item(world, "A-3")
    first = catalog_publish(actor=office, title="第一版")
    catalog_item_retire(actor=office, item=a1, reason="清理")
    catalog_item_revise(
        actor=office, item=a2, fields=replace(item_fields_of(a2), name="改名", frequency="yearly")
    )
    make_item(world, "A-4")
    assert not unpublished_changes().is_empty
    second = catalog_publish(actor=office, title="第二版")
    assert unpublished_changes().is_empty

    diff = edition_diff(second, first)
    assert [row["code"] for row in diff.added] == ["A-4"]
    assert [row["code"] for row in diff.retired] == ["A-1"]
    assert [(c.code, sorted(c.changes)) for c in diff.changed] == [("A-2", ["frequency", "name"])]
    assert diff.removed == []

    in_force_then = edition_items(first, ItemFilters())
    assert [e.code for e in in_force_then] == ["A-1", "A-2", "A-3"]
    in_force_now = edition_items(second, ItemFilters())
    assert [e.code for e in in_force_now] == ["A-2", "A-3", "A-4"]
    assert edition_items(second, ItemFilters(status="retired")).get().code == "A-1"
    assert EditionEntry.objects.filter(edition=first, code="A-2").get().name == a2.name


def test_item_page_shows_the_published_item_and_its_history(world) -> None:
    office = world.user("office_officer")
    item = make_item(world, "H-1")
    catalog_publish(actor=office, title="一")
    catalog_item_revise(actor=office, item=item, fields=replace(item_fields_of(item), name="新"))
    make_item(world, "H-2")
    catalog_publish(actor=office, title="二")
    page = item_page("H-1")
    assert page.snapshot["name"] == "新"
    assert [step.kind for step in page.history] == ["added", "changed"]
    assert page.history[1].changes["name"] == ("协助开展最低生活保障入户调查", "新")


def test_publish_uses_the_clock(world) -> None:
    moment = dt.datetime(2026, 7, 1, 2, 0, tzinfo=dt.UTC)
    clock.pin(moment)
    make_item(world)
    edition = catalog_publish(actor=world.user("office_officer"), title="七月")
    assert edition.published_at == moment


def test_a_negative_list_entry_may_forbid_a_task_type_audited(world) -> None:
    office = world.user("office_officer")
    entry = negative_list_entry_create(
        actor=office, code="NL-1", name="部门单独对社区进行考核评比", reason="示例"
    )
    with pytest.raises(PermissionDenied):
        negative_list_entry_block(
            actor=world.user("department_clerk"), entry=entry, task_type="evaluation"
        )
    with pytest.raises(InvalidInput):
        negative_list_entry_block(actor=office, entry=entry, task_type="nonsense")
    negative_list_entry_block(actor=office, entry=entry, task_type="evaluation")
    assert NegativeListEntry.objects.get(pk=entry.pk).blocked_task_type == "evaluation"
    event = AuditEvent.objects.get(action="negative_list.block")
    assert event.changes == {"blocked_task_type": [None, "evaluation"]}
    negative_list_entry_block(actor=office, entry=entry, task_type="")
    assert NegativeListEntry.objects.get(pk=entry.pk).blocked_task_type == ""
    negative_list_entry_retire(actor=office, entry=entry, reason="已调整")
    with pytest.raises(StaleObject):
        negative_list_entry_block(actor=office, entry=entry, task_type="evaluation")
