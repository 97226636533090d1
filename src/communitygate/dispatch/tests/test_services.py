"""Dispatch through its services, on the database: the gate's verdict from the published catalog,
admitted scopes, commitments and the negative list; targets; every assignment step and its
rules; permissions; audit events; the refusal notice; off-platform reports and the violations
they become (supervision's register)."""

import datetime as dt
from collections import Counter
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from communitygate.accounts.models import Notification
from communitygate.admissions.models import Application, FundingCommitment
from communitygate.admissions.services import (
    ApplicationFields,
    application_create,
    application_submit,
    application_urgent_approve,
)
from communitygate.audit.models import AuditEvent
from communitygate.audit.selectors import audit_chain_first_break
from communitygate.catalog.models import CatalogItem, NegativeListEntry
from communitygate.catalog.services import (
    catalog_item_retire,
    catalog_item_revise,
    catalog_item_suspend,
    catalog_publish,
    item_fields_of,
    plaque_create,
)
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied
from communitygate.core.uploads import FileUpload
from communitygate.dispatch import services
from communitygate.dispatch.models import Assignment, Evidence, OffPlatformReport, Task
from communitygate.dispatch.permissions import (
    assignments_visible_to,
    reports_visible_to,
    tasks_visible_to,
)
from communitygate.dispatch.selectors import sent_by_department
from communitygate.dispatch.services import (
    Targets,
    TaskRequest,
    assignment_accept,
    assignment_confirm,
    assignment_decide_extension,
    assignment_refuse,
    assignment_request_extension,
    assignment_return,
    assignment_submit,
    off_platform_report_create,
    task_send,
)
from communitygate.dispatch.workflow import (
    AdmittedTaskCannotBeRefused,
    StateNotAllowed,
    UnadmittedTaskNotAccepted,
)
from communitygate.funding.services import (
    CommitmentRequest,
    CommitmentTerms,
    commitment_end,
    commitment_record,
    commitment_renew,
)
from communitygate.oversight.models import Violation
from communitygate.testing import World, image_bytes, make_item

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
STARTS, DUE = dt.date(2026, 12, 1), dt.date(2026, 12, 15)
COMMUNITY, SIBLING, OTHER = "370203031001", "370203031002", "370203014001"
SUBDISTRICT = "370203031"
PNG = image_bytes("PNG")
PDF = b"%PDF-1.7\n" + b"x" * 32


def committed(
    world: World, item: CatalogItem, *, amount: str, start: dt.date, end: dt.date | None
) -> FundingCommitment:
    """The office records the department's commitment for the item (funding.services)."""
    return commitment_record(
        actor=world.user("office_officer"),
        request=CommitmentRequest(
            item_code=item.code,
            payer_code=world.org("department").code,
            period_start=start,
            terms=CommitmentTerms(amount=amount, budget_line="民政专项", period_end=end),
        ),
    )


def task_request(item: str | None = "T-001", **overrides: object) -> TaskRequest:
    values: dict[str, object] = {
        "department_code": "DEPT-MZ",
        "item_code": item,
        "title": "低保户入户核查",
        "task_type": "inspection",
        "starts_on": STARTS,
        "due_on": DUE,
        "targets": Targets("all"),
        "instructions": "逐户核查并填写表格",
    }
    values.update(overrides)
    return TaskRequest(**values)  # type: ignore[arg-type]


def publish(world: World, title: str = "edition") -> None:
    catalog_publish(actor=world.user("office_officer"), title=title)


def published(world: World, code: str = "T-001", **fields: object) -> CatalogItem:
    item = make_item(world, code, **fields)
    publish(world, f"publish {code}")
    return item


def send(world: World, person: str = "department_clerk", **overrides: object) -> Task:
    item = overrides.pop("item", "T-001")
    return task_send(
        actor=world.user(person),
        request=task_request(item, **overrides),  # type: ignore[arg-type]
    )


def reason_codes(task: Task) -> list[str]:
    return [reason["code"] for reason in task.reasons]


def one_assignment(task: Task, community: str = COMMUNITY) -> Assignment:
    return Assignment.objects.select_related("task", "community").get(
        task=task, community__code=community
    )


@pytest.fixture(autouse=True)
def pinned() -> None:
    clock.pin(MONDAY)


# The verdict, stored once --------------------------------------------------------------


def test_an_admitted_task_stores_its_verdict_and_every_assignment_copies_it(world: World) -> None:
    published(world)
    task = send(world)
    assert task.admitted is True
    assert task.reasons == []
    assignments = list(task.assignments.all())
    assert {a.community.code for a in assignments} == {COMMUNITY, SIBLING, OTHER}
    for assignment in assignments:
        assert assignment.admitted is True
        assert assignment.due_on == DUE
        assert assignment.state == "received"


