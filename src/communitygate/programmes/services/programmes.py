"""Writes of activities and programmes (活动与项目).

An activity is a one-off event (a summer show for a thousand residents): created, changed,
cancelled, and its head count recorded afterwards. The head count may exceed the planned
capacity — people came, and the record says so; the page shows a warning, not a refusal.

A programme (the after-school club 放学回来吧) has sessions and enrolments. A child signs up with
a guardian — online on the public page or by staff: within capacity the child is enrolled,
beyond it waits, in order of signing up. Signing up the same child with the same guardian phone
again returns the first enrolment (a retried form enrols nobody twice; a unique constraint
guards it). Withdrawing an enrolled child promotes the first waiting child in the same
transaction. Capacity is never exceeded: every sign-up, withdrawal and promotion first locks
the programme's row (PostgreSQL; SQLite's IMMEDIATE transactions serialise writers), and a
promotion is a conditional UPDATE that only succeeds while a place is free. Attendance is one
row per child and session: two staff recording the same session at once queue on the session's
row lock, and a row the other one wrote meanwhile is updated in place (an upsert), never a 500.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Count, Subquery, Value
from django.db.models.functions import Coalesce

from communitygate.audit.recorder import changed_fields, created_fields, record_event
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied, Problem, RuleBroken
from communitygate.core.idempotency import idempotency_key_checked, idempotent_create, request_hash
from communitygate.core.people import AnyUser, acting_user
from communitygate.core.phones import normalise_phone, phone_digest, seal_phone
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.programmes.models import (
    Activity,
    Attendance,
    Enrolment,
    EnrolmentStatuses,
    Programme,
    ProgrammeSession,
)
from communitygate.registry.permissions import works_in

ACTIVE = (EnrolmentStatuses.ENROLLED, EnrolmentStatuses.WAITING)


# Named rules ---------------------------------------------------------------------------------------


class ActivityCancelled(RuleBroken):
    code = "activity_cancelled"

    def __init__(self) -> None:
        super().__init__(
            "该活动已取消，不能再修改或记录参加人数。",
            "This activity is cancelled; it cannot be changed or have attendance recorded.",
        )


class AttendanceBeforeTheDay(RuleBroken):
    code = "attendance_before_the_day"
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "活动尚未举行，请在活动当天或之后记录参加人数。",
            "The activity has not happened yet; record attendance on or after its day.",
        )


class ProgrammeClosed(RuleBroken):
    code = "programme_closed"

    def __init__(self) -> None:
        super().__init__(
            "该项目已结束报名，不能再报名或调整名单。",
            "This programme is closed; nobody can sign up or be moved on its lists.",
        )


class OnlineSignUpNotOffered(RuleBroken):
    code = "online_signup_not_offered"

    def __init__(self) -> None:
        super().__init__(
            "该项目不接受网上报名，请到社区居委会现场报名。",
            "This programme takes no online sign-ups; sign up at the community office.",
        )


class ChildAgeOutsideLimits(RuleBroken):
    code = "child_age_outside_limits"
    status = 422

    def __init__(self, age: int, youngest: int | None, oldest: int | None) -> None:
        limits_zh = f"{youngest if youngest is not None else '不限'}至{oldest if oldest is not None else '不限'}岁"
        limits_en = f"{youngest if youngest is not None else 'any'} to {oldest if oldest is not None else 'any'}"
        super().__init__(
            f"孩子开课时 {age} 岁，本项目招收{limits_zh}的孩子，请选择适合的项目。",
            f"The child is {age} when the programme starts; it takes children aged "
            f"{limits_en}. Choose a programme for the child's age.",
        )


class EnrolmentAlreadyWithdrawn(RuleBroken):
    code = "enrolment_already_withdrawn"

    def __init__(self) -> None:
        super().__init__("该报名已撤销。", "This enrolment is already withdrawn; nothing to do.")


class SessionOutsideProgramme(RuleBroken):
    code = "session_outside_programme"
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "课次日期须在项目起止日期之内。",
            "A session must fall between the programme's start and end dates.",
        )


class ChildNotEnrolled(RuleBroken):
    code = "child_not_enrolled"
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "考勤名单中有未在本项目正式录取的孩子；请只勾选已录取的孩子。",
            "The attendance lists a child not enrolled in this programme; tick enrolled "
            "children only.",
        )


def _require_staff(actor: AnyUser, community_id: int) -> User:
    user = acting_user(actor)
    if user is None or not works_in(actor, community_id):
        raise PermissionDenied(
            "只有本社区的书记或工作人员可以管理本社区的活动和项目。",
            "Only the community's secretary or workers may run its activities and programmes.",
        )
    return user


def _community_or_refuse(actor: AnyUser, community: Organisation) -> User:
    if community.kind != OrganisationKinds.COMMUNITY:
        raise PermissionDenied()
    return _require_staff(actor, community.pk)


# Activities ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityFields:
    title: str
    held_on: dt.date
    place: str
    capacity: int | None = None
    starts_at: dt.time | None = None
    description: str = ""

    def problems(self) -> list[Problem]:
        problems = []
        if not self.title.strip():
            problems.append(Problem("请填写活动名称。", "Give the activity a title.", "title"))
        if not self.place.strip():
            problems.append(Problem("请填写活动地点。", "Give the place.", field="place"))
        if self.capacity is not None and self.capacity < 1:
            problems.append(
                Problem("计划人数至少为 1。", "The capacity must be at least 1.", "capacity")
            )
        return problems

    def values(self) -> dict[str, object]:
        return {
            "title": self.title.strip(),
            "held_on": self.held_on,
            "place": self.place.strip(),
            "capacity": self.capacity,
            "starts_at": self.starts_at,
            "description": self.description.strip(),
        }


def activity_create(*, actor: AnyUser, community: Organisation, fields: ActivityFields) -> Activity:
    user = _community_or_refuse(actor, community)
    if problems := fields.problems():
        raise InvalidInput(problems)
    with transaction.atomic():
        activity = Activity.objects.create(
            community=community,
            created_by=user,
            created_at=clock.now(),
            **fields.values(),
        )
        record_event(
            actor=actor,
            action="activity.create",
            obj=activity,
            changes=created_fields({"community": community.code, **fields.values()}),
        )
    return activity


def activity_update(*, actor: AnyUser, activity: Activity, fields: ActivityFields) -> Activity:
    _require_staff(actor, activity.community_id)
    if problems := fields.problems():
        raise InvalidInput(problems)
    with transaction.atomic():
        current = Activity.objects.select_for_update().get(pk=activity.pk)
        before = {key: getattr(current, key) for key in fields.values()}
        if not Activity.objects.filter(pk=activity.pk, cancelled=False).update(**fields.values()):
            raise ActivityCancelled()
        record_event(
            actor=actor,
            action="activity.update",
            obj=current,
            changes=changed_fields(before, fields.values()),
        )
    activity.refresh_from_db()
    return activity


def activity_cancel(*, actor: AnyUser, activity: Activity, reason: str = "") -> Activity:
    _require_staff(actor, activity.community_id)
    with transaction.atomic():
        if not Activity.objects.filter(pk=activity.pk, cancelled=False).update(cancelled=True):
            raise ActivityCancelled()
        record_event(
            actor=actor,
            action="activity.cancel",
            obj=activity,
            changes=changed_fields({"cancelled": False}, {"cancelled": True}),
            reason=reason.strip(),
        )
    activity.refresh_from_db()
    return activity


def activity_record_attendance(*, actor: AnyUser, activity: Activity, attendance: int) -> Activity:
    """Record (or correct) the head count. More than the capacity is recorded as it was; the
    page warns (`selectors.programmes.activity_over_capacity`)."""
    _require_staff(actor, activity.community_id)
    if attendance < 0:
        raise InvalidInput(
            [Problem("参加人数不能为负数。", "Attendance cannot be negative.", "attendance")]
        )
    if activity.held_on > clock.today():
        raise AttendanceBeforeTheDay()
    with transaction.atomic():
        before = Activity.objects.select_for_update().get(pk=activity.pk).attendance
        if not Activity.objects.filter(pk=activity.pk, cancelled=False).update(
            attendance=attendance
        ):
            raise ActivityCancelled()
        record_event(
            actor=actor,
            action="activity.attendance",
            obj=activity,
            changes=changed_fields({"attendance": before}, {"attendance": attendance}),
        )
    activity.refresh_from_db()
    return activity


# Programmes ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeFields:
    title: str
    place: str
    capacity: int
    starts_on: dt.date
    ends_on: dt.date
    description: str = ""
    min_age: int | None = None
    max_age: int | None = None
    public_signup: bool = True

    def problems(self) -> list[Problem]:
        problems = []
        if not self.title.strip():
            problems.append(Problem("请填写项目名称。", "Give the programme a title.", "title"))
        if not self.place.strip():
            problems.append(Problem("请填写地点。", "Give the place.", field="place"))
        if self.capacity < 1:
            problems.append(Problem("名额至少为 1。", "Capacity must be at least 1.", "capacity"))
        if self.ends_on < self.starts_on:
            problems.append(
                Problem("结束日期早于开始日期。", "The end is before the start.", "ends_on")
            )
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            problems.append(
                Problem(
                    "最小年龄大于最大年龄。", "The youngest age is above the oldest.", "max_age"
                )
            )
        return problems


def programme_create(
    *, actor: AnyUser, community: Organisation, fields: ProgrammeFields
) -> Programme:
    user = _community_or_refuse(actor, community)
    if problems := fields.problems():
        raise InvalidInput(problems)
    values = {
        "title": fields.title.strip(),
        "place": fields.place.strip(),
        "capacity": fields.capacity,
        "starts_on": fields.starts_on,
        "ends_on": fields.ends_on,
        "description": fields.description.strip(),
        "min_age": fields.min_age,
        "max_age": fields.max_age,
        "public_signup": fields.public_signup,
    }
    with transaction.atomic():
        programme = Programme.objects.create(
            community=community, created_by=user, created_at=clock.now(), **values
        )
        record_event(
            actor=actor,
            action="programme.create",
            obj=programme,
            changes=created_fields({"community": community.code, **values}),
        )
    return programme


def programme_close(*, actor: AnyUser, programme: Programme) -> Programme:
    """Close sign-up and the lists (结束报名); the record and attendance stay."""
    _require_staff(actor, programme.community_id)
    with transaction.atomic():
        if not Programme.objects.filter(pk=programme.pk, closed=False).update(closed=True):
            raise ProgrammeClosed()
        record_event(
            actor=actor,
            action="programme.close",
            obj=programme,
            changes=changed_fields({"closed": False}, {"closed": True}),
        )
    programme.refresh_from_db()
    return programme


def session_add(
    *,
    actor: AnyUser,
    programme: Programme,
    held_on: dt.date,
    starts_at: dt.time | None = None,
    topic: str = "",
) -> ProgrammeSession:
    _require_staff(actor, programme.community_id)
    if not programme.starts_on <= held_on <= programme.ends_on:
        raise SessionOutsideProgramme()
    with transaction.atomic():
        session = ProgrammeSession.objects.create(
            programme=programme, held_on=held_on, starts_at=starts_at, topic=topic.strip()
        )
        record_event(
            actor=actor,
            action="programme.session_add",
            obj=programme,
            changes=created_fields(
                {"session": session.pk, "held_on": held_on, "starts_at": starts_at, "topic": topic}
            ),
        )
    return session


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years of age on `day` (a 29 February birthday counts from 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _sign_up_problems(
    programme: Programme,
    child_name: str,
    child_birth_date: dt.date | None,
    guardian_name: str,
) -> list[Problem]:
    problems = []
    if not child_name.strip():
        problems.append(Problem("请填写孩子姓名。", "Give the child's name.", "child_name"))
    if not guardian_name.strip():
        problems.append(Problem("请填写监护人姓名。", "Give the guardian's name.", "guardian_name"))
    limited = programme.min_age is not None or programme.max_age is not None
    if limited and child_birth_date is None:
        problems.append(
            Problem(
                "本项目有年龄要求，请填写孩子的出生日期。",
                "This programme has age limits; give the child's birth date.",
                field="child_birth_date",
            )
        )
    if child_birth_date is not None and child_birth_date > clock.today():
        problems.append(
            Problem(
                "出生日期不能晚于今天。",
                "The birth date cannot be in the future.",
                "child_birth_date",
            )
        )
    return problems


def _check_age(programme: Programme, child_birth_date: dt.date | None) -> None:
    if child_birth_date is None:
        return
    age = age_on(child_birth_date, max(programme.starts_on, clock.today()))
    too_young = programme.min_age is not None and age < programme.min_age
    too_old = programme.max_age is not None and age > programme.max_age
    if too_young or too_old:
        raise ChildAgeOutsideLimits(age, programme.min_age, programme.max_age)


def _locked(programme: Programme) -> Programme:
    """The programme's row, locked: sign-ups, withdrawals and promotions of one programme take
    turns, so each counts the places the one before it left."""
    return Programme.objects.select_for_update().get(pk=programme.pk)


def _promote_if_room(programme: Programme, enrolment_id: int) -> bool:
    """Move one waiting enrolment to enrolled when a place is free — a conditional UPDATE that
    counts the enrolled children in the statement itself."""
    enrolled = Coalesce(
        Subquery(
            Enrolment.objects.filter(programme_id=programme.pk, status=EnrolmentStatuses.ENROLLED)
            .order_by()
            .values("programme_id")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        Value(0),
    )
    updated = Enrolment.objects.filter(
        pk=enrolment_id, status=EnrolmentStatuses.WAITING, programme__capacity__gt=enrolled
    ).update(status=EnrolmentStatuses.ENROLLED, updated_at=clock.now())
    return bool(updated)


def enrolment_sign_up(
    *,
    actor: AnyUser = None,
    programme: Programme,
    child_name: str,
    child_birth_date: dt.date | None,
    guardian_name: str,
    guardian_phone: str,
    online: bool,
    idempotency_key: str = "",
) -> Enrolment:
    """Sign a child up: enrolled within capacity, else on the waiting list. The same child
    (name) with the same guardian phone gets the enrolment they already have.

    With an Idempotency-Key (staff, `core.idempotency`), a retry answers the first enrolment;
    the same key for another child or guardian is refused."""
    if not online:
        _require_staff(actor, programme.community_id)
    key = idempotency_key_checked(idempotency_key)
    problems = _sign_up_problems(programme, child_name, child_birth_date, guardian_name)
    try:
        phone = normalise_phone(guardian_phone)
    except InvalidInput as invalid:
        problems += [
            Problem(p.message_zh, p.message_en, field="guardian_phone") for p in invalid.problems
        ]
    if problems:
        raise InvalidInput(problems)
    name = child_name.strip()
    user = acting_user(actor)
    body = {
        "programme": programme.pk,
        "child_name": name,
        "child_birth_date": child_birth_date,
        "guardian_name": guardian_name.strip(),
        "guardian_phone": phone,
        "online": online,
    }
    # Keyed: the body holds the guardian's full phone (as in matters).
    fingerprint = request_hash(body, keyed_as="enrolment-request")
    return idempotent_create(
        key=key,
        fingerprint=fingerprint,
        same_key=Enrolment.objects.filter(signed_up_by=user, idempotency_key=key),
        create=lambda: _sign_up(
            actor=actor,
            programme=programme,
            name=name,
            child_birth_date=child_birth_date,
            guardian_name=guardian_name,
            phone=phone,
            online=online,
            key=key,
            fingerprint=fingerprint,
        ),
    )


def _sign_up(
    *,
    actor: AnyUser,
    programme: Programme,
    name: str,
    child_birth_date: dt.date | None,
    guardian_name: str,
    phone: str,
    online: bool,
    key: str,
    fingerprint: str,
) -> Enrolment:
    digest = phone_digest(phone)
    with transaction.atomic():
        current = _locked(programme)
        existing = _existing(current.pk, name, digest)
        if existing is not None:
            return existing
        if current.closed:
            raise ProgrammeClosed()
        if online and not current.public_signup:
            raise OnlineSignUpNotOffered()
        _check_age(current, child_birth_date)
        sealed = seal_phone(phone)
        now = clock.now()
        try:
            with transaction.atomic():
                enrolment = Enrolment.objects.create(
                    programme=current,
                    child_name=name,
                    child_birth_date=child_birth_date,
                    guardian_name=guardian_name.strip(),
                    guardian_phone_ciphertext=sealed.ciphertext,
                    guardian_phone_digest=sealed.digest,
                    guardian_phone_masked=sealed.masked,
                    status=EnrolmentStatuses.WAITING,
                    signed_up_at=now,
                    signed_up_online=online,
                    signed_up_by=acting_user(actor),
                    updated_at=now,
                    idempotency_key=key,
                    request_hash=fingerprint,
                )
        except IntegrityError:
            # The same child signed up at the same moment elsewhere (SQLite / no lock); the
            # same key twice at once is idempotent_create's to answer.
            existing = _existing(current.pk, name, digest)
            if existing is None:
                raise
            return existing
        # Enrolled straight away only when nobody waits ahead and a place is free.
        ahead = Enrolment.objects.filter(
            programme=current, status=EnrolmentStatuses.WAITING
        ).exclude(pk=enrolment.pk)
        if not ahead.exists():
            _promote_if_room(current, enrolment.pk)
        enrolment.refresh_from_db()
        record_event(
            actor=actor,
            action="enrolment.sign_up",
            obj=enrolment,
            changes=created_fields(
                {
                    "programme": current.pk,
                    "child": name,
                    "guardian": enrolment.guardian_name,
                    "guardian_phone": sealed.masked,
                    "status": enrolment.status,
                    "online": online,
                }
            ),
        )
    return enrolment


def _existing(programme_id: int, child_name: str, digest: str) -> Enrolment | None:
    return Enrolment.objects.filter(
        programme_id=programme_id,
        child_name=child_name,
        guardian_phone_digest=digest,
        status__in=ACTIVE,
    ).first()


def enrolment_withdraw(*, actor: AnyUser, enrolment: Enrolment, reason: str = "") -> Enrolment:
    """Withdraw a child (退出); an enrolled child's place goes to the first who waits."""
    programme = enrolment.programme
    _require_staff(actor, programme.community_id)
    with transaction.atomic():
        current = _locked(programme)
        was = Enrolment.objects.filter(pk=enrolment.pk).values_list("status", flat=True).get()
        if not Enrolment.objects.filter(pk=enrolment.pk, status__in=ACTIVE).update(
            status=EnrolmentStatuses.WITHDRAWN, updated_at=clock.now()
        ):
            raise EnrolmentAlreadyWithdrawn()
        promoted = _promote_waiting(current)
        record_event(
            actor=actor,
            action="enrolment.withdraw",
            obj=enrolment,
            changes={
                "status": [was, EnrolmentStatuses.WITHDRAWN],
                "promoted": [None, promoted],
            },
            reason=reason.strip(),
        )
    enrolment.refresh_from_db()
    return enrolment


