"""Supervision through its services, on the database: the second-person rule, a published
notice that never changes, its number (市北督通〔YYYY〕N号, one sequence per year, distinct under
concurrent publishing), correction deadlines in working days across a holiday and a make-up day
(and a loud refusal for a year nobody entered), the correction order's flow to accepted or
overdue, the notifications each step sends, the departments' scorecard, and the wall."""

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communitygate.accounts.models import Notification
from communitygate.audit.models import AuditEvent
from communitygate.catalog.services import (
    catalog_item_suspend,
    catalog_publish,
    ledger_create,
    plaque_create,
)
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied, RuleBroken
from communitygate.core.periods import parse_period
from communitygate.core.uploads import FileUpload
from communitygate.core.workdays import HolidayScheduleMissing
from communitygate.dispatch.models import Assignment
from communitygate.dispatch.services import assignment_refuse, task_send
from communitygate.orgs.services import organisation_create
from communitygate.oversight import selectors
from communitygate.oversight.models import (
    CorrectionOrder,
    Notice,
    NoticeStates,
    OrderEvidence,
    OrderStates,
    Violation,
    ViolationStates,
    WallRecord,
    WallSources,
)
from communitygate.oversight.services.inspections import (
    WallRecordRemoved,
    wall_fill_from_catalog,
    wall_record_add,
    wall_record_remove,
)
from communitygate.oversight.services.notices import (
    notice_approve,
    notice_draft,
    notice_number,
    notice_publish,
    notice_return,
    notice_withdraw,
    order_accept,
    order_respond,
    order_return,
    orders_lapse,
)
from communitygate.oversight.services.violations import violation_confirm, violation_dismiss
from communitygate.oversight.workflow import SupervisionStepNotAllowed
from communitygate.testing import World, build_world, make_item, run_together
from communitygate.workcalendar.services import calendar_year_enter, schedule_lines_from_text

from .support import (
    CONFIRMATION,
    MONDAY,
    TEN_WORKDAYS_LATER,
    TODAY,
    approved,
    confirmed_violation,
    drafted,
    notice_request,
    open_violation,
    order_of,
    publish_catalog,
    published,
    report,
    send_admitted,
    send_unadmitted,
    task_request,
    with_party_office,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def pinned() -> None:
    clock.pin(MONDAY)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


# The second person --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_drafter_cannot_approve_even_as_the_head(world: World) -> None:
    with_party_office(world)
    notice = drafted(world, drafter="supervision_head")
    with pytest.raises(PermissionDenied) as refused:
        notice_approve(actor=world.user("supervision_head"), notice=notice)
    assert "起草人" in refused.value.message_zh
    assert Notice.objects.get(pk=notice.pk).state == NoticeStates.DRAFT
    approved_notice = notice_approve(actor=world.user("party_head"), notice=notice)
    assert approved_notice.state == NoticeStates.APPROVED
    assert approved_notice.approved_by == world.user("party_head")
    assert approved_notice.approved_at == clock.now()


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["inspector", "party_inspector", "department_head", "auditor"])
def test_only_a_head_approves(world: World, person: str) -> None:
    with_party_office(world)
    notice = drafted(world)
    with pytest.raises(PermissionDenied):
        notice_approve(actor=world.user(person), notice=notice)
    assert Notice.objects.get(pk=notice.pk).approved_by is None
    assert notice_approve(actor=world.user("supervision_head"), notice=notice).state == "approved"


@pytest.mark.django_db
def test_a_returned_notice_is_a_draft_again_and_needs_approving_again(world: World) -> None:
    notice = approved(world)
    with pytest.raises(InvalidInput):
        notice_return(actor=world.user("supervision_head"), notice=notice, reason=" ")
    back = notice_return(actor=world.user("supervision_head"), notice=notice, reason="事实不清")
    assert (back.state, back.approved_by, back.approved_at) == ("draft", None, None)
    with pytest.raises(SupervisionStepNotAllowed):
        notice_publish(actor=world.user("inspector"), notice=back)
    assert AuditEvent.objects.get(action="notice.return").reason == "事实不清"


# What a notice names --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_notice_names_confirmed_violations_and_their_departments(world: World) -> None:
    mz = confirmed_violation(world, "department")
    wj = confirmed_violation(world, "department_other")
    notice = drafted(world, [mz, wj])
    assert set(notice.departments.values_list("code", flat=True)) == {"DEPT-MZ", "DEPT-WJ"}
    assert notice.correction_workdays == 10
    assert notice.office.code == "SUP-GOV"
    for unfit in [
        open_violation(world),
        violation_dismiss(
            actor=world.user("inspector"), violation=open_violation(world), reason="误报"
        ),
    ]:
        with pytest.raises(InvalidInput):
            drafted(world, [unfit])
    with pytest.raises(InvalidInput):
        drafted(world, [])
    with pytest.raises(PermissionDenied):
        drafted(world, [mz], drafter="department_clerk")
    assert Notice.objects.count() == 1