def test_an_unadmitted_task_arrives_marked_with_every_reason_in_both_languages(
    world: World,
) -> None:
    task = send(world, item=None)
    assert task.admitted is False
    assert reason_codes(task) == ["not_in_catalog"]
    reason = task.reasons[0]
    assert reason["message_zh"] and reason["message_en"]
    assert reason["message"] == f"{reason['message_zh']} / {reason['message_en']}"
    assert task.assignments.count() == 3
    assert not task.assignments.filter(admitted=True).exists()
    stored = Task.objects.get(pk=task.pk)
    assert stored.admitted is False and reason_codes(stored) == ["not_in_catalog"]


def test_the_verdict_is_decided_once_and_not_revised_by_later_catalog_changes(
    world: World,
) -> None:
    item = published(world)
    task = send(world)
    catalog_item_suspend(actor=world.user("office_officer"), item=item, reason="暂停")
    publish(world, "suspended")
    task.refresh_from_db()
    assert task.admitted is True
    assert send(world).admitted is False


def test_each_assignment_row_holds_the_models_own_values(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The assignments are inserted in batches by one statement each, not one model object at a
    time: every column must still hold what the model gives a new assignment."""
    monkeypatch.setattr(services, "BULK_BATCH", 2)  # three communities: two batches
    published(world)
    task = send(world)
    assignments = list(task.assignments.order_by("community__code"))
    assert [a.community.code for a in assignments] == sorted([COMMUNITY, SIBLING, OTHER])
    fresh = Assignment()
    for assignment in assignments:
        assert assignment.task_id == task.pk
        assert assignment.updated_at == MONDAY
        for name in [
            "state",
            "revision",
            "deliverable_text",
            "department_comment",
            "refusal_comment",
            "extension_state",
            "extension_until",
            "extension_reason",
        ]:
            assert getattr(assignment, name) == getattr(fresh, name), name
        assert not assignment.deliverable_file


# Targets -------------------------------------------------------------------------------


def test_targets_all_subdistricts_or_communities(world: World) -> None:
    published(world)
    everyone = send(world)
    by_subdistrict = send(world, targets=Targets("subdistricts", (SUBDISTRICT,)))
    chosen = send(world, targets=Targets("communities", (OTHER,)))
    assert everyone.assignments.count() == 3
    assert set(by_subdistrict.assignments.values_list("community__code", flat=True)) == {
        COMMUNITY,
        SIBLING,
    }
    assert list(chosen.assignments.values_list("community__code", flat=True)) == [OTHER]
    assert everyone.target_mode == "all"
    assert by_subdistrict.target_codes == [SUBDISTRICT]


@pytest.mark.parametrize(
    "targets",
    [
        Targets("communities", ("999999999999",)),
        Targets("communities", ()),
        Targets("subdistricts", ("nope",)),
        Targets("subdistricts", (COMMUNITY,)),  # a community is not a subdistrict
        Targets("communities", (SUBDISTRICT,)),  # nor a subdistrict a community
        Targets("everyone"),
    ],
)
def test_unknown_targets_are_refused_and_nothing_is_created(world: World, targets: Targets) -> None:
    published(world)
    with pytest.raises(InvalidInput):
        send(world, targets=targets)
    assert not Task.objects.exists()
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"task_type": "tax_collection"}, "task_type"),
        ({"deliverable": "video"}, "deliverable"),
        ({"due_on": STARTS - dt.timedelta(days=1)}, "due_on"),
    ],
)
def test_invalid_requests_name_the_field(
    world: World, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        send(world, "department_clerk", **overrides)
    assert field in {problem.field for problem in raised.value.problems}
    assert not Task.objects.exists()


def approve_for(world: World, codes: tuple[str, ...]) -> str:
    """An urgent application of delegated work for a list of communities, funded and approved at
    once: its item is admitted (and published, with the funding commitment) for those communities
    only. Returns the item's code."""
    application = application_create(
        actor=world.user("department_clerk"),
        applicant=world.org("department"),
        fields=ApplicationFields(
            contact_name="经办人",
            contact_phone="0532-80000000",
            item_name="协助开展防汛隐患排查",
            item_class="delegated",
            domain="urban_management",
            legal_basis="《中华人民共和国防洪法》",
            necessity="汛期排查",
            community_duty="入户排查、登记",
            frequency="yearly",
            starts_on=dt.date(2026, 11, 26),
            ends_on=dt.date(2027, 1, 31),
            estimated_hours=Decimal("10"),
            targets_all=False,
            target_community_codes=codes,
            funding_per_community=Decimal("2000"),
            funding_source="区城市管理局部门预算",
            urgent=True,
            urgent_reason="汛期",
        ),
    )
    application_submit(actor=world.user("department_clerk"), application=application)
    approved = application_urgent_approve(
        actor=world.user("office_officer"), application=application, reason="即时审批"
    )
    assert approved.catalog_item is not None
    return approved.catalog_item.code


def test_an_item_admitted_for_some_communities_limits_all_to_them(world: World) -> None:
    code = approve_for(world, (COMMUNITY, SIBLING))
    task = send(world, item=code)
    assert task.admitted is True, task.reasons
    assert set(task.assignments.values_list("community__code", flat=True)) == {COMMUNITY, SIBLING}


def test_a_target_outside_the_admitted_scope_makes_the_task_unadmitted(world: World) -> None:
    code = approve_for(world, (COMMUNITY,))
    inside = send(world, item=code, targets=Targets("communities", (COMMUNITY,)))
    outside = send(world, item=code, targets=Targets("communities", (COMMUNITY, OTHER)))
    by_subdistrict = send(world, item=code, targets=Targets("subdistricts", (SUBDISTRICT,)))
    assert inside.admitted is True
    assert reason_codes(outside) == ["outside_item_scope"]
    assert outside.assignments.count() == 2, "an unadmitted task still reaches every target"
    assert reason_codes(by_subdistrict) == ["outside_item_scope"]


def test_a_subdistrict_code_in_the_admitted_scope_stands_for_its_communities(
    world: World,
) -> None:
    code = approve_for(world, (SUBDISTRICT,))
    task = send(world, item=code, targets=Targets("subdistricts", (SUBDISTRICT,)))
    assert task.admitted is True, task.reasons
    assert task.assignments.count() == 2


# Funding, catalog, negative list -------------------------------------------------------


def test_a_delegated_item_needs_a_commitment_covering_the_task_dates(world: World) -> None:
    item = published(world, "D-001", item_class="delegated", funding_per_community=Decimal("8000"))
    assert reason_codes(send(world, item="D-001")) == ["funding_not_committed"]
    committed(world, item, amount="8000", start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 31))
    assert send(world, item="D-001").admitted is True
    beyond = send(world, item="D-001", starts_on=dt.date(2026, 12, 20), due_on=dt.date(2027, 1, 8))
    assert reason_codes(beyond) == ["funding_not_committed"]
    before = send(world, item="D-001", starts_on=dt.date(2026, 11, 30))
    assert reason_codes(before) == ["funding_not_committed"]