def _promote_waiting(programme: Programme) -> list[int]:
    """Fill free places from the head of the waiting list; the ids promoted."""
    promoted = []
    waiting = Enrolment.objects.filter(
        programme=programme, status=EnrolmentStatuses.WAITING
    ).order_by("signed_up_at", "pk")
    for enrolment_id in waiting.values_list("pk", flat=True):
        if not _promote_if_room(programme, enrolment_id):
            break
        promoted.append(enrolment_id)
    return promoted


def _attendance_rows(session: ProgrammeSession) -> dict[int, Attendance]:
    """The session's attendance rows by enrolment, locked for the update that follows."""
    return {
        row.enrolment_id: row
        for row in Attendance.objects.select_for_update().filter(session=session)
    }


def attendance_record(
    *, actor: AnyUser, session: ProgrammeSession, present_enrolment_ids: list[int]
) -> list[Attendance]:
    """One row per enrolled child for the session: present when ticked, absent otherwise.
    Recording again corrects the rows."""
    programme = session.programme
    user = _require_staff(actor, programme.community_id)
    present = set(present_enrolment_ids)
    with transaction.atomic():
        # Two staff at once: the second waits here for the first (PostgreSQL; SQLite's
        # IMMEDIATE transactions serialise writers), then reads the rows the first wrote.
        ProgrammeSession.objects.select_for_update().get(pk=session.pk)
        enrolled = set(
            Enrolment.objects.filter(
                programme=programme, status=EnrolmentStatuses.ENROLLED
            ).values_list("pk", flat=True)
        )
        if not present <= enrolled:
            raise ChildNotEnrolled()
        rows = _attendance_rows(session)
        now = clock.now()
        changed: dict[str, list[object]] = {}
        new_rows, updated_rows = [], []
        for enrolment_id in sorted(enrolled):
            is_present = enrolment_id in present
            row = rows.get(enrolment_id)
            if row is None:
                new_rows.append(
                    Attendance(
                        session=session,
                        enrolment_id=enrolment_id,
                        present=is_present,
                        recorded_by=user,
                        recorded_at=now,
                    )
                )
                changed[str(enrolment_id)] = [None, is_present]
            elif row.present != is_present:
                changed[str(enrolment_id)] = [row.present, is_present]
                row.present, row.recorded_by, row.recorded_at = is_present, user, now
                updated_rows.append(row)
        # Upsert: a row that appeared since the read (a writer the lock did not queue) is
        # overwritten with this recording, the way a second recording corrects the first.
        Attendance.objects.bulk_create(
            new_rows,
            update_conflicts=True,
            unique_fields=["session", "enrolment"],
            update_fields=["present", "recorded_by", "recorded_at"],
        )
        Attendance.objects.bulk_update(updated_rows, ["present", "recorded_by", "recorded_at"])
        record_event(
            actor=actor,
            action="programme.attendance",
            obj=session,
            changes={
                "present": [None, len(present)],
                "enrolled": [None, len(enrolled)],
                **changed,
            },
        )
    return list(Attendance.objects.filter(session=session).order_by("enrolment_id"))
