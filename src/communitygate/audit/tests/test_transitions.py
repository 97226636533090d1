"""transition_apply: one step of a workflow is one conditional update and one audit event, in one
transaction; of two people taking the same step at once exactly one wins (SQLite and
PostgreSQL). Shown on a catalog item, whose table is the smallest."""

import pytest
from django.db.models import Q

from communitygate.audit.models import AuditEvent
from communitygate.audit.selectors import audit_chain_first_break
from communitygate.audit.transitions import transition_apply
from communitygate.catalog.models import CatalogItem
from communitygate.catalog.workflow import CATALOG_ITEM
from communitygate.core.errors import StaleObject
from communitygate.core.workflow import ActorNotAllowed, TransitionNotAllowed
from communitygate.testing import World, build_world, make_item, run_together


@pytest.mark.django_db
def test_a_step_moves_the_row_and_records_its_event(world: World) -> None:
    item = make_item(world)
    office = world.user("office_officer")
    row = transition_apply(
        CATALOG_ITEM,
        actor=office,
        subject=item,
        action="suspend",
        values={"name": "改名"},
        changes={"name": [item.name, "改名"]},
        reason="试点暂停",
    )
    assert (row.source, row.target) == ("active", "suspended")
    moved = CatalogItem.objects.get(pk=item.pk)
    assert (moved.status, moved.name, moved.revision) == ("suspended", "改名", item.revision + 1)
    assert moved.updated_at >= item.updated_at
    event = AuditEvent.objects.get(action="catalog_item.suspend")
    assert event.changes == {"status": ["active", "suspended"], "name": [item.name, "改名"]}
    assert (event.reason, event.actor_id, event.object_id) == ("试点暂停", office.pk, str(item.pk))


@pytest.mark.django_db
def test_the_tables_who_is_enforced(world: World) -> None:
    item = make_item(world)
    with pytest.raises(ActorNotAllowed) as refused:
        transition_apply(
            CATALOG_ITEM, actor=world.user("department_clerk"), subject=item, action="suspend"
        )
    assert refused.value.message_en == "Only the committee office may change the admission catalog."
    assert CatalogItem.objects.get(pk=item.pk).status == "active"
    assert not AuditEvent.objects.filter(action="catalog_item.suspend").exists()


@pytest.mark.django_db
def test_the_state_is_read_from_the_database_not_the_callers_copy(world: World) -> None:
    office = world.user("office_officer")
    stale = make_item(world)
    transition_apply(CATALOG_ITEM, actor=office, subject=stale, action="retire")
    with pytest.raises(TransitionNotAllowed) as refused:
        transition_apply(CATALOG_ITEM, actor=office, subject=stale, action="suspend")
    assert refused.value.current == "retired"
    assert stale.status == "active"
    assert AuditEvent.objects.filter(action__startswith="catalog_item.").count() == 2


@pytest.mark.django_db
def test_a_further_condition_the_row_no_longer_meets_is_a_stale_object(world: World) -> None:
    item = make_item(world)
    with pytest.raises(StaleObject):
        transition_apply(
            CATALOG_ITEM,
            actor=world.user("office_officer"),
            subject=item,
            action="suspend",
            where=Q(revision=item.revision + 5),
        )
    assert CatalogItem.objects.get(pk=item.pk).status == "active"
    assert not AuditEvent.objects.filter(action="catalog_item.suspend").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("repetition", range(3))
def test_of_two_people_taking_the_same_step_at_once_one_wins(repetition: int) -> None:
    world = build_world()
    item = make_item(world)
    office = world.user("office_officer")
    outcomes: list[str] = []

    def suspend() -> None:
        transition_apply(CATALOG_ITEM, actor=office, subject=item, action="suspend")
        outcomes.append("moved")

    _results, errors = run_together([suspend, suspend])
    assert outcomes == ["moved"]
    assert len(errors) == 1
    assert isinstance(errors[0], TransitionNotAllowed | StaleObject), errors
    moved = CatalogItem.objects.get(pk=item.pk)
    assert (moved.status, moved.revision) == ("suspended", item.revision + 1)
    assert AuditEvent.objects.filter(action="catalog_item.suspend").count() == 1
    assert audit_chain_first_break() is None
