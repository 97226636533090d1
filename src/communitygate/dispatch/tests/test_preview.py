"""The preview (task_preview) says what the send (task_send) then does: for any request, the
same communities, the same verdict with the same reasons, or the same refusal. Both run the
same code (`_sender` and `_previewed` in dispatch.services); these tests keep it so."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from communitygate.catalog.models import TaskTypes
from communitygate.catalog.services import catalog_publish
from communitygate.core import clock
from communitygate.core.errors import RuleBroken
from communitygate.dispatch.models import Assignment, TargetModes, Task
from communitygate.dispatch.services import (
    Targets,
    TaskRequest,
    task_preview,
    task_preview_reach,
    task_send,
)
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.testing import World, make_item

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 23)
SENDERS = [("department_clerk", "DEPT-MZ"), ("department_clerk_other", "DEPT-WJ")]
ITEMS = [None, "T-001", "E-001", "W-001", "G-001", "NOPE"]


@pytest.fixture
def catalog(world: World) -> World:
    """DEPT-MZ owns a statutory (T-001), an evaluation (E-001) and an unfunded delegated item
    (G-001); DEPT-WJ owns W-001; NOPE is in no edition."""
    clock.pin(MONDAY)
    make_item(world, "T-001")
    make_item(world, "E-001", item_class="evaluation")
    make_item(world, "G-001", item_class="delegated", funding_per_community=Decimal("8000"))
    make_item(world, "W-001", department_code="DEPT-WJ")
    catalog_publish(actor=world.user("office_officer"), title="现行目录")
    return world


def request_of(
    department: str, item: str | None, task_type: str, start: int, length: int, targets: Targets
) -> TaskRequest:
    return TaskRequest(
        department_code=department,
        item_code=item,
        title="入户核查",
        task_type=task_type,
        starts_on=TODAY + dt.timedelta(days=start),
        due_on=TODAY + dt.timedelta(days=start + length),
        targets=targets,
    )


def outcome_of_preview(actor: Any, request: TaskRequest) -> tuple[Any, ...]:
    try:
        preview = task_preview(actor=actor, request=request)
    except RuleBroken as broken:
        return ("refused", type(broken).__name__, str(broken))
    return (
        "sent",
        preview.admitted,
        [reason.as_dict() for reason in preview.reasons],
        sorted(preview.community_ids),
    )


def outcome_of_send(actor: Any, request: TaskRequest) -> tuple[Any, ...]:
    try:
        task = task_send(actor=actor, request=request)
    except RuleBroken as broken:
        return ("refused", type(broken).__name__, str(broken))
    community_ids = Assignment.objects.filter(task=task).values_list("community_id", flat=True)
    return ("sent", task.admitted, task.reasons, sorted(community_ids))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_preview_answers_what_the_send_then_records(catalog: World, data: Any) -> None:
    """Random requests (either department, any item or none, any task type, dates either way,
    every target mode, unknown codes among them): the send records exactly the preview."""
    communities = sorted(
        Organisation.objects.filter(kind=OrganisationKinds.COMMUNITY).values_list("code", flat=True)
    )
    subdistricts = sorted(
        Organisation.objects.filter(kind=OrganisationKinds.SUBDISTRICT).values_list(
            "code", flat=True
        )
    )
    person, department = data.draw(st.sampled_from(SENDERS))
    mode = data.draw(st.sampled_from(TargetModes.values))
    pool = {
        TargetModes.ALL: [],
        TargetModes.SUBDISTRICTS: [*subdistricts, "370203999"],
        TargetModes.COMMUNITIES: [*communities, "370203099999"],
    }[mode]
    codes = data.draw(st.lists(st.sampled_from(pool), unique=True)) if pool else []
    request = request_of(
        department,
        data.draw(st.sampled_from(ITEMS)),
        data.draw(st.sampled_from(TaskTypes.values)),
        data.draw(st.integers(min_value=-3, max_value=5)),
        data.draw(st.integers(min_value=-2, max_value=20)),
        Targets(mode, tuple(codes)),
    )
    actor = catalog.user(person)
    with transaction.atomic():
        previewed = outcome_of_preview(actor, request)
        assert not Task.objects.exists(), "a preview sends nothing"
        assert outcome_of_send(actor, request) == previewed
        transaction.set_rollback(True)


def test_an_admitted_and_an_unadmitted_preview_give_the_sends_verdict_and_count(
    catalog: World,
) -> None:
    clerk = catalog.user("department_clerk")
    admitted = request_of("DEPT-MZ", "T-001", "inspection", 0, 10, Targets(TargetModes.ALL))
    unadmitted = request_of(
        "DEPT-MZ", "G-001", "work", 0, 10, Targets(TargetModes.SUBDISTRICTS, ("370203031",))
    )
    for request, reasons in ((admitted, []), (unadmitted, ["funding_not_committed"])):
        preview = task_preview(actor=clerk, request=request)
        assert [reason.code for reason in preview.reasons] == reasons
        task = task_send(actor=clerk, request=request)
        assert task.admitted is preview.admitted
        assert Assignment.objects.filter(task=task).count() == preview.community_count
        assert [reason["code"] for reason in task.reasons] == reasons


def test_the_reach_counts_the_previewed_communities_by_subdistrict(catalog: World) -> None:
    request = request_of("DEPT-MZ", "T-001", "inspection", 0, 10, Targets(TargetModes.ALL))
    preview = task_preview(actor=catalog.user("department_clerk"), request=request)
    reach = task_preview_reach(preview)
    assert sum(row.communities for row in reach) == preview.community_count
    names = dict(
        Organisation.objects.filter(kind=OrganisationKinds.SUBDISTRICT).values_list("name", "pk")
    )
    for row in reach:
        assert (
            row.communities
            == Organisation.objects.filter(
                kind=OrganisationKinds.COMMUNITY, parent_id=names[row.name]
            ).count()
        )