def test_an_open_ended_commitment_covers_every_later_period(world: World) -> None:
    item = published(world, "D-002", item_class="delegated", funding_per_community=Decimal("100"))
    committed(world, item, amount="100", start=dt.date(2026, 1, 1), end=None)
    later = send(world, item="D-002", starts_on=dt.date(2027, 6, 1), due_on=dt.date(2027, 6, 30))
    assert later.admitted is True


def test_an_ended_commitment_stops_new_delegated_tasks_and_a_renewal_reopens_the_gate(
    world: World,
) -> None:
    item = published(world, "D-003", item_class="delegated", funding_per_community=Decimal("50"))
    commitment = committed(
        world, item, amount="50", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    assert send(world, item="D-003").admitted is True
    commitment_end(
        actor=world.user("department_head"),
        commitment=commitment,
        ended_on=dt.date(2026, 12, 10),
        reason="委托调整",
    )
    assert reason_codes(send(world, item="D-003")) == ["funding_not_committed"]  # to 12-15
    inside = send(world, item="D-003", starts_on=dt.date(2026, 12, 1), due_on=dt.date(2026, 12, 10))
    assert inside.admitted is True
    renewable = published(
        world, "D-004", item_class="delegated", funding_per_community=Decimal("50")
    )
    lapsing = committed(
        world, renewable, amount="50", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 5)
    )
    assert reason_codes(send(world, item="D-004")) == ["funding_not_committed"]
    commitment_renew(
        actor=world.user("office_officer"),
        commitment=lapsing,
        terms=CommitmentTerms(amount="60", budget_line="2027年民政专项", period_end=None),
    )
    across = send(world, item="D-004")  # 12-01..12-15 runs across the old and the renewal
    assert across.admitted is True, across.reasons
    clock.pin(dt.datetime(2027, 2, 1, 2, tzinfo=dt.UTC))
    later = send(world, item="D-004", starts_on=dt.date(2027, 2, 2), due_on=dt.date(2027, 2, 20))
    assert later.admitted is True


def test_a_commitment_for_another_item_does_not_fund_this_one(world: World) -> None:
    published(world, "D-001", item_class="delegated", funding_per_community=Decimal("1"))
    other = published(world, "D-002", item_class="delegated", funding_per_community=Decimal("1"))
    committed(world, other, amount="1", start=dt.date(2026, 1, 1), end=None)
    assert reason_codes(send(world, item="D-001")) == ["funding_not_committed"]