# A published notice never changes -------------------------------------------------------------


@pytest.mark.django_db
def test_a_published_notice_refuses_every_step_and_keeps_every_field(world: World) -> None:
    notice = published(world)
    frozen = Notice.objects.values().get(pk=notice.pk)
    orders = list(CorrectionOrder.objects.values())
    attempts = [
        lambda: notice_approve(actor=world.user("supervision_head"), notice=notice),
        lambda: notice_return(actor=world.user("supervision_head"), notice=notice, reason="改"),
        lambda: notice_publish(actor=world.user("inspector"), notice=notice),
        lambda: notice_withdraw(actor=world.user("inspector"), notice=notice, reason="撤回"),
    ]
    for attempt in attempts:
        with pytest.raises(SupervisionStepNotAllowed):
            attempt()
    assert Notice.objects.values().get(pk=notice.pk) == frozen
    assert list(CorrectionOrder.objects.values()) == orders


@pytest.mark.django_db
def test_a_correction_is_a_new_notice_that_refers_to_the_old_one(world: World) -> None:
    first = published(world)
    frozen = Notice.objects.values().get(pk=first.pk)
    correction = notice_draft(
        actor=world.user("inspector"),
        request=notice_request([], title="关于更正市北督通〔2026〕1号的通报", corrects_id=first.pk),
    )
    correction = notice_approve(actor=world.user("supervision_head"), notice=correction)
    correction = notice_publish(actor=world.user("inspector"), notice=correction)
    assert correction.corrects_id == first.pk
    assert correction.number == "市北督通〔2026〕2号"
    assert list(first.corrections.all()) == [correction]
    assert Notice.objects.values().get(pk=first.pk) == frozen
    draft = drafted(world)
    with pytest.raises(InvalidInput):
        notice_draft(
            actor=world.user("inspector"), request=notice_request([], corrects_id=draft.pk)
        )


# Numbers ------------------------------------------------------------------------------------


def test_the_number_reads_as_an_official_document_number() -> None:
    assert notice_number(2026, 3) == "市北督通〔2026〕3号"


@pytest.mark.django_db
def test_notices_are_numbered_in_the_order_they_are_published(world: World) -> None:
    first, second = approved(world), approved(world)
    assert first.number is None and second.number is None
    assert notice_publish(actor=world.user("inspector"), notice=second).number == (
        "市北督通〔2026〕1号"
    )
    published_first = notice_publish(actor=world.user("inspector"), notice=first)
    assert published_first.number == "市北督通〔2026〕2号"
    assert (published_first.year, published_first.sequence) == (2026, 2)
    assert published_first.published_on == TODAY
    assert published_first.published_by == world.user("inspector")


@pytest.mark.django_db
def test_each_year_has_its_own_sequence(world: World) -> None:
    clock.pin(at(dt.date(2025, 12, 29)))
    last_year = published(world)
    clock.pin(MONDAY)
    this_year = [published(world), published(world)]
    assert last_year.number == "市北督通〔2025〕1号"
    assert [n.number for n in this_year] == ["市北督通〔2026〕1号", "市北督通〔2026〕2号"]


@pytest.mark.django_db(transaction=True)
def test_notices_published_at_once_get_distinct_numbers(transactional_db: None) -> None:
    """On PostgreSQL the publishers really overlap and the loser of a number takes the next;
    SQLite lets one writer in at a time."""
    world = build_world()
    clock.pin(MONDAY)
    notices = [approved(world) for _ in range(3)]
    inspector = world.user("inspector")

    def publish(notice: Notice) -> Any:
        return lambda: notice_publish(actor=inspector, notice=notice).number

    numbers, errors = run_together([publish(notice) for notice in notices])
    assert errors == []
    assert sorted(numbers) == [f"市北督通〔2026〕{n}号" for n in (1, 2, 3)]
    assert list(Notice.objects.order_by("sequence").values_list("sequence", flat=True)) == [1, 2, 3]
    assert CorrectionOrder.objects.count() == 3


# Deadlines in working days --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("workdays", "due_on"),
    [
        # Monday 28 September 2026: the 29th and 30th, then the National Day holiday
        # (1–7 October), Thursday 8 and Friday 9, Saturday 10 October (a make-up working day),
        # not Sunday 11, Monday 12.
        (2, dt.date(2026, 9, 30)),
        (3, dt.date(2026, 10, 8)),
        (5, dt.date(2026, 10, 10)),
        (6, dt.date(2026, 10, 12)),
    ],
)
def test_the_deadline_counts_working_days_across_national_day(
    world: World, workdays: int, due_on: dt.date
) -> None:
    clock.pin(at(dt.date(2026, 9, 28)))
    notice = published(
        world,
        [confirmed_violation(world), confirmed_violation(world, "department_other")],
        correction_workdays=workdays,
    )
    orders = CorrectionOrder.objects.filter(notice=notice)
    assert {(o.issued_on, o.due_on) for o in orders} == {(dt.date(2026, 9, 28), due_on)}
    assert orders.count() == 2


