"""A community that has ended gets no new work: not from "all", not from its subdistrict."""

import datetime as dt

import pytest

from communitygate.catalog.services import catalog_publish
from communitygate.core import clock
from communitygate.dispatch.services import Targets, TaskRequest, task_send
from communitygate.orgs.services import organisation_update
from communitygate.testing import World, make_item

pytestmark = pytest.mark.django_db


def test_ended_communities_are_not_targeted(world: World) -> None:
    clock.pin(dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC))
    make_item(world, "ACT-1")
    catalog_publish(actor=world.user("office_officer"), title="现行")
    organisation_update(
        actor=None, organisation=world.org("community_sibling"), active_to=dt.date(2026, 6, 30)
    )
    clerk = world.user("department_clerk")
    to_all = task_send(
        actor=clerk,
        request=TaskRequest(
            "DEPT-MZ",
            "ACT-1",
            "全区",
            "work",
            dt.date(2026, 12, 1),
            dt.date(2026, 12, 10),
            Targets("all"),
        ),
    )
    by_subdistrict = task_send(
        actor=clerk,
        request=TaskRequest(
            "DEPT-MZ",
            "ACT-1",
            "按街道",
            "work",
            dt.date(2026, 12, 1),
            dt.date(2026, 12, 10),
            Targets("subdistricts", ("370203031",)),
        ),
    )
    ended = world.org("community_sibling").pk
    assert ended not in set(to_all.assignments.values_list("community_id", flat=True))
    assert to_all.assignments.count() == 2
    assert list(by_subdistrict.assignments.values_list("community__code", flat=True)) == [
        "370203031001"
    ]