def test_an_approved_delegated_application_records_the_commitment_the_gate_sees(
    world: World,
) -> None:
    application = application_create(
        actor=world.user("department_clerk"),
        applicant=world.org("department"),
        fields=ApplicationFields(
            contact_name="经办人",
            contact_phone="0532-80000000",
            item_name="协助发放高龄津贴",
            item_class="delegated",
            domain="civil_affairs",
            legal_basis="《老年人权益保障法》",
            necessity="按月发放",
            community_duty="核对名单",
            frequency="monthly",
            starts_on=dt.date(2026, 11, 26),
            ends_on=dt.date(2027, 1, 31),
            estimated_hours=Decimal("12"),
            funding_per_community=Decimal("3000"),
            funding_source="区财政",
            urgent=True,
            urgent_reason="年底发放",
        ),
    )
    application_submit(actor=world.user("department_clerk"), application=application)
    approved = application_urgent_approve(
        actor=world.user("office_officer"), application=application, reason="即时审批"
    )
    assert approved.catalog_item is not None
    assert send(world, item=approved.catalog_item.code).admitted is True


def test_an_item_only_in_the_working_copy_is_not_in_catalog(world: World) -> None:
    make_item(world, "T-001")
    assert reason_codes(send(world)) == ["not_in_catalog"], "nothing published yet"
    publish(world)
    make_item(world, "T-002")
    assert reason_codes(send(world, item="T-002")) == ["not_in_catalog"]
    assert send(world, item="T-001").admitted is True


def test_an_unknown_item_code_is_not_in_catalog(world: World) -> None:
    published(world)
    task = send(world, item="NO-SUCH-ITEM")
    assert reason_codes(task) == ["not_in_catalog"]
    assert task.item_id is None


def test_a_suspended_or_retired_published_item_is_not_active(world: World) -> None:
    suspended = published(world, "T-001")
    retired = published(world, "T-002")
    catalog_item_suspend(actor=world.user("office_officer"), item=suspended, reason="整改")
    catalog_item_retire(actor=world.user("office_officer"), item=retired, reason="取消")
    publish(world, "after")
    assert reason_codes(send(world, item="T-001")) == ["item_not_active"]
    assert reason_codes(send(world, item="T-002")) == ["item_not_active"]


def test_a_change_in_the_working_copy_counts_only_once_published(world: World) -> None:
    item = published(world)
    catalog_item_suspend(actor=world.user("office_officer"), item=item, reason="整改")
    assert send(world).admitted is True, "the published edition still has it active"


def test_the_owner_is_the_one_the_published_edition_names(world: World) -> None:
    item = published(world)
    catalog_item_revise(
        actor=world.user("office_officer"),
        item=item,
        fields=replace(item_fields_of(item), department_code="DEPT-WJ"),
    )
    assert send(world).admitted is True, "not yet published: still the civil-affairs bureau's"
    publish(world, "new owner")
    assert reason_codes(send(world)) == ["not_item_owner"]
    assert send(world, "department_clerk_other", department_code="DEPT-WJ").admitted is True


def test_an_item_expiring_before_the_task_is_due_is_not_active(world: World) -> None:
    published(world, valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 12, 10))
    assert reason_codes(send(world)) == ["item_not_active"]
    assert send(world, due_on=dt.date(2026, 12, 10)).admitted is True


def test_another_department_does_not_own_the_item_but_the_office_may_send(world: World) -> None:
    published(world)
    other = send(world, "department_clerk_other", department_code="DEPT-WJ")
    assert reason_codes(other) == ["not_item_owner"]
    office = send(world, "office_officer", department_code="CMTE-OFFICE")
    assert office.admitted is True, office.reasons


def test_a_task_type_that_does_not_fit_the_item(world: World) -> None:
    published(world)
    assert reason_codes(send(world, task_type="evaluation")) == ["type_not_allowed"]
    assert reason_codes(send(world, task_type="plaque")) == ["type_not_allowed"]


def test_a_plaque_task_fits_an_item_that_requires_the_plaque(world: World) -> None:
    plaque_create(actor=world.user("office_officer"), code="P-1", name="老年协会", department=None)
    published(world, plaque_codes=("P-1",))
    assert send(world, task_type="plaque").admitted is True


def test_a_blocked_task_type_or_item_is_on_the_negative_list(world: World) -> None:
    item = published(world)
    NegativeListEntry.objects.create(
        code="N-1", name="招商引资", reason="不属于社区职责", blocked_task_type="survey"
    )
    assert reason_codes(send(world, task_type="survey")) == ["on_negative_list"]
    assert reason_codes(send(world, item=None, task_type="survey")) == [
        "not_in_catalog",
        "on_negative_list",
    ]
    assert send(world, task_type="inspection").admitted is True
    NegativeListEntry.objects.create(code="N-2", name="拆迁", reason="执法事项", blocked_item=item)
    assert reason_codes(send(world)) == ["on_negative_list"]


