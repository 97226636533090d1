"""Activities: created by the community's staff, attendance recorded after the day — more than
the capacity is recorded as it was, with a warning — and cancelled once."""

import datetime as dt
from typing import Any

import pytest

from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.core.errors import PermissionDenied
from communitygate.programmes.models import Activity
from communitygate.programmes.services.programmes import (
    ActivityCancelled,
    ActivityFields,
    AttendanceBeforeTheDay,
    activity_cancel,
    activity_create,
    activity_record_attendance,
    activity_update,
)
from communitygate.testing import World, signed_in

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 7, 20)


@pytest.fixture(autouse=True)
def pinned() -> None:
    clock.pin(dt.datetime.combine(TODAY, dt.time(20), tzinfo=SHANGHAI))


def show(world: World, held_on: dt.date = TODAY, **overrides: Any) -> Activity:
    values: dict[str, Any] = {
        "title": "社区夏日纳凉晚会",
        "held_on": held_on,
        "place": "商邱路广场",
        "capacity": 1000,
    }
    values.update(overrides)
    return activity_create(
        actor=world.user("community_worker"),
        community=world.org("community"),
        fields=ActivityFields(**values),
    )


def test_attendance_above_capacity_is_recorded_with_a_warning(world: World) -> None:
    activity = show(world)
    client = signed_in(world.user("community_secretary"))
    answer = client.post(f"/residents/activities/{activity.pk}/attendance/", {"attendance": "1200"})
    assert answer.status_code == 302
    activity.refresh_from_db()
    assert activity.attendance == 1200
    page = client.get(f"/residents/activities/{activity.pk}/").content.decode()
    assert 'data-testid="over-capacity"' in page
    event = AuditEvent.objects.get(action="activity.attendance")
    assert event.changes == {"attendance": [None, 1200]}


def test_attendance_waits_for_the_day(world: World) -> None:
    with pytest.raises(AttendanceBeforeTheDay):
        activity_record_attendance(
            actor=world.user("community_worker"),
            activity=show(world, held_on=TODAY + dt.timedelta(days=3)),
            attendance=10,
        )


def test_a_cancelled_activity_takes_no_attendance_and_no_second_cancel(world: World) -> None:
    activity = show(world)
    worker = world.user("community_worker")
    activity_cancel(actor=worker, activity=activity, reason="暴雨预警")
    with pytest.raises(ActivityCancelled):
        activity_record_attendance(actor=worker, activity=activity, attendance=5)
    with pytest.raises(ActivityCancelled):
        activity_cancel(actor=worker, activity=activity)
    with pytest.raises(ActivityCancelled):
        activity_update(
            actor=worker,
            activity=activity,
            fields=ActivityFields(title="改期", held_on=TODAY, place="广场"),
        )
    assert AuditEvent.objects.get(action="activity.cancel").reason == "暴雨预警"


def test_only_the_communitys_staff_run_activities(world: World) -> None:
    activity = show(world)
    for person in ("subdistrict_officer", "community_secretary_other"):
        with pytest.raises(PermissionDenied):
            activity_record_attendance(actor=world.user(person), activity=activity, attendance=1)
    reader = signed_in(world.user("subdistrict_officer"))
    assert reader.get(f"/residents/activities/{activity.pk}/").status_code == 200
    assert reader.post(f"/residents/activities/{activity.pk}/cancel/").status_code == 403
    other = signed_in(world.user("community_secretary_other"))
    assert other.get(f"/residents/activities/{activity.pk}/").status_code == 404


def test_staff_create_an_activity_and_the_list_keeps_its_query_count(
    world: World, django_assert_num_queries: Any
) -> None:
    client = signed_in(world.user("community_worker"))
    created = client.post(
        "/residents/activities/new/",
        {
            "community": "370203031001",
            "title": "重阳节敬老活动",
            "held_on": "2026-10-29",
            "place": "活动室",
            "capacity": "80",
        },
    )
    assert created.status_code == 302, created.content.decode()
    for index in range(3):
        show(world, title=f"活动{index}")
    client.get("/residents/activities/")
    # session, user, grants, activities, unread notifications (whether the person may create
    # an activity comes from the grants already read)
    with django_assert_num_queries(5):
        page = client.get("/residents/activities/")
    assert page.content.decode().count('data-testid="activity-') == 4


def test_a_double_submitted_activity_is_created_once(world: World) -> None:
    import re

    client = signed_in(world.user("community_secretary"))
    page = client.get("/residents/activities/new/").content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    assert token, "the form carries a one-time token"
    data = {
        "community": "370203031001",
        "title": "中秋游园会",
        "held_on": "2026-09-25",
        "place": "商邱路广场",
        "capacity": "300",
        "form_token": token.group(1),
    }
    first, second = (client.post("/residents/activities/new/", data) for _ in range(2))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Activity.objects.filter(title="中秋游园会").count() == 1
    assert AuditEvent.objects.filter(action="activity.create").count() == 1