@pytest.mark.django_db
def test_the_deadline_counts_the_days_the_office_entered(world: World) -> None:
    """A year beyond chinesecalendar counts by the office's entries: a holiday on Friday and
    Monday, a make-up working day on the Sunday between."""
    calendar_year_enter(
        actor=world.user("office_officer"),
        year=2099,
        lines=schedule_lines_from_text(
            "2099-01-01 休 元旦\n2099-03-06 休 示例假日\n2099-03-08 班 示例调休\n"
            "2099-03-09 休 示例假日"
        ),
        source="示例：办公室录入",
    )
    clock.pin(at(dt.date(2099, 3, 5)))  # a Thursday
    notice = published(world, correction_workdays=3)
    # Fri 6 off, Sat 7 off, Sun 8 worked (1), Mon 9 off, Tue 10 (2), Wed 11 (3).
    assert order_of(notice).due_on == dt.date(2099, 3, 11)


@pytest.mark.django_db
@pytest.mark.parametrize("today", [dt.date(2099, 12, 28), dt.date(2099, 6, 1)])
def test_a_year_nobody_entered_refuses_to_publish_and_takes_nothing(
    world: World, today: dt.date
) -> None:
    notice = approved(world)
    clock.pin(at(today))
    with pytest.raises(HolidayScheduleMissing) as missing:
        notice_publish(actor=world.user("inspector"), notice=notice)
    assert missing.value.year == 2099
    assert missing.value.status == 409
    unchanged = Notice.objects.get(pk=notice.pk)
    assert (unchanged.state, unchanged.number, unchanged.sequence) == ("approved", None, None)
    assert not CorrectionOrder.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["notice.publish", "correction_order.issue"])
    clock.pin(MONDAY)
    assert notice_publish(actor=world.user("inspector"), notice=notice).number == (
        "市北督通〔2026〕1号"
    ), "the refused attempt took no number"


# Correction orders ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_department_named_gets_an_order_with_its_own_violations(world: World) -> None:
    mz = [confirmed_violation(world), confirmed_violation(world)]
    wj = confirmed_violation(world, "department_other")
    notice = published(world, [*mz, wj])
    assert set(order_of(notice).violations.all()) == set(mz)
    assert list(order_of(notice, "DEPT-WJ").violations.all()) == [wj]
    for order in CorrectionOrder.objects.all():
        assert (order.state, order.issued_on, order.due_on) == ("issued", TODAY, TEN_WORKDAYS_LATER)
    assert AuditEvent.objects.filter(action="correction_order.issue").count() == 2


@pytest.mark.django_db
def test_an_order_answered_by_its_deadline_and_accepted_is_on_time(world: World) -> None:
    violations = [confirmed_violation(world), confirmed_violation(world)]
    order = order_of(published(world, violations))
    clock.pin(at(TEN_WORKDAYS_LATER, 17))
    answered = order_respond(
        actor=world.user("department_clerk"),
        order=order,
        response="已停止通过工作群派活，相关人员已约谈。",
        evidence=[FileUpload("整改报告.pdf", PDF)],
    )
    assert (answered.state, answered.first_answered_on) == ("answered", TEN_WORKDAYS_LATER)
    assert OrderEvidence.objects.get(order=order).filename == "整改报告.pdf"
    clock.pin(at(TEN_WORKDAYS_LATER + dt.timedelta(days=3)))
    accepted = order_accept(actor=world.user("inspector"), order=answered)
    assert (accepted.state, accepted.accepted_on_time) == ("accepted", True)
    assert accepted.decided_by == world.user("inspector")
    for violation in Violation.objects.filter(pk__in=[v.pk for v in violations]):
        assert violation.state == ViolationStates.CORRECTED
        assert violation.corrected_at == clock.now()


@pytest.mark.django_db
def test_acceptance_reads_the_answer_date_from_the_order_as_it_is_now(world: World) -> None:
    """The inspector's page may have read the order before the department answered."""
    read_before_the_answer = order_of(published(world))
    order_respond(
        actor=world.user("department_clerk"), order=read_before_the_answer, response="已整改"
    )
    accepted = order_accept(actor=world.user("inspector"), order=read_before_the_answer)
    assert (accepted.state, accepted.accepted_on_time) == ("accepted", True)