def test_a_retired_negative_list_entry_no_longer_blocks(world: World) -> None:
    published(world)
    NegativeListEntry.objects.create(
        code="N-1", name="旧条目", reason="已废止", blocked_task_type="inspection", status="retired"
    )
    assert send(world).admitted is True


def test_every_failing_reason_is_stored(world: World) -> None:
    item = published(world, "D-001", item_class="delegated", funding_per_community=Decimal("1"))
    catalog_item_suspend(actor=world.user("office_officer"), item=item, reason="整改")
    publish(world, "suspended")
    NegativeListEntry.objects.create(
        code="N-1", name="评比", reason="不得摊派", blocked_task_type="evaluation"
    )
    task = send(
        world,
        "department_clerk_other",
        department_code="DEPT-WJ",
        item="D-001",
        task_type="evaluation",
    )
    assert reason_codes(task) == [
        "item_not_active",
        "not_item_owner",
        "type_not_allowed",
        "funding_not_committed",
        "on_negative_list",
    ]


# Who may send --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "department"),
    [
        ("department_clerk_other", "DEPT-MZ"),  # another department's clerk
        ("community_secretary", "DEPT-MZ"),
        ("subdistrict_officer", "DEPT-MZ"),
        ("inspector", "DEPT-MZ"),
        ("auditor", "DEPT-MZ"),
        ("no_role", "DEPT-MZ"),
        ("department_clerk", "370203031001"),  # a community is no sending department
        ("department_clerk", "SUP-GOV"),
    ],
)
def test_only_a_department_clerk_or_head_or_the_office_may_send(
    world: World, person: str, department: str
) -> None:
    published(world)
    with pytest.raises(PermissionDenied):
        send(world, person, department_code=department)
    assert not Task.objects.exists()


def test_the_head_may_send_for_the_department(world: World) -> None:
    published(world)
    assert send(world, "department_head").department.code == "DEPT-MZ"


def test_sending_records_one_audit_event_with_the_verdict(world: World) -> None:
    published(world)
    task = send(world, item=None)
    event = AuditEvent.objects.get(action="task.send")
    assert event.object_id == str(task.pk)
    assert event.actor_username == "department_clerk"
    assert event.changes["admitted"] == [None, False]
    assert event.changes["reasons"] == [None, ["not_in_catalog"]]
    assert event.changes["assignments"] == [None, 3]


# Assignment steps ----------------------------------------------------------------------


@pytest.fixture
def admitted(world: World) -> Assignment:
    published(world)
    return one_assignment(send(world))


@pytest.fixture
def unadmitted(world: World) -> Assignment:
    return one_assignment(send(world, item=None))


