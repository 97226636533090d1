"""Reads of activities and programmes: the staff's scoped lists, a programme's roster (sessions,
enrolled children, the waiting list in order, the attendance grid), and what the public sign-up
page may show — open programmes and places left, never a person."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from communitygate.core import clock
from communitygate.core.errors import NotFound
from communitygate.core.people import AnyUser
from communitygate.programmes.models import (
    Activity,
    Attendance,
    Enrolment,
    EnrolmentStatuses,
    Programme,
    ProgrammeSession,
)
from communitygate.registry.permissions import access_scoped, visible_to

# Activities ----------------------------------------------------------------------------------------


def activity_list(user: AnyUser, *, upcoming: bool = False) -> QuerySet[Activity]:
    activities = visible_to(user, Activity.objects.select_related("community"))
    if upcoming:
        activities = activities.filter(held_on__gte=clock.today(), cancelled=False)
    return activities.order_by("-held_on", "-pk")


def access_activity(user: AnyUser, activity_id: int) -> Activity:
    return access_scoped(
        user, Activity.objects.select_related("community"), activity_id, "活动", "activity"
    )


def activity_over_capacity(activity: Activity) -> bool:
    """More came than planned: recorded as it was, with a warning on the page."""
    return (
        activity.capacity is not None
        and activity.attendance is not None
        and activity.attendance > activity.capacity
    )


# Programmes ----------------------------------------------------------------------------------------


def _with_counts(programmes: QuerySet[Programme]) -> QuerySet[Programme]:
    return programmes.annotate(
        enrolled_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatuses.ENROLLED)),
        waiting_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatuses.WAITING)),
    )


def programme_list(user: AnyUser) -> QuerySet[Programme]:
    """The person's programmes with enrolled and waiting counts, latest first."""
    programmes = visible_to(user, Programme.objects.select_related("community"))
    return _with_counts(programmes).order_by("-starts_on", "-pk")


def access_programme(user: AnyUser, programme_id: int) -> Programme:
    return access_scoped(
        user,
        _with_counts(Programme.objects.select_related("community")),
        programme_id,
        "项目",
        "programme",
    )


def access_enrolment(user: AnyUser, enrolment_id: int) -> Enrolment:
    found = (
        visible_to(user, Enrolment.objects.select_related("programme"), "programme__community")
        .filter(pk=enrolment_id)
        .first()
    )
    if found is None:
        raise NotFound("报名", "enrolment")
    return found


def session_of(programme: Programme, session_id: int) -> ProgrammeSession:
    session = programme.sessions.filter(pk=session_id).first()
    if session is None:
        raise NotFound("课次", "session")
    session.programme = programme
    return session


def enrolled_ids(programme: Programme) -> list[int]:
    return list(
        programme.enrolments.filter(status=EnrolmentStatuses.ENROLLED).values_list("pk", flat=True)
    )


def enrolment_of(programme_id: int, enrolment_id: int) -> Enrolment | None:
    return (
        Enrolment.objects.filter(pk=enrolment_id, programme_id=programme_id)
        .select_related("programme")
        .first()
    )


def enrolments_of(programme: Programme) -> QuerySet[Enrolment]:
    """Enrolled first, then waiting in order, then withdrawn."""
    return programme.enrolments.order_by("signed_up_at", "pk")


def waiting_position(enrolment: Enrolment) -> int | None:
    """1 for the first on the waiting list; None when not waiting."""
    if enrolment.status != EnrolmentStatuses.WAITING:
        return None
    ahead = Enrolment.objects.filter(
        programme_id=enrolment.programme_id, status=EnrolmentStatuses.WAITING
    ).filter(
        Q(signed_up_at__lt=enrolment.signed_up_at)
        | Q(signed_up_at=enrolment.signed_up_at, pk__lt=enrolment.pk)
    )
    return ahead.count() + 1


@dataclass(frozen=True)
class Roster:
    """A programme's lists, read in four queries: sessions, enrolled children, the waiting list
    (in sign-up order: index + 1 is the position), and attendance keyed by (session, enrolment)."""

    sessions: list[ProgrammeSession]
    enrolled: list[Enrolment]
    waiting: list[Enrolment]
    withdrawn: list[Enrolment]
    present: dict[tuple[int, int], bool]

    def attendance_of(self, session_id: int) -> dict[int, bool]:
        return {e: p for (s, e), p in self.present.items() if s == session_id}


def programme_roster(programme: Programme) -> Roster:
    enrolments = list(enrolments_of(programme))
    present = {
        (session_id, enrolment_id): is_present
        for session_id, enrolment_id, is_present in Attendance.objects.filter(
            session__programme=programme
        ).values_list("session_id", "enrolment_id", "present")
    }
    return Roster(
        sessions=list(programme.sessions.order_by("held_on", "starts_at", "pk")),
        enrolled=[e for e in enrolments if e.status == EnrolmentStatuses.ENROLLED],
        waiting=[e for e in enrolments if e.status == EnrolmentStatuses.WAITING],
        withdrawn=[e for e in enrolments if e.status == EnrolmentStatuses.WITHDRAWN],
        present=present,
    )


# The public sign-up page ---------------------------------------------------------------------------


def programmes_open_for_signup(
    *, community_code: str = "", today: dt.date | None = None
) -> QuerySet[Programme]:
    """Programmes taking online sign-ups: public, not closed, not yet ended."""
    day = today or clock.today()
    programmes = Programme.objects.filter(public_signup=True, closed=False, ends_on__gte=day)
    if community_code:
        programmes = programmes.filter(community__code=community_code)
    return _with_counts(programmes.select_related("community")).order_by(
        "community__path", "starts_on", "pk"
    )


def public_programme_get(programme_id: int) -> Programme:
    found = programmes_open_for_signup().filter(pk=programme_id).first()
    if found is None:
        raise NotFound("项目", "programme")
    return found