@pytest.mark.django_db
def test_answering_again_keeps_the_first_answer_date_whatever_the_page_read(
    world: World,
) -> None:
    read_before_the_answer = order_of(published(world))
    answered = order_respond(
        actor=world.user("department_clerk"), order=read_before_the_answer, response="已整改"
    )
    order_return(actor=world.user("inspector"), order=answered, reason="证据不足")
    clock.pin(at(TEN_WORKDAYS_LATER + dt.timedelta(days=5)))
    again = order_respond(
        actor=world.user("department_clerk"), order=read_before_the_answer, response="已补充"
    )
    assert (again.state, again.first_answered_on) == ("answered", TODAY)


@pytest.mark.django_db
def test_an_order_first_answered_after_its_deadline_is_accepted_but_late(world: World) -> None:
    order = order_of(published(world))
    clock.pin(at(TEN_WORKDAYS_LATER + dt.timedelta(days=1)))
    answered = order_respond(actor=world.user("department_head"), order=order, response="已整改")
    accepted = order_accept(actor=world.user("inspector"), order=answered)
    assert (accepted.state, accepted.accepted_on_time) == ("accepted", False)
    assert Violation.objects.get().state == ViolationStates.CORRECTED


@pytest.mark.django_db
def test_a_returned_order_is_answered_again_and_keeps_its_first_answer_date(
    world: World,
) -> None:
    order = order_of(published(world))
    answered = order_respond(actor=world.user("department_clerk"), order=order, response="已整改")
    with pytest.raises(InvalidInput):
        order_return(actor=world.user("inspector"), order=answered, reason="")
    returned = order_return(actor=world.user("inspector"), order=answered, reason="未附整改证据")
    assert (returned.state, returned.return_reason) == ("returned", "未附整改证据")
    assert Violation.objects.get().state == ViolationStates.CONFIRMED
    clock.pin(at(TEN_WORKDAYS_LATER + dt.timedelta(days=2)))
    with pytest.raises(InvalidInput):
        order_respond(actor=world.user("department_clerk"), order=returned, response=" ")
    again = order_respond(
        actor=world.user("department_clerk"),
        order=returned,
        response="已补充证据",
        evidence=[FileUpload("约谈记录.pdf", PDF)],
    )
    assert (again.state, again.response, again.return_reason) == ("answered", "已补充证据", "")
    assert again.first_answered_on == TODAY
    assert again.revision == 3
    accepted = order_accept(actor=world.user("inspector"), order=again)
    assert accepted.accepted_on_time is True, "first answered by the deadline"


@pytest.mark.django_db
def test_a_bad_evidence_file_refuses_the_answer(world: World) -> None:
    order = order_of(published(world))
    with pytest.raises(InvalidInput):
        order_respond(
            actor=world.user("department_clerk"),
            order=order,
            response="已整改",
            evidence=[FileUpload("report.pdf", b"MZ\x90\x00 not a pdf")],
        )
    assert CorrectionOrder.objects.get(pk=order.pk).state == OrderStates.ISSUED
    assert not OrderEvidence.objects.exists()


@pytest.mark.django_db
def test_orders_not_answered_by_their_deadline_become_overdue(world: World) -> None:
    issued = order_of(published(world))
    answered = order_respond(
        actor=world.user("department_clerk_other"),
        order=order_of(
            published(world, [confirmed_violation(world, "department_other")]), "DEPT-WJ"
        ),
        response="已整改",
    )
    returned = order_return(
        actor=world.user("inspector"),
        order=order_respond(
            actor=world.user("department_clerk"),
            order=order_of(published(world)),
            response="已整改",
        ),
        reason="证据不足",
    )
    assert orders_lapse(TEN_WORKDAYS_LATER) == 0, "the deadline day itself is still in time"
    the_day_after = TEN_WORKDAYS_LATER + dt.timedelta(days=1)
    assert orders_lapse(the_day_after) == 2
    states = dict(CorrectionOrder.objects.values_list("pk", "state"))
    assert states == {issued.pk: "overdue", answered.pk: "answered", returned.pk: "overdue"}
    assert set(
        CorrectionOrder.objects.filter(state="overdue").values_list("overdue_since", flat=True)
    ) == {the_day_after}
    assert orders_lapse(the_day_after + dt.timedelta(days=1)) == 0, "once"
    clock.pin(at(the_day_after + dt.timedelta(days=1)))
    late = order_respond(
        actor=world.user("department_clerk"),
        order=CorrectionOrder.objects.get(pk=issued.pk),
        response="已整改（逾期）",
    )
    assert order_accept(actor=world.user("inspector"), order=late).accepted_on_time is False


@pytest.mark.django_db
def test_the_daily_command_lapses_with_todays_date(world: World) -> None:
    order = order_of(published(world))
    clock.pin(at(TEN_WORKDAYS_LATER + dt.timedelta(days=1), 1))
    call_command("lapse_correction_orders", verbosity=0)
    assert CorrectionOrder.objects.get(pk=order.pk).state == OrderStates.OVERDUE