def test_an_admitted_task_is_accepted_worked_and_confirmed(
    world: World, admitted: Assignment
) -> None:
    secretary, clerk = world.user("community_secretary"), world.user("department_clerk")
    accepted = assignment_accept(actor=secretary, assignment=admitted)
    assert accepted.state == "accepted"
    submitted = assignment_submit(actor=secretary, assignment=accepted, text="已核查 12 户")
    assert submitted.state == "submitted"
    assert submitted.deliverable_text == "已核查 12 户"
    confirmed = assignment_confirm(actor=clerk, assignment=submitted)
    assert confirmed.state == "completed"
    assert list(
        AuditEvent.objects.filter(object_id=str(admitted.pk), action__startswith="assignment.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["assignment.accept", "assignment.submit", "assignment.confirm"]
    assert confirmed.revision == 3
    assert audit_chain_first_break() is None


def test_a_returned_deliverable_is_resubmitted(world: World, admitted: Assignment) -> None:
    secretary, clerk = world.user("community_secretary"), world.user("department_clerk")
    submitted = assignment_submit(
        actor=secretary,
        assignment=assignment_accept(actor=secretary, assignment=admitted),
        text="初稿",
    )
    with pytest.raises(InvalidInput):
        assignment_return(actor=clerk, assignment=submitted, reason=" ")
    returned = assignment_return(actor=clerk, assignment=submitted, reason="缺少签字")
    assert returned.state == "returned"
    assert returned.department_comment == "缺少签字"
    with pytest.raises(StateNotAllowed):
        assignment_confirm(actor=clerk, assignment=returned)
    again = assignment_submit(actor=secretary, assignment=returned, text="已补签字")
    assert again.state == "submitted"
    assert assignment_confirm(actor=clerk, assignment=again).state == "completed"
    assert AuditEvent.objects.filter(action="assignment.return").count() == 1


def test_a_deliverable_may_be_a_checked_file(world: World, admitted: Assignment) -> None:
    secretary = world.user("community_secretary")
    accepted = assignment_accept(actor=secretary, assignment=admitted)
    with pytest.raises(InvalidInput):
        assignment_submit(actor=secretary, assignment=accepted, filename="a.pdf", content=PNG)
    with pytest.raises(InvalidInput):
        assignment_submit(actor=secretary, assignment=accepted)
    assert Assignment.objects.get(pk=admitted.pk).state == "accepted"
    submitted = assignment_submit(
        actor=secretary, assignment=accepted, filename="核查表.pdf", content=PDF
    )
    assert submitted.state == "submitted"
    assert str(submitted.deliverable_file.name).endswith(".pdf")
    assert submitted.deliverable_file.read() == PDF


def test_an_admitted_task_cannot_be_refused(world: World, admitted: Assignment) -> None:
    with pytest.raises(AdmittedTaskCannotBeRefused):
        assignment_refuse(actor=world.user("community_secretary"), assignment=admitted)
    assert Assignment.objects.get(pk=admitted.pk).state == "received"


def test_an_unadmitted_task_cannot_be_accepted(world: World, unadmitted: Assignment) -> None:
    with pytest.raises(UnadmittedTaskNotAccepted):
        assignment_accept(actor=world.user("community_secretary"), assignment=unadmitted)
    assert Assignment.objects.get(pk=unadmitted.pk).state == "received"


def test_an_unadmitted_task_is_refused_in_one_step_and_the_refusal_is_final(
    world: World, unadmitted: Assignment
) -> None:
    secretary = world.user("community_secretary")
    refused = assignment_refuse(actor=secretary, assignment=unadmitted, comment=" 不属准入事项 ")
    assert refused.state == "refused"
    assert refused.refusal_comment == "不属准入事项"
    with pytest.raises(StateNotAllowed):
        assignment_refuse(actor=secretary, assignment=refused)
    with pytest.raises(UnadmittedTaskNotAccepted):
        assignment_accept(actor=secretary, assignment=refused)
    with pytest.raises(StateNotAllowed):
        assignment_submit(actor=secretary, assignment=refused, text="做了")
    with pytest.raises(StateNotAllowed):
        assignment_request_extension(
            actor=secretary, assignment=refused, until=DUE + dt.timedelta(days=5), reason="x"
        )
    assert Assignment.objects.get(pk=unadmitted.pk).state == "refused"
    assert AuditEvent.objects.filter(action="assignment.refuse").count() == 1


def test_the_refusal_is_visible_to_the_department_subdistrict_and_supervision(
    world: World, unadmitted: Assignment
) -> None:
    assignment_refuse(actor=world.user("community_secretary"), assignment=unadmitted)
    for person in ["department_clerk", "subdistrict_officer", "inspector", "office_officer"]:
        visible = assignments_visible_to(world.user(person)).filter(pk=unadmitted.pk)
        assert visible.get().state == "refused", person
    for person in ["community_secretary_other", "subdistrict_officer_other"]:
        assert not assignments_visible_to(world.user(person)).filter(pk=unadmitted.pk).exists()


def test_steps_out_of_order_are_refused(world: World, admitted: Assignment) -> None:
    secretary, clerk = world.user("community_secretary"), world.user("department_clerk")
    with pytest.raises(StateNotAllowed):
        assignment_submit(actor=secretary, assignment=admitted, text="跳过接收")
    with pytest.raises(StateNotAllowed):
        assignment_confirm(actor=clerk, assignment=admitted)
    accepted = assignment_accept(actor=secretary, assignment=admitted)
    with pytest.raises(StateNotAllowed):
        assignment_accept(actor=secretary, assignment=accepted)
    with pytest.raises(StateNotAllowed):
        assignment_return(actor=clerk, assignment=accepted, reason="?")
    completed = assignment_confirm(
        actor=clerk, assignment=assignment_submit(actor=secretary, assignment=accepted, text="好")
    )
    with pytest.raises(StateNotAllowed):
        assignment_submit(actor=secretary, assignment=completed, text="再交")


def test_more_time_is_asked_and_granted_moving_the_due_date(
    world: World, admitted: Assignment
) -> None:
    secretary, clerk = world.user("community_secretary"), world.user("department_clerk")
    with pytest.raises(StateNotAllowed):
        assignment_request_extension(
            actor=secretary, assignment=admitted, until=DUE + dt.timedelta(days=7), reason="人手"
        )
    accepted = assignment_accept(actor=secretary, assignment=admitted)
    for until, reason in [(DUE, "人手不足"), (DUE + dt.timedelta(days=7), " ")]:
        with pytest.raises(InvalidInput):
            assignment_request_extension(
                actor=secretary, assignment=accepted, until=until, reason=reason
            )
    requested = assignment_request_extension(
        actor=secretary, assignment=accepted, until=DUE + dt.timedelta(days=7), reason="人手不足"
    )
    assert requested.extension_state == "requested"
    assert requested.due_on == DUE
    with pytest.raises(StateNotAllowed):
        assignment_request_extension(
            actor=secretary, assignment=requested, until=DUE + dt.timedelta(days=9), reason="再延"
        )
    granted = assignment_decide_extension(actor=clerk, assignment=requested, grant=True)
    assert granted.extension_state == "granted"
    assert granted.due_on == DUE + dt.timedelta(days=7)
    assert Task.objects.get(pk=admitted.task_id).due_on == DUE, "only this community's copy"
    with pytest.raises(StateNotAllowed):
        assignment_decide_extension(actor=clerk, assignment=granted, grant=True)
    event = AuditEvent.objects.get(action="assignment.grant_extension")
    assert event.changes["due_on"] == [DUE.isoformat(), (DUE + dt.timedelta(days=7)).isoformat()]
    assert AuditEvent.objects.filter(action="assignment.request_extension").count() == 1


def test_a_declined_extension_keeps_the_due_date(world: World, admitted: Assignment) -> None:
    secretary, clerk = world.user("community_secretary"), world.user("department_clerk")
    accepted = assignment_accept(actor=secretary, assignment=admitted)
    requested = assignment_request_extension(
        actor=secretary, assignment=accepted, until=DUE + dt.timedelta(days=3), reason="迎检"
    )
    declined = assignment_decide_extension(actor=clerk, assignment=requested, grant=False)
    assert declined.extension_state == "declined"
    assert declined.due_on == DUE
    assert AuditEvent.objects.filter(action="assignment.decline_extension").count() == 1
    asked_again = assignment_request_extension(
        actor=secretary, assignment=declined, until=DUE + dt.timedelta(days=2), reason="再请"
    )
    assert asked_again.extension_state == "requested"


@pytest.mark.parametrize(
    "person", ["community_secretary_other", "department_clerk", "subdistrict_officer", "inspector"]
)
def test_only_the_assigned_community_acts_on_its_copy(
    world: World, admitted: Assignment, person: str
) -> None:
    with pytest.raises(PermissionDenied):
        assignment_accept(actor=world.user(person), assignment=admitted)
    with pytest.raises(PermissionDenied):
        assignment_request_extension(
            actor=world.user(person),
            assignment=admitted,
            until=DUE + dt.timedelta(days=3),
            reason="x",
        )
    assert Assignment.objects.get(pk=admitted.pk).state == "received"


@pytest.mark.parametrize("person", ["community_secretary_other", "subdistrict_officer"])
def test_only_the_assigned_community_refuses(
    world: World, unadmitted: Assignment, person: str
) -> None:
    with pytest.raises(PermissionDenied):
        assignment_refuse(actor=world.user(person), assignment=unadmitted)


@pytest.mark.parametrize(
    "person", ["department_clerk_other", "community_secretary", "subdistrict_officer", "inspector"]
)
def test_only_the_sending_department_confirms_returns_or_decides(
    world: World, admitted: Assignment, person: str
) -> None:
    secretary = world.user("community_secretary")
    accepted = assignment_accept(actor=secretary, assignment=admitted)
    requested = assignment_request_extension(
        actor=secretary, assignment=accepted, until=DUE + dt.timedelta(days=3), reason="迎检"
    )
    submitted = assignment_submit(actor=secretary, assignment=requested, text="好")
    actor = world.user(person)
    with pytest.raises(PermissionDenied):
        assignment_confirm(actor=actor, assignment=submitted)
    with pytest.raises(PermissionDenied):
        assignment_return(actor=actor, assignment=submitted, reason="不行")
    with pytest.raises(PermissionDenied):
        assignment_decide_extension(actor=actor, assignment=submitted, grant=True)
    assert Assignment.objects.get(pk=admitted.pk).state == "submitted"


def test_the_community_worker_may_act_too(world: World, unadmitted: Assignment) -> None:
    assert (
        assignment_refuse(actor=world.user("community_worker"), assignment=unadmitted).state
        == "refused"
    )


# Off-platform reports and the supervision queue ----------------------------------------


def report(
    world: World, person: str = "community_secretary", **overrides: object
) -> OffPlatformReport:
    values: dict[str, object] = {
        "community": world.org("community"),
        "department": world.org("department_other"),
        "pushed_by": "王科长",
        "channel": "chat_group",
        "occurred_on": dt.date(2026, 11, 20),
        "what_was_asked": "三天内上报辖区全部商户名单",
    }
    values.update(overrides)
    return off_platform_report_create(actor=world.user(person), **values)  # type: ignore[arg-type]


def test_an_off_platform_report_keeps_its_checked_evidence(world: World) -> None:
    created = report(
        world,
        evidence=[FileUpload("群聊截图.png", PNG), FileUpload("通知.pdf", PDF)],
    )
    files = {e.filename: e for e in Evidence.objects.filter(report=created)}
    assert set(files) == {"群聊截图.png", "通知.pdf"}
    assert files["群聊截图.png"].content_type == "image/png"
    assert files["通知.pdf"].content_type == "application/pdf"
    assert files["通知.pdf"].size == len(PDF)
    assert files["通知.pdf"].file.read() == PDF
    event = AuditEvent.objects.get(action="off_platform_report.create")
    assert event.changes["evidence"] == [None, 2]
    assert event.changes["department"] == [None, "DEPT-WJ"]


@pytest.mark.parametrize(
    "evidence",
    [
        [FileUpload("virus.exe", b"MZ\x90\x00")],
        [FileUpload("fake.png", PDF)],  # the content is not what the name says
        [FileUpload("ok.png", PNG), FileUpload("noext", PNG)],
    ],
)
def test_evidence_of_the_wrong_type_is_refused_and_nothing_is_kept(
    world: World, evidence: list[FileUpload]
) -> None:
    with pytest.raises(InvalidInput):
        report(world, evidence=evidence)
    assert not OffPlatformReport.objects.exists()
    assert not Evidence.objects.exists()


def test_evidence_over_the_size_limit_is_refused(world: World, settings: Any) -> None:
    settings.COMMUNITYGATE = {**settings.COMMUNITYGATE, "ATTACHMENT_MAX_BYTES": 16}
    with pytest.raises(InvalidInput):
        report(world, evidence=[FileUpload("big.pdf", PDF)])
    assert not OffPlatformReport.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"what_was_asked": " "}, "what_was_asked"),
        ({"occurred_on": dt.date(2026, 11, 24)}, "occurred_on"),  # tomorrow
    ],
)
def test_an_incomplete_report_names_the_field(
    world: World, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        report(world, "community_secretary", **overrides)
    assert field in {problem.field for problem in raised.value.problems}


@pytest.mark.parametrize(
    "person", ["community_secretary_other", "department_clerk", "subdistrict_officer", "no_role"]
)
def test_only_the_community_itself_reports(world: World, person: str) -> None:
    with pytest.raises(PermissionDenied):
        report(world, person)
    assert not OffPlatformReport.objects.exists()


def test_unadmitted_work_and_reports_become_violations_of_their_department(world: World) -> None:
    """What the old supervision queue counted: each unadmitted task and each report is one
    violation of the department named (supervision's register), refusals are counted per
    sending department (its scorecard)."""
    published(world)
    send(world)  # admitted: not a violation
    first = send(world, item=None)
    send(world, item=None, task_type="survey")
    send(world, "department_clerk_other", department_code="DEPT-WJ")  # not_item_owner
    assignment_refuse(actor=world.user("community_secretary"), assignment=one_assignment(first))
    assignment_refuse(
        actor=world.user("community_secretary_other"), assignment=one_assignment(first, OTHER)
    )
    report(world)
    report(world, department=None)  # who pushed it is unknown: not counted against anyone
    recorded = Counter(Violation.objects.values_list("department__code", "source"))
    assert recorded == {
        ("DEPT-MZ", "unadmitted_task"): 2,
        ("DEPT-WJ", "unadmitted_task"): 1,
        ("DEPT-WJ", "off_platform_report"): 1,
        (None, "off_platform_report"): 1,
    }
    sent = sent_by_department(MONDAY - dt.timedelta(days=1), MONDAY + dt.timedelta(days=1))
    mz, wj = world.org("department").pk, world.org("department_other").pk
    assert (sent[mz].tasks, sent[mz].unadmitted, sent[mz].refusals) == (3, 2, 2)
    assert (sent[wj].tasks, sent[wj].unadmitted, sent[wj].refusals) == (1, 1, 0)


def test_a_department_sees_its_own_tasks_and_the_reports_against_it(world: World) -> None:
    published(world)
    own = send(world)
    theirs = send(world, "department_clerk_other", department_code="DEPT-WJ", item=None)
    report(world)
    mz = world.user("department_clerk")
    assert list(tasks_visible_to(mz)) == [own]
    assert not reports_visible_to(mz).exists()
    wj = world.user("department_clerk_other")
    assert list(tasks_visible_to(wj)) == [theirs]
    assert reports_visible_to(wj).count() == 1


# The refusal notice, through the database queue ----------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_refusal_notifies_the_department(
    world: World, django_capture_on_commit_callbacks
) -> None:
    assignment = one_assignment(send(world, item=None))
    assignment_refuse(actor=world.user("community_secretary"), assignment=assignment)
    assert not Notification.objects.exists(), "sent by the background task, not in the request"
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    notified = Notification.objects.filter(key=f"refused:{assignment.pk}")
    assert set(notified.values_list("recipient__username", flat=True)) == {
        "department_clerk",
        "department_head",
    }
    assert all(assignment.community.name in n.text_zh for n in notified)
    assert all(str(assignment.task_id) in n.link for n in notified)
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert notified.count() == 2, "a retried task sends nothing twice"
    assert Application.objects.count() == 0
