"""Services of residents' matters: intake (staff and public), answer-by dates, every step and
refusal, idempotency, ratings and escalation."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from communitygate.accounts.models import Notification
from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, NotFound, PermissionDenied
from communitygate.core.idempotency import IdempotencyKeyReused
from communitygate.core.workdays import CountedDate, HolidayScheduleMissing, earliest_urgent_start
from communitygate.matters.models import (
    Matter,
    MatterCategory,
    MatterChannels,
    MatterPhoto,
    MatterStatuses,
)
from communitygate.matters.selectors.matters import (
    matter_public_status,
    matters_export_scope,
    rated_this_answer,
)
from communitygate.matters.services.matters import (
    CROCKFORD,
    MatterAlreadyRated,
    MatterIntake,
    MatterNotRateable,
    PhotoUpload,
    answer_by_for,
    matter_answer,
    matter_assign,
    matter_close,
    matter_rate,
    matter_receive,
    matter_reopen,
    matter_submit_public,
    matters_escalate_overdue,
)
from communitygate.matters.workflow import MatterStepNotAllowed
from communitygate.testing import World, image_bytes
from communitygate.workcalendar.models import CalendarOverride
from communitygate.workcalendar.services import calendar_year_enter, schedule_lines_from_text

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
PHONE = "13912345678"
PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")


def pin_day(day: dt.date, hour: int = 10) -> None:
    clock.pin(dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI))


def category(code: str = "consultation") -> MatterCategory:
    return MatterCategory.objects.get(code=code)


def intake(**overrides: object) -> MatterIntake:
    values: dict[str, object] = {
        "community_code": "370203031001",
        "category_code": "consultation",
        "summary": "楼道灯坏了",
        "contact_name": "测试居民",
        "phone": PHONE,
    }
    values.update(overrides)
    return MatterIntake(**values)  # type: ignore[arg-type]


def received(world: World, **overrides: object) -> Matter:
    return matter_receive(actor=world.user("community_worker"), intake=intake(**overrides))


def public(**overrides: object) -> Matter:
    overrides.setdefault("channel", MatterChannels.ONLINE)
    return matter_submit_public(intake=intake(**overrides))


# Answer-by dates ---------------------------------------------------------------------------


def test_answer_by_skips_national_day_and_counts_the_saturday_worked_after_it() -> None:
    # 2025-09-30 (Tue) + 3 working days: 1-8 October are holidays; 9 (Thu), 10 (Fri), and 11
    # (Sat) is a make-up working day.
    assert answer_by_for(category(), dt.date(2025, 9, 30)).date == dt.date(2025, 10, 11)


def test_answer_by_counts_the_sunday_made_a_working_day() -> None:
    one_day = MatterCategory(answer_within_workdays=1)
    # 2025-09-26 is a Friday; Sunday 2025-09-28 is worked (调休) — the next working day.
    assert answer_by_for(one_day, dt.date(2025, 9, 26)).date == dt.date(2025, 9, 28)


def test_answer_by_follows_the_offices_calendar_overrides(world: World) -> None:
    CalendarOverride.objects.create(
        date=dt.date(2025, 6, 3),
        is_workday=False,
        name="测试停工",
    )
    # Monday 2 June + 1 working day: Tuesday 3 June is declared a rest day → Wednesday.
    assert answer_by_for(MatterCategory(answer_within_workdays=1), dt.date(2025, 6, 2)).date == (
        dt.date(2025, 6, 4)
    )


def test_answer_by_in_a_year_the_calendar_does_not_know_counts_weekdays_and_says_so(
    world: World,
) -> None:
    # 2099-03-06 is a Friday: three weekdays later is Wednesday 11 March.
    assert answer_by_for(category(), dt.date(2099, 3, 6)) == CountedDate(dt.date(2099, 3, 11), True)
    pin_day(dt.date(2099, 3, 6))
    matter = received(world)
    assert matter.answer_by == dt.date(2099, 3, 11)
    assert matter.answer_by_estimated
    assert matter.answer_by_counted_from == dt.date(2099, 3, 6)
    event = AuditEvent.objects.get(action="matter.receive", object_id=str(matter.pk))
    assert event.changes["answer_by_estimated"] == [None, True]


def enter_2027(world: World, lines: str = "2027-01-01 休 元旦") -> None:
    calendar_year_enter(
        actor=world.user("office_officer"),
        year=2027,
        lines=schedule_lines_from_text(lines),
        source="国办发明电〔2026〕X号",
        complete=True,
    )


def test_a_matter_filed_late_in_the_year_gets_an_estimate_that_entering_the_year_corrects(
    world: World,
) -> None:
    # Wednesday 2026-12-30 + 3 working days: Thursday 31, then 2027, not entered: Friday 1 January
    # counted as a working day → Monday 4 January, an estimate.
    pin_day(dt.date(2026, 12, 30))
    matter = received(world)
    assert (matter.answer_by, matter.answer_by_estimated) == (dt.date(2027, 1, 4), True)
    worker = world.user("community_worker")
    closed = matter_answer(actor=worker, matter=received(world), answer="已处理")
    closed = matter_close(actor=worker, matter=closed)
    # The urgent path does not estimate.
    with pytest.raises(HolidayScheduleMissing):
        earliest_urgent_start(dt.date(2026, 12, 30))

    enter_2027(world)  # 元旦 is a holiday: 31 December, then 4 and 5 January

    matter.refresh_from_db()
    assert (matter.answer_by, matter.answer_by_estimated) == (dt.date(2027, 1, 5), False)
    event = AuditEvent.objects.get(action="matter.recount_answer_by", object_id=str(matter.pk))
    assert event.actor == world.user("office_officer")
    assert event.changes == {
        "answer_by": ["2027-01-04", "2027-01-05"],
        "answer_by_estimated": [True, False],
    }
    closed.refresh_from_db()  # a closed matter keeps the date it was answered against
    assert (closed.answer_by, closed.answer_by_estimated) == (dt.date(2027, 1, 4), True)


def test_a_reopened_estimate_is_recounted_from_the_day_it_was_reopened(world: World) -> None:
    pin_day(dt.date(2026, 12, 1))
    matter = received(world)
    worker = world.user("community_worker")
    matter = matter_answer(actor=worker, matter=matter, answer="已处理")
    pin_day(dt.date(2026, 12, 31))
    matter = matter_reopen(actor=worker, matter=matter, reason="居民补充情况")
    # Thursday 31 + 3: Friday 1, Monday 4, Tuesday 5 January — an estimate.
    assert (matter.answer_by, matter.answer_by_estimated) == (dt.date(2027, 1, 5), True)
    enter_2027(world)  # 元旦 is a holiday: 4, 5 and 6 January
    matter.refresh_from_db()
    assert (matter.answer_by, matter.answer_by_estimated) == (dt.date(2027, 1, 6), False)


def test_a_schedule_entered_in_part_keeps_the_estimate_marked(world: World) -> None:
    pin_day(dt.date(2026, 12, 30))
    matter = received(world)
    calendar_year_enter(
        actor=world.user("office_officer"),
        year=2027,
        lines=schedule_lines_from_text("2027-01-01 休 元旦"),
        source="国办发明电〔2026〕X号",
        complete=False,
    )
    matter.refresh_from_db()
    assert (matter.answer_by, matter.answer_by_estimated) == (dt.date(2027, 1, 5), True)


def test_a_received_matter_is_due_by_its_categorys_working_days(world: World) -> None:
    pin_day(dt.date(2025, 9, 30))
    matter = received(world)
    assert matter.status == MatterStatuses.RECEIVED
    assert matter.answer_by == dt.date(2025, 10, 11)
    assert matter.received_by == world.user("community_worker")


# Intake ------------------------------------------------------------------------------------


def test_tracking_codes_are_short_unambiguous_and_unique(world: World) -> None:
    codes = {received(world).tracking_code for _ in range(30)}
    assert len(codes) == 30
    for code in codes:
        assert re.fullmatch(rf"MQ[{CROCKFORD}]{{8}}", code)


def test_the_phone_is_sealed_and_audited_masked(world: World) -> None:
    matter = received(world)
    assert matter.phone_masked == "139****5678"
    assert PHONE not in matter.phone_ciphertext
    event = AuditEvent.objects.get(action="matter.receive", object_id=str(matter.pk))
    assert PHONE not in str(event.changes)
    assert event.changes["phone"] == [None, "139****5678"]


def test_staff_record_only_their_own_communitys_matters(world: World) -> None:
    with pytest.raises(PermissionDenied):
        matter_receive(actor=world.user("community_secretary_other"), intake=intake())
    for person in ("subdistrict_officer", "office_officer", "no_role"):
        with pytest.raises(PermissionDenied):
            matter_receive(actor=world.user(person), intake=intake())


def test_intake_lists_every_problem(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        received(world, category_code="nope", summary=" ", phone="123", channel="online")
    fields = {problem.field for problem in caught.value.problems}
    assert {"category", "summary", "phone", "channel"} <= fields


def test_a_retired_category_takes_no_new_matters(world: World) -> None:
    MatterCategory.objects.filter(code="repair").update(active=False)
    with pytest.raises(InvalidInput):
        received(world, category_code="repair")


def test_public_filing_needs_name_and_phone_and_a_current_community(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        public(contact_name="", phone="")
    assert {p.field for p in caught.value.problems} == {"contact_name", "phone"}
    world.org("community_sibling").__class__.objects.filter(
        pk=world.org("community_sibling").pk
    ).update(active_to=dt.date(2020, 1, 1))
    with pytest.raises(InvalidInput) as caught:
        public(community_code="370203031002")
    assert [p.field for p in caught.value.problems] == ["community"]
    with pytest.raises(InvalidInput):
        public(channel=MatterChannels.VISIT)


def test_public_filing_creates_a_received_matter_without_a_receiver(world: World) -> None:
    matter = public()
    assert matter.received_by is None
    assert matter.channel == MatterChannels.ONLINE
    assert AuditEvent.objects.get(action="matter.receive", object_id=str(matter.pk)).actor is None


def test_photos_png_and_jpg_only_at_most_five(world: World) -> None:
    matter = matter_receive(
        actor=world.user("community_worker"),
        intake=intake(),
        photos=[PhotoUpload("a.png", PNG), PhotoUpload("b.jpg", JPEG)],
    )
    stored = MatterPhoto.objects.filter(matter=matter).order_by("filename")
    assert [(p.filename, p.content_type) for p in stored] == [
        ("a.png", "image/png"),
        ("b.jpg", "image/jpeg"),
    ]
    with stored[0].file.open("rb") as saved:
        assert saved.read() == PNG
    with pytest.raises(InvalidInput):
        matter_submit_public(
            intake=intake(channel="online"), photos=[PhotoUpload("a.pdf", b"%PDF-1.4")]
        )
    with pytest.raises(InvalidInput):
        matter_submit_public(intake=intake(channel="online"), photos=[PhotoUpload("a.png", JPEG)])
    with pytest.raises(InvalidInput) as every_photo:
        matter_submit_public(
            intake=intake(channel="online"),
            photos=[PhotoUpload("a.png", JPEG), PhotoUpload("b.pdf", b"%PDF-1.4")],
        )
    assert len(every_photo.value.problems) == 2
    assert {problem.field for problem in every_photo.value.problems} == {"photos"}
    with pytest.raises(InvalidInput):
        matter_submit_public(
            intake=intake(channel="online"), photos=[PhotoUpload("a.png", PNG)] * 6
        )


def test_the_residents_registry_phone_is_copied_sealed(world: World) -> None:
    from communitygate.core.crypto import seal
    from communitygate.registry.models import Building, Household, Resident, Room, Unit

    building = Building.objects.create(community=world.org("community"), name="1号楼")
    room = Room.objects.create(
        unit=Unit.objects.create(building=building, name="1单元"), number="101"
    )
    household = Household.objects.create(
        community=world.org("community"), room=room, created_at=clock.now()
    )
    sealed = seal("phone", "13800001111", "138****1111")
    resident = Resident.objects.create(
        community=world.org("community"),
        household=household,
        name="测试甲",
        sex="male",
        phone_ciphertext=sealed.ciphertext,
        phone_digest=sealed.digest,
        phone_masked=sealed.masked,
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    matter = received(world, contact_name="", phone="", resident_id=resident.pk)
    assert matter.contact_name == "测试甲"
    assert matter.phone_masked == "138****1111"
    with pytest.raises(InvalidInput):
        received(world, community_code="370203031001", resident_id=resident.pk + 999)


# Idempotency -------------------------------------------------------------------------------


def test_twenty_retries_with_one_key_make_one_matter(world: World) -> None:
    first = matter_submit_public(intake=intake(channel="online"), idempotency_key="k-1")
    for _ in range(19):
        again = matter_submit_public(intake=intake(channel="online"), idempotency_key="k-1")
        assert again.pk == first.pk
    assert Matter.objects.count() == 1


def test_the_same_key_with_another_matter_is_refused(world: World) -> None:
    matter_submit_public(intake=intake(channel="online"), idempotency_key="k-2")
    with pytest.raises(IdempotencyKeyReused) as caught:
        matter_submit_public(
            intake=intake(channel="online", summary="另一件事"), idempotency_key="k-2"
        )
    assert caught.value.status == 422


def test_the_same_key_on_another_channel_is_another_matter(world: World) -> None:
    a = matter_submit_public(intake=intake(channel="online"), idempotency_key="k-3")
    b = matter_submit_public(intake=intake(channel="open311"), idempotency_key="k-3")
    assert a.pk != b.pk


# Steps -------------------------------------------------------------------------------------


def test_assign_answer_close(world: World) -> None:
    worker, secretary = world.user("community_worker"), world.user("community_secretary")
    matter = received(world)
    matter = matter_assign(actor=secretary, matter=matter, assignee=worker)
    assert (matter.status, matter.assignee) == (MatterStatuses.ASSIGNED, worker)
    matter = matter_answer(actor=worker, matter=matter, answer="已联系物业更换。")
    assert matter.status == MatterStatuses.ANSWERED
    assert matter.first_answered_at == matter.answered_at
    matter = matter_close(actor=worker, matter=matter)
    assert matter.status == MatterStatuses.CLOSED
    assert matter.closed_at is not None
    actions = list(
        AuditEvent.objects.filter(object_id=str(matter.pk), object_type="matters.matter")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["matter.receive", "matter.assign", "matter.answer", "matter.close"]


def test_answering_on_the_spot_makes_the_answerer_the_assignee(world: World) -> None:
    matter = matter_answer(
        actor=world.user("community_secretary"), matter=received(world), answer="当场答复"
    )
    assert matter.assignee == world.user("community_secretary")


def test_only_the_communitys_staff_take_steps(world: World) -> None:
    matter = received(world)
    for person in ("community_secretary_other", "subdistrict_officer", "office_officer"):
        with pytest.raises(PermissionDenied):
            matter_answer(actor=world.user(person), matter=matter, answer="x")
        with pytest.raises(PermissionDenied):
            matter_assign(actor=world.user(person), matter=matter, assignee=world.user(person))


def test_assign_only_to_the_communitys_staff(world: World) -> None:
    matter = received(world)
    with pytest.raises(InvalidInput):
        matter_assign(
            actor=world.user("community_secretary"),
            matter=matter,
            assignee=world.user("community_secretary_other"),
        )


def test_refused_steps(world: World) -> None:
    worker = world.user("community_worker")
    matter = received(world)
    with pytest.raises(MatterStepNotAllowed):
        matter_close(actor=worker, matter=matter)
    with pytest.raises(MatterStepNotAllowed):
        matter_reopen(actor=worker, matter=matter, reason="x")
    with pytest.raises(InvalidInput):
        matter_answer(actor=worker, matter=matter, answer="  ")
    matter = matter_answer(actor=worker, matter=matter, answer="答复")
    with pytest.raises(InvalidInput):
        matter_reopen(actor=worker, matter=matter, reason="")
    matter = matter_close(actor=worker, matter=matter)
    with pytest.raises(MatterStepNotAllowed):
        matter_answer(actor=worker, matter=matter, answer="again")
    with pytest.raises(MatterStepNotAllowed):
        matter_assign(actor=worker, matter=matter, assignee=worker)


def test_of_two_answers_read_at_once_only_the_first_wins(world: World) -> None:
    matter = received(world)
    stale_copy = Matter.objects.get(pk=matter.pk)
    matter_answer(actor=world.user("community_worker"), matter=matter, answer="第一个答复")
    with pytest.raises(MatterStepNotAllowed) as caught:
        matter_answer(actor=world.user("community_secretary"), matter=stale_copy, answer="第二个")
    assert caught.value.current == MatterStatuses.ANSWERED
    assert Matter.objects.get(pk=matter.pk).answer == "第一个答复"
    assert AuditEvent.objects.filter(action="matter.answer").count() == 1


def test_reopening_gives_a_new_answer_by_date_and_keeps_the_first_answer(world: World) -> None:
    worker = world.user("community_worker")
    pin_day(dt.date(2025, 9, 1))
    matter = matter_answer(actor=worker, matter=received(world), answer="答复")
    first = matter.first_answered_at
    pin_day(dt.date(2025, 9, 30))
    matter = matter_reopen(actor=worker, matter=matter, reason="居民来电补充情况")
    assert matter.status == MatterStatuses.REOPENED
    assert matter.answer_by == dt.date(2025, 10, 11)
    assert matter.times_reopened == 1
    pin_day(dt.date(2025, 10, 9))
    matter = matter_answer(actor=worker, matter=matter, answer="再次答复")
    assert matter.first_answered_at == first
    assert matter.answered_at is not None and first is not None
    assert matter.answered_at > first


# Rating ------------------------------------------------------------------------------------


def answered(world: World) -> Matter:
    return matter_answer(actor=world.user("community_worker"), matter=public(), answer="已处理")


def test_only_answered_matters_are_rated(world: World) -> None:
    matter = public()
    with pytest.raises(MatterNotRateable):
        matter_rate(tracking_code=matter.tracking_code, phone_last4="5678", rating="satisfied")


def test_a_wrong_code_and_wrong_digits_answer_the_same(world: World) -> None:
    matter = answered(world)
    for code, digits in ((matter.tracking_code, "0000"), ("MQ00000000", "5678")):
        with pytest.raises(NotFound):
            matter_rate(tracking_code=code, phone_last4=digits, rating="satisfied")
        with pytest.raises(NotFound):
            matter_public_status(code, digits)


def test_satisfied_rating_is_kept_once_per_answer(world: World) -> None:
    matter = answered(world)
    rated = matter_rate(
        tracking_code=matter.tracking_code.lower(), phone_last4="5678", rating="satisfied"
    )
    assert rated.rating == "satisfied"
    assert rated.status == MatterStatuses.ANSWERED
    with pytest.raises(MatterAlreadyRated):
        matter_rate(tracking_code=matter.tracking_code, phone_last4="5678", rating="neutral")
    event = AuditEvent.objects.get(action="matter.rate")
    assert PHONE not in str(event.changes)


def test_unsatisfied_reopens_and_a_new_answer_may_be_rated_again(world: World) -> None:
    worker = world.user("community_worker")
    pin_day(dt.date(2025, 9, 1))
    matter = answered(world)
    pin_day(dt.date(2025, 9, 30))
    reopened = matter_rate(
        tracking_code=matter.tracking_code,
        phone_last4="5678",
        rating="unsatisfied",
        comment="没解决",
    )
    assert reopened.status == MatterStatuses.REOPENED
    assert reopened.times_reopened == 1
    assert reopened.answer_by == dt.date(2025, 10, 11)
    assert AuditEvent.objects.filter(action="matter.reopen", actor=None).count() == 1
    with pytest.raises(MatterNotRateable):
        matter_rate(tracking_code=matter.tracking_code, phone_last4="5678", rating="satisfied")
    pin_day(dt.date(2025, 10, 9))
    matter_answer(actor=worker, matter=reopened, answer="已重新处理")
    status = matter_public_status(matter.tracking_code, "5678")
    assert status.can_rate
    again = matter_rate(tracking_code=matter.tracking_code, phone_last4="5678", rating="satisfied")
    assert again.rating == "satisfied"


def test_a_rating_counts_for_the_answer_it_follows() -> None:
    answered_at = dt.datetime(2025, 9, 1, 10, tzinfo=dt.UTC)
    later = answered_at + dt.timedelta(hours=1)
    assert not rated_this_answer(Matter(answered_at=answered_at, rated_at=None))
    assert rated_this_answer(Matter(answered_at=answered_at, rated_at=answered_at))
    assert rated_this_answer(Matter(answered_at=answered_at, rated_at=later))
    assert not rated_this_answer(Matter(answered_at=later, rated_at=answered_at))
    assert rated_this_answer(Matter(answered_at=None, rated_at=answered_at))


def test_the_public_status_and_the_rating_agree_on_a_rated_answer(world: World) -> None:
    matter = answered(world)
    assert matter_public_status(matter.tracking_code, "5678").can_rate
    matter_rate(tracking_code=matter.tracking_code, phone_last4="5678", rating="neutral")
    assert not matter_public_status(matter.tracking_code, "5678").can_rate
    with pytest.raises(MatterAlreadyRated):
        matter_rate(tracking_code=matter.tracking_code, phone_last4="5678", rating="neutral")


def test_the_public_status_holds_nothing_personal(world: World) -> None:
    matter = answered(world)
    status = matter_public_status(matter.tracking_code, "5678")
    assert status.status == MatterStatuses.ANSWERED
    assert status.answer == "已处理"
    text = repr(status)
    for personal in ("测试居民", "楼道灯坏了", PHONE, "139****5678"):
        assert personal not in text


# Escalation --------------------------------------------------------------------------------


def test_escalation_marks_overdue_open_matters_once_and_tells_the_subdistrict_once(
    world: World,
) -> None:
    pin_day(dt.date(2025, 9, 1))  # Monday; consultations due Thursday 4 September
    overdue = [received(world) for _ in range(3)]
    other = matter_receive(
        actor=world.user("community_secretary_other"),
        intake=intake(community_code="370203014001"),
    )
    done = matter_answer(actor=world.user("community_worker"), matter=received(world), answer="x")
    pin_day(dt.date(2025, 9, 4))
    not_yet = received(world)
    assert matters_escalate_overdue(today=dt.date(2025, 9, 4)) == 0
    assert matters_escalate_overdue(today=dt.date(2025, 9, 5)) == 4
    escalated = set(Matter.objects.filter(escalated_at__isnull=False).values_list("pk", flat=True))
    assert escalated == {m.pk for m in [*overdue, other]}
    assert done.pk not in escalated and not_yet.pk not in escalated
    notes = Notification.objects.filter(key__startswith="matters-escalated:")
    assert {(n.recipient.username, n.text_en[:1]) for n in notes} == {
        ("subdistrict_officer", "3"),
        ("subdistrict_officer_other", "1"),
    }
    assert AuditEvent.objects.filter(action="matter.escalate").count() == 4
    assert matters_escalate_overdue(today=dt.date(2025, 9, 6)) == 0
    assert notes.count() == 2


def test_an_export_of_matters_is_of_the_persons_community_else_their_subdistrict(
    world: World,
) -> None:
    assert matters_export_scope(world.user("community_worker")) == world.org("community")
    assert matters_export_scope(world.user("subdistrict_officer")) == world.org("subdistrict")
    for nobody in ("office_officer", "auditor", None):
        with pytest.raises(NotFound):
            matters_export_scope(world.user(nobody) if nobody else None)