@pytest.mark.django_db
def test_an_overdue_order_is_listed_for_the_next_notice_until_one_names_it(
    world: World,
) -> None:
    first = published(
        world, [confirmed_violation(world), confirmed_violation(world, "department_other")]
    )
    order_respond(
        actor=world.user("department_clerk_other"),
        order=order_of(first, "DEPT-WJ"),
        response="已整改",
    )
    orders_lapse(TEN_WORKDAYS_LATER + dt.timedelta(days=1))
    overdue = order_of(first)
    assert overdue.state == OrderStates.OVERDUE
    assert list(selectors.overdue_orders_to_name()) == [overdue]
    draft = notice_draft(
        actor=world.user("inspector"),
        request=notice_request(
            [], title="关于区民政局逾期未整改的通报", overdue_order_ids=(overdue.pk,)
        ),
    )
    assert set(draft.departments.values_list("code", flat=True)) == {"DEPT-MZ"}
    assert list(selectors.overdue_orders_to_name()) == [overdue], "a draft names nobody yet"
    notice_approve(actor=world.user("supervision_head"), notice=draft)
    second = notice_publish(actor=world.user("inspector"), notice=draft)
    assert list(selectors.overdue_orders_to_name()) == []
    assert list(overdue.named_again_in.all()) == [second]
    again = order_of(second)
    assert (again.state, list(again.violations.all())) == ("issued", [])


@pytest.mark.django_db
def test_a_confirmed_violation_waits_for_a_notice_until_a_published_one_names_it(
    world: World,
) -> None:
    named, waiting = confirmed_violation(world), confirmed_violation(world, "department_other")
    open_violation(world)
    assert set(selectors.notice_candidates()) == {named, waiting}
    draft = drafted(world, [named])
    assert set(selectors.notice_candidates()) == {named, waiting}, "a draft names nobody yet"
    notice_approve(actor=world.user("supervision_head"), notice=draft)
    first = notice_publish(actor=world.user("inspector"), notice=draft)
    assert set(selectors.notice_candidates()) == {waiting}
    # A published notice that names no violation (a correction) hides none.
    correction = notice_draft(
        actor=world.user("inspector"),
        request=notice_request([], title="关于更正的通报", corrects_id=first.pk),
    )
    notice_approve(actor=world.user("supervision_head"), notice=correction)
    notice_publish(actor=world.user("inspector"), notice=correction)
    assert set(selectors.notice_candidates()) == {waiting}


# Notifications (through the database queue) ------------------------------------------------


def run_queue() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def told(key: str) -> set[str]:
    return set(Notification.objects.filter(key=key).values_list("recipient__username", flat=True))


SUPERVISION = {"inspector", "supervision_head", "party_inspector", "party_head"}
DEPARTMENT_MZ = {"department_clerk", "department_head"}


@pytest.mark.django_db(transaction=True)
def test_a_new_violation_tells_every_inspector_and_head(transactional_db: None) -> None:
    world = with_party_office(build_world())
    clock.pin(MONDAY)
    violation = open_violation(world)
    assert not Notification.objects.exists(), "sent by the background task"
    run_queue()
    assert told(f"violation:{violation.pk}") == SUPERVISION
    notification = Notification.objects.filter(key=f"violation:{violation.pk}").first()
    assert notification is not None
    assert "区民政局" in notification.text_zh
    assert str(violation.pk) in notification.link
    run_queue()
    assert Notification.objects.count() == len(SUPERVISION), "a retried task sends nothing twice"


@pytest.mark.django_db(transaction=True)
def test_a_confirmed_violation_tells_its_department(transactional_db: None) -> None:
    world = build_world()
    clock.pin(MONDAY)
    violation = confirmed_violation(world)
    run_queue()
    assert told(f"violation-confirmed:{violation.pk}") == DEPARTMENT_MZ


@pytest.mark.django_db(transaction=True)
def test_publishing_tells_every_department_subdistrict_and_community(
    transactional_db: None,
) -> None:
    world = build_world()
    clock.pin(MONDAY)
    notice = published(world)
    Notification.objects.all().delete()
    run_queue()
    assert told(f"notice:{notice.pk}") == {
        "department_clerk",
        "department_head",
        "department_clerk_other",
        "subdistrict_officer",
        "subdistrict_officer_other",
        "community_secretary",
        "community_worker",
        "community_secretary_other",
    }
    text = Notification.objects.filter(key=f"notice:{notice.pk}").first()
    assert text is not None and "市北督通〔2026〕1号" in text.text_zh
    order = order_of(notice)
    assert told(f"order:{order.pk}") == DEPARTMENT_MZ


@pytest.mark.django_db(transaction=True)
def test_answers_returns_and_lapses_tell_whom_they_concern(transactional_db: None) -> None:
    world = build_world()
    clock.pin(MONDAY)
    answered = order_of(published(world))
    lapsing = order_of(
        published(world, [confirmed_violation(world, "department_other")]), "DEPT-WJ"
    )
    answered = order_respond(
        actor=world.user("department_clerk"), order=answered, response="已整改"
    )
    run_queue()
    assert told(f"order-answered:{answered.pk}:{answered.revision}") == {
        "inspector",
        "supervision_head",
    }
    returned = order_return(actor=world.user("inspector"), order=answered, reason="证据不足")
    run_queue()
    assert told(f"order-returned:{returned.pk}:{returned.revision}") == DEPARTMENT_MZ
    orders_lapse(TEN_WORKDAYS_LATER + dt.timedelta(days=1))
    run_queue()
    lapsing.refresh_from_db()
    assert told(f"order-overdue:{lapsing.pk}:{lapsing.revision}") == {
        "department_clerk_other",
        "inspector",
        "supervision_head",
    }
    returned.refresh_from_db()
    assert told(f"order-overdue:{returned.pk}:{returned.revision}") == DEPARTMENT_MZ | {
        "inspector",
        "supervision_head",
    }


# The scorecard --------------------------------------------------------------------------------


def seed_november(world: World) -> None:
    """A month of two departments' conduct, counted by hand in the test below."""
    publish_catalog(world)
    clock.pin(at(dt.date(2026, 10, 20)))
    october = task_send(actor=world.user("department_clerk"), request=task_request(item_code=None))
    violation_confirm(
        actor=world.user("inspector"),
        violation=Violation.objects.get(task=october),
        confirmation=CONFIRMATION,
    )
    clock.pin(MONDAY)
    send_admitted(world)
    send_admitted(world)
    mz_unadmitted = task_send(
        actor=world.user("department_clerk"), request=task_request(item_code=None)
    )
    wj_first, wj_second = send_unadmitted(world), send_unadmitted(world)
    refusals = [
        ("community_secretary", mz_unadmitted, "370203031001"),
        ("community_secretary", wj_first, "370203031001"),
        ("community_secretary_other", wj_first, "370203014001"),
    ]
    for person, task, community in refusals:
        assignment_refuse(
            actor=world.user(person),
            assignment=Assignment.objects.get(task=task, community__code=community),
        )
    inspector = world.user("inspector")
    mz = violation_confirm(
        actor=inspector,
        violation=Violation.objects.get(task=mz_unadmitted),
        confirmation=CONFIRMATION,
    )
    wj = violation_confirm(
        actor=inspector, violation=Violation.objects.get(task=wj_first), confirmation=CONFIRMATION
    )
    violation_dismiss(
        actor=inspector, violation=Violation.objects.get(task=wj_second), reason="误报"
    )
    notice = published(world, [mz, wj])
    order_accept(
        actor=inspector,
        order=order_respond(
            actor=world.user("department_clerk"), order=order_of(notice), response="已整改"
        ),
    )
    orders_lapse(TEN_WORKDAYS_LATER + dt.timedelta(days=1))
    drafted(world, [Violation.objects.get(task=october)])  # a draft counts for nobody


@pytest.mark.django_db
def test_the_scorecard_gives_the_hand_counted_figures(world: World) -> None:
    organisation_create(
        actor=None, code="DEPT-TJ", name="区统计局", kind="department", parent=world.org("district")
    )
    seed_november(world)
    rows = {row.code: row for row in selectors.scorecard(parse_period("2026-11", today=TODAY))}
    assert set(rows) == {"DEPT-MZ", "DEPT-TJ", "DEPT-WJ"}
    mz, wj, tj = rows["DEPT-MZ"], rows["DEPT-WJ"], rows["DEPT-TJ"]
    # The October task and its violation are outside the period.
    assert (mz.tasks_sent, mz.unadmitted, mz.refusals) == (3, 1, 1)
    assert mz.unadmitted_share == Decimal("0.3333")
    assert (mz.confirmed_violations, mz.notices_named) == (1, 1)
    assert (mz.orders_open, mz.orders_overdue, mz.corrected_on_time) == (0, 0, 1)
    assert (wj.tasks_sent, wj.unadmitted, wj.refusals) == (2, 2, 2)
    assert wj.unadmitted_share == Decimal("1.0000")
    assert (wj.confirmed_violations, wj.notices_named) == (1, 1)
    assert (wj.orders_open, wj.orders_overdue, wj.corrected_on_time) == (0, 1, 0)
    assert (tj.tasks_sent, tj.confirmed_violations, tj.notices_named) == (0, 0, 0)
    assert tj.unadmitted_share is None
    october = selectors.scorecard(parse_period("2026-10", today=TODAY), department_code="DEPT-MZ")
    assert [
        (r.tasks_sent, r.unadmitted, r.confirmed_violations, r.notices_named) for r in october
    ] == [(1, 1, 1, 0)]


@pytest.mark.django_db
def test_the_scorecard_reads_in_the_same_number_of_queries_for_any_number_of_departments(
    world: World,
) -> None:
    seed_november(world)
    period = parse_period("2026", today=TODAY)
    with CaptureQueriesContext(connection) as two:
        assert len(selectors.scorecard(period)) == 2
    for code in ("DEPT-TJ", "DEPT-CG", "DEPT-SJ"):
        organisation_create(
            actor=None, code=code, name=code, kind="department", parent=world.org("district")
        )
        report(world, department=None, what=f"{code} 的电话派活")
    with CaptureQueriesContext(connection) as five:
        assert len(selectors.scorecard(period)) == 5
    assert len(five.captured_queries) == len(two.captured_queries)
    assert len(two.captured_queries) <= 8


# The wall -----------------------------------------------------------------------------------


@pytest.fixture
def wall_catalog(world: World) -> World:
    """Published: T-001 requires the plaque 社区居民委员会 and two ledgers. T-003's plaque was
    admitted until the item was suspended; T-002's is in the office's working copy only; the
    plaque 文明创建指挥部 is in the plaque list, but no item requires it."""
    office = world.user("office_officer")
    mz = world.org("department")
    plaque_create(actor=office, code="P-1", name="社区居民委员会", department=mz)
    plaque_create(actor=office, code="P-2", name="社区养老服务站", department=mz)
    plaque_create(actor=office, code="P-3", name="文明创建指挥部", department=None)
    plaque_create(actor=office, code="P-4", name="社区禁毒工作站", department=mz)
    ledger_create(
        actor=office, code="L-1", name="低保申请受理登记台账", medium="both", department=mz
    )
    ledger_create(
        actor=office, code="L-2", name="居民来访接待登记簿", medium="paper", department=mz
    )
    make_item(world, "T-001", plaque_codes=("P-1",), ledger_codes=("L-1", "L-2"))
    suspended = make_item(world, "T-003", plaque_codes=("P-4",))
    catalog_publish(actor=office, title="edition 1")
    catalog_item_suspend(actor=office, item=suspended, reason="暂停")
    make_item(world, "T-002", plaque_codes=("P-2",))
    catalog_publish(actor=office, title="edition 2")
    make_item(world, "T-004", plaque_codes=("P-3",))  # not published
    return world


@pytest.mark.django_db
def test_an_admitted_plaque_is_linked_to_the_item_requiring_it(wall_catalog: World) -> None:
    world = wall_catalog
    record = wall_record_add(
        actor=world.user("community_secretary"),
        community=world.org("community"),
        kind="plaque",
        name="社区居民委员会",
    )
    assert record.admitted is True
    assert (record.plaque.code, record.item.code) == ("P-1", "T-001")  # type: ignore[union-attr]
    assert record.source == WallSources.COMMUNITY
    assert record.recorded_by == world.user("community_secretary")
    ledger = wall_record_add(
        actor=world.user("inspector"), community=world.org("community"), kind="ledger", name="L-2"
    )
    assert (ledger.admitted, ledger.ledger.code, ledger.source) == (True, "L-2", "inspection")  # type: ignore[union-attr]
    event = AuditEvent.objects.filter(action="wall_record.add").order_by("pk").first()
    assert event is not None and event.changes["item"] == [None, "T-001"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "文明创建指挥部",  # in the plaque list, required by an unpublished item only
        "社区禁毒工作站",  # its item is suspended in the published edition
        "社区养老服务站",  # required by T-002, published: admitted (control)
        "创建全国文明城市工作站",  # unknown to the catalog
    ],
)
def test_a_plaque_no_active_published_item_requires_is_flagged(
    wall_catalog: World, name: str
) -> None:
    record = wall_record_add(
        actor=wall_catalog.user("inspector"),
        community=wall_catalog.org("community"),
        kind="plaque",
        name=name,
    )
    assert record.admitted is (name == "社区养老服务站")
    assert (record.item is None) is (not record.admitted)
    if name == "创建全国文明城市工作站":
        assert record.plaque is None


@pytest.mark.django_db
def test_the_same_plaque_twice_is_one_record(wall_catalog: World) -> None:
    world = wall_catalog
    kwargs: dict[str, Any] = {
        "community": world.org("community"),
        "kind": "plaque",
        "name": "文明创建指挥部",
    }
    first = wall_record_add(actor=world.user("community_secretary"), **kwargs)
    again = wall_record_add(actor=world.user("inspector"), **kwargs)
    assert first.pk == again.pk
    other = wall_record_add(
        actor=world.user("community_secretary_other"),
        **{**kwargs, "community": world.org("community_other")},
    )
    assert other.pk != first.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    "person", ["community_secretary_other", "department_clerk", "subdistrict_officer", "auditor"]
)
def test_only_the_community_and_inspectors_keep_its_wall(wall_catalog: World, person: str) -> None:
    with pytest.raises(PermissionDenied):
        wall_record_add(
            actor=wall_catalog.user(person),
            community=wall_catalog.org("community"),
            kind="plaque",
            name="文明创建指挥部",
        )
    with pytest.raises(InvalidInput):
        wall_record_add(
            actor=wall_catalog.user("inspector"),
            community=wall_catalog.org("community"),
            kind="banner",
            name=" ",
        )
    assert not WallRecord.objects.exists()


@pytest.mark.django_db
def test_a_plaque_taken_down_is_dated_and_kept(wall_catalog: World) -> None:
    world = wall_catalog
    community, secretary = world.org("community"), world.user("community_secretary")
    record = wall_record_add(
        actor=secretary, community=community, kind="plaque", name="文明创建指挥部"
    )
    with pytest.raises(InvalidInput):
        wall_record_remove(actor=secretary, record=record, reason="")
    clock.pin(at(dt.date(2026, 11, 25)))
    removed = wall_record_remove(actor=secretary, record=record, reason="按督查要求摘除")
    assert removed.removed_on == dt.date(2026, 11, 25)
    assert WallRecord.objects.filter(pk=record.pk).exists()
    with pytest.raises(WallRecordRemoved):
        wall_record_remove(actor=world.user("inspector"), record=record, reason="再摘一次")
    assert list(selectors.wall_of(community, "plaque")) == []
    assert list(selectors.wall_of(community, "plaque", include_removed=True)) == [removed]
    hung_again = wall_record_add(
        actor=secretary, community=community, kind="plaque", name="文明创建指挥部"
    )
    assert hung_again.pk != record.pk
    assert WallRecord.objects.filter(name="文明创建指挥部").count() == 2
    with pytest.raises(PermissionDenied):
        wall_record_remove(actor=world.user("department_clerk"), record=hung_again, reason="x")


@pytest.mark.django_db
def test_filling_from_the_catalog_enters_every_required_plaque_and_ledger_once(
    wall_catalog: World,
) -> None:
    world = wall_catalog
    community = world.org("community")
    wall_record_add(
        actor=world.user("community_secretary"),
        community=community,
        kind="ledger",
        name="低保申请受理登记台账",
    )
    added = wall_fill_from_catalog(community, actor=world.user("inspector"))
    # 社区居民委员会, 社区养老服务站 and 居民来访接待登记簿: the community had entered the other ledger,
    # and the suspended item's plaque is not required.
    assert added == 3
    records = WallRecord.objects.filter(community=community, removed_on__isnull=True)
    assert set(records.values_list("kind", "name", "admitted")) == {
        ("plaque", "社区居民委员会", True),
        ("plaque", "社区养老服务站", True),
        ("ledger", "低保申请受理登记台账", True),
        ("ledger", "居民来访接待登记簿", True),
    }
    assert records.filter(source=WallSources.CATALOG).count() == 3
    assert all(r.item is not None for r in records.select_related("item"))
    fill = AuditEvent.objects.get(action="wall_record.fill")
    assert (fill.object_id, fill.actor) == (str(community.pk), world.user("inspector"))
    assert fill.changes["plaques"] == [None, ["社区居民委员会", "社区养老服务站"]]
    assert fill.changes["ledgers"] == [None, ["居民来访接待登记簿"]]
    assert wall_fill_from_catalog(community) == 0, "a second fill adds nothing"
    assert AuditEvent.objects.filter(action="wall_record.fill").count() == 1
    assert records.count() == 4
    assert not WallRecord.objects.exclude(community=community).exists()


# What the review found ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_violation_is_named_and_ordered_corrected_once(world: World) -> None:
    violation = confirmed_violation(world, "department")
    first = approved(world, [violation])
    second = approved(world, [violation])  # drafted before the first was published
    notice_publish(actor=world.user("inspector"), notice=first)
    with pytest.raises(InvalidInput):
        drafted(world, [violation])  # a published notice named it
    with pytest.raises(RuleBroken) as refused:
        notice_publish(actor=world.user("inspector"), notice=second)
    assert refused.value.code == "notice_names_moved_on"
    second.refresh_from_db()
    assert second.state == "approved" and second.number is None
    assert CorrectionOrder.objects.filter(violations=violation).count() == 1


@pytest.mark.django_db
def test_free_text_keeps_no_id_number_or_phone(world: World) -> None:
    violation = confirmed_violation(world, "department")
    notice = drafted(
        world,
        [violation],
        facts="经办人 110101199003074514，电话 13812345678，要求社区填表。",
    )
    assert "110101199003074514" not in notice.facts
    assert "13812345678" not in notice.facts
    assert "110101" in notice.facts  # masked, not removed
