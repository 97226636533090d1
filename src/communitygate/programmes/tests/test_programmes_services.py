"""Programmes and enrolment: capacity, the waiting list in sign-up order, promotion on
withdrawal (never beyond capacity, also with sign-ups and withdrawals racing on PostgreSQL),
idempotent sign-up, age limits, closed and non-public programmes, attendance per session, the
staff pages and API (scoped, masked, query-counted) and the public sign-up page."""

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied
from communitygate.programmes.models import Attendance, Enrolment, EnrolmentStatuses, Programme
from communitygate.programmes.selectors.programmes import waiting_position
from communitygate.programmes.services.programmes import (
    ChildAgeOutsideLimits,
    ChildNotEnrolled,
    EnrolmentAlreadyWithdrawn,
    OnlineSignUpNotOffered,
    ProgrammeClosed,
    ProgrammeFields,
    SessionOutsideProgramme,
    attendance_record,
    enrolment_sign_up,
    enrolment_withdraw,
    programme_close,
    programme_create,
    session_add,
)
from communitygate.testing import World, build_world, run_together, signed_in

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 9, 1)
FULL_PHONE = re.compile(r"1[3-9]\d{9}")


@pytest.fixture(autouse=True)
def pinned() -> None:
    clock.pin(dt.datetime.combine(TODAY, dt.time(10), tzinfo=SHANGHAI))


def club(world: World, capacity: int = 2, **overrides: Any) -> Programme:
    values: dict[str, Any] = {
        "title": "放学回来吧",
        "place": "社区活动室",
        "capacity": capacity,
        "starts_on": TODAY,
        "ends_on": dt.date(2027, 1, 15),
        "min_age": None,
        "max_age": None,
    }
    values.update(overrides)
    return programme_create(
        actor=world.user("community_secretary"),
        community=world.org("community"),
        fields=ProgrammeFields(**values),
    )


def phone(n: int) -> str:
    return f"139{n:08d}"


def sign_up(programme: Programme, n: int, *, online: bool = True, **overrides: Any) -> Enrolment:
    values: dict[str, Any] = {
        "programme": programme,
        "child_name": f"小明{n}",
        "child_birth_date": dt.date(2018, 3, 1),
        "guardian_name": f"家长{n}",
        "guardian_phone": phone(n),
        "online": online,
    }
    values.update(overrides)
    return enrolment_sign_up(**values)


def statuses(programme: Programme) -> list[tuple[str, str]]:
    return list(
        programme.enrolments.order_by("signed_up_at", "pk").values_list("child_name", "status")
    )


# Capacity and the waiting list ---------------------------------------------------------------------


def test_within_capacity_enrols_and_beyond_waits_in_order(world: World) -> None:
    programme = club(world, capacity=2)
    first, second, third, fourth = (sign_up(programme, n) for n in range(1, 5))
    assert [e.status for e in (first, second, third, fourth)] == [
        "enrolled",
        "enrolled",
        "waiting",
        "waiting",
    ]
    assert [waiting_position(e) for e in (first, third, fourth)] == [None, 1, 2]


def test_withdrawing_an_enrolled_child_promotes_the_first_waiting(world: World) -> None:
    programme = club(world, capacity=2)
    first, _second, third, fourth = (sign_up(programme, n) for n in range(1, 5))
    enrolment_withdraw(actor=world.user("community_worker"), enrolment=first)
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert (third.status, fourth.status) == ("enrolled", "waiting")
    assert waiting_position(fourth) == 1
    event = AuditEvent.objects.get(action="enrolment.withdraw")
    assert event.changes["promoted"] == [None, [third.pk]]


def test_withdrawing_a_waiting_child_promotes_nobody_and_twice_is_refused(world: World) -> None:
    programme = club(world, capacity=1)
    sign_up(programme, 1)
    waiting = sign_up(programme, 2)
    last = sign_up(programme, 3)
    worker = world.user("community_worker")
    enrolment_withdraw(actor=worker, enrolment=waiting)
    last.refresh_from_db()
    assert last.status == "waiting" and waiting_position(last) == 1
    with pytest.raises(EnrolmentAlreadyWithdrawn):
        enrolment_withdraw(actor=worker, enrolment=waiting)


def test_the_same_child_and_guardian_phone_get_the_same_enrolment(world: World) -> None:
    programme = club(world)
    first = sign_up(programme, 1)
    again = sign_up(programme, 1, guardian_phone="+86 139-0000-0001")
    assert again.pk == first.pk
    assert programme.enrolments.count() == 1
    assert AuditEvent.objects.filter(action="enrolment.sign_up").count() == 1
    # After a withdrawal the child may sign up anew.
    enrolment_withdraw(actor=world.user("community_worker"), enrolment=first)
    assert sign_up(programme, 1).pk != first.pk


def test_the_guardian_phone_is_sealed_and_audited_masked(world: World) -> None:
    enrolment = sign_up(club(world), 7)
    assert enrolment.guardian_phone_masked == "139****0007"
    assert phone(7) not in enrolment.guardian_phone_ciphertext
    event = AuditEvent.objects.get(action="enrolment.sign_up")
    assert not FULL_PHONE.search(json.dumps(event.changes, ensure_ascii=False))


def test_age_limits_are_checked_when_set(world: World) -> None:
    programme = club(world, min_age=6, max_age=12)
    with pytest.raises(ChildAgeOutsideLimits):
        sign_up(programme, 1, child_birth_date=dt.date(2022, 1, 1))
    with pytest.raises(ChildAgeOutsideLimits):
        sign_up(programme, 2, child_birth_date=dt.date(2010, 1, 1))
    with pytest.raises(InvalidInput):
        sign_up(programme, 3, child_birth_date=None)
    assert sign_up(programme, 4, child_birth_date=dt.date(2020, 9, 1)).status == "enrolled"
    assert sign_up(club(world), 5, child_birth_date=None).status == "enrolled"


def test_a_closed_or_non_public_programme_refuses_online_sign_ups(world: World) -> None:
    private = club(world, public_signup=False)
    with pytest.raises(OnlineSignUpNotOffered):
        sign_up(private, 1)
    staff = sign_up(private, 2, online=False, actor=world.user("community_worker"))
    assert staff.status == "enrolled" and not staff.signed_up_online
    closed = club(world)
    programme_close(actor=world.user("community_secretary"), programme=closed)
    with pytest.raises(ProgrammeClosed):
        sign_up(closed, 3)
    with pytest.raises(ProgrammeClosed):
        sign_up(closed, 4, online=False, actor=world.user("community_worker"))


def test_staff_sign_ups_need_the_communitys_staff(world: World) -> None:
    programme = club(world)
    for person in ("subdistrict_officer", "community_secretary_other"):
        with pytest.raises(PermissionDenied):
            sign_up(programme, 1, online=False, actor=world.user(person))
    with pytest.raises(InvalidInput):
        sign_up(programme, 1, guardian_phone="12345")


# Sessions and attendance ---------------------------------------------------------------------------


def test_attendance_is_one_row_per_enrolled_child_and_rerecording_corrects_it(
    world: World,
) -> None:
    programme = club(world, capacity=2)
    first, second, waiting = (sign_up(programme, n) for n in range(1, 4))
    worker = world.user("community_worker")
    session = session_add(actor=worker, programme=programme, held_on=TODAY, topic="作业辅导")
    attendance_record(actor=worker, session=session, present_enrolment_ids=[first.pk])
    rows = dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "present"))
    assert rows == {first.pk: True, second.pk: False}
    attendance_record(actor=worker, session=session, present_enrolment_ids=[first.pk, second.pk])
    rows = dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "present"))
    assert rows == {first.pk: True, second.pk: True}
    assert AuditEvent.objects.filter(action="programme.attendance").count() == 2
    with pytest.raises(ChildNotEnrolled):
        attendance_record(actor=worker, session=session, present_enrolment_ids=[waiting.pk])


def test_a_session_falls_within_the_programme(world: World) -> None:
    with pytest.raises(SessionOutsideProgramme):
        session_add(
            actor=world.user("community_worker"),
            programme=club(world),
            held_on=dt.date(2027, 2, 1),
        )


# Capacity under concurrency ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_racing_sign_ups_and_withdrawals_never_exceed_capacity(transactional_db: None) -> None:
    world = build_world()
    clock.pin(dt.datetime.combine(TODAY, dt.time(10), tzinfo=SHANGHAI))
    programme = club(world, capacity=5)
    early = [sign_up(programme, n) for n in range(1, 8)]  # 5 enrolled, 2 waiting
    worker = world.user("community_worker")

    def signs_up(n: int) -> Callable[[], Any]:
        return lambda: sign_up(programme, n)

    def withdraws(enrolment: Enrolment) -> Callable[[], Any]:
        return lambda: enrolment_withdraw(actor=worker, enrolment=enrolment)

    calls = [signs_up(n) for n in range(100, 112)] + [withdraws(e) for e in early[:4]]
    calls += [signs_up(100)] * 3  # the same child again, at once
    _results, errors = run_together(calls)
    # SQLite may refuse a writer that waited too long; PostgreSQL queues them on the row lock.
    assert all("locked" in str(error) for error in errors), errors
    enrolled = programme.enrolments.filter(status=EnrolmentStatuses.ENROLLED).count()
    waiting = programme.enrolments.filter(status=EnrolmentStatuses.WAITING).count()
    assert enrolled == 5  # full: more waited than left
    assert waiting >= 1
    assert (
        programme.enrolments.filter(child_name="小明100").exclude(status="withdrawn").count() == 1
    )
    # Nobody waits while a place is free, and the waiting list keeps sign-up order.
    order = list(
        programme.enrolments.exclude(status="withdrawn")
        .order_by("signed_up_at", "pk")
        .values_list("status", flat=True)
    )
    assert order == sorted(order, key=lambda s: s != "enrolled"), order


# Pages ---------------------------------------------------------------------------------------------


def test_the_programme_page_masks_guardians_and_shows_lists_and_the_grid(world: World) -> None:
    programme = club(world, capacity=1)
    first = sign_up(programme, 1)
    sign_up(programme, 2)
    worker = world.user("community_worker")
    session = session_add(actor=worker, programme=programme, held_on=TODAY)
    attendance_record(actor=worker, session=session, present_enrolment_ids=[first.pk])
    page = signed_in(world.user("community_worker")).get(f"/residents/programmes/{programme.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "139****0001" in body and "139****0002" in body
    assert not FULL_PHONE.search(body)
    assert 'data-testid="waiting-' in body and f'data-testid="session-{session.pk}"' in body
    assert (
        signed_in(world.user("community_secretary_other"))
        .get(f"/residents/programmes/{programme.pk}/")
        .status_code
        == 404
    )


def test_staff_run_a_programme_through_the_pages(world: World) -> None:
    client = signed_in(world.user("community_secretary"))
    created = client.post(
        "/residents/programmes/new/",
        {
            "community": "370203031001",
            "title": "暑期托管",
            "place": "活动室",
            "capacity": "1",
            "starts_on": "2026-09-01",
            "ends_on": "2026-12-31",
            "public_signup": "on",
        },
    )
    assert created.status_code == 302, created.content.decode()
    programme = Programme.objects.get(title="暑期托管")
    base = f"/residents/programmes/{programme.pk}"
    client.post(f"{base}/sessions/", {"held_on": "2026-09-01", "topic": "开班"})
    for n in (1, 2):
        client.post(
            f"{base}/enrol/",
            {"child_name": f"小红{n}", "guardian_name": "家长", "guardian_phone": phone(n)},
        )
    assert statuses(programme) == [("小红1", "enrolled"), ("小红2", "waiting")]
    session = programme.sessions.get()
    first = programme.enrolments.get(child_name="小红1")
    recorded = client.post(
        f"{base}/sessions/{session.pk}/attendance/", {"present": [str(first.pk)]}
    )
    assert recorded.status_code == 302
    assert Attendance.objects.get(session=session).present
    client.post(f"/residents/enrolments/{first.pk}/withdraw/")
    assert statuses(programme) == [("小红1", "withdrawn"), ("小红2", "enrolled")]
    assert client.post(f"{base}/close/").status_code == 302
    programme.refresh_from_db()
    assert programme.closed


def test_the_list_page_keeps_its_query_count(world: World, django_assert_num_queries: Any) -> None:
    for index in range(4):
        programme = club(world, title=f"项目{index}")
        sign_up(programme, index)
    client = signed_in(world.user("subdistrict_officer"))
    client.get("/residents/programmes/")
    # session, user, grants, programmes with their counts, unread notifications (a subdistrict
    # officer staffs no community, so that question needs no query)
    with django_assert_num_queries(5):
        page = client.get("/residents/programmes/")
    assert page.content.decode().count('data-testid="programme-') == 4


# The public sign-up page ---------------------------------------------------------------------------


def public_form(client: Client, programme: Programme) -> str:
    page = client.get(f"/public/programmes/{programme.pk}/")
    assert page.status_code == 200
    found = re.search(r'name="form_token" value="([^"]+)"', page.content.decode())
    assert found
    return found.group(1)


def test_a_guardian_signs_up_online_and_sees_only_the_result(world: World) -> None:
    programme = club(world, capacity=1)
    sign_up(programme, 1)
    client = Client()
    listing = client.get("/public/programmes/").content.decode()
    assert "放学回来吧" in listing and "139****" not in listing
    token = public_form(client, programme)
    answer = client.post(
        f"/public/programmes/{programme.pk}/",
        {
            "form_token": token,
            "child_name": "小刚",
            "child_birth_date": "2018-05-01",
            "guardian_name": "刘女士",
            "guardian_phone": phone(9),
        },
    )
    assert answer.status_code == 302
    done = client.get(answer["Location"]).content.decode()
    assert "number 1 on the waiting list" in done or "候补" in done or "1" in done
    assert "小刚" not in done and "刘女士" not in done and "0009" not in done
    # The same form again, and the same child again on a new form: one enrolment.
    client.post(
        f"/public/programmes/{programme.pk}/",
        {
            "form_token": token,
            "child_name": "小刚",
            "guardian_name": "刘女士",
            "guardian_phone": phone(9),
        },
    )
    client.post(
        f"/public/programmes/{programme.pk}/",
        {
            "form_token": public_form(client, programme),
            "child_name": "小刚",
            "guardian_name": "刘女士",
            "guardian_phone": phone(9),
        },
    )
    assert programme.enrolments.filter(child_name="小刚").count() == 1
    assert programme.enrolments.get(child_name="小刚").signed_up_online


def test_a_sign_up_without_its_form_token_is_refused(world: World) -> None:
    programme = club(world)
    answer = Client().post(
        f"/public/programmes/{programme.pk}/",
        {"child_name": "小刚", "guardian_name": "刘", "guardian_phone": phone(9)},
    )
    assert answer.status_code == 200
    assert "form_token" in answer.context["form"].errors
    assert not programme.enrolments.exists()


def test_a_programme_without_public_sign_up_is_not_public(world: World) -> None:
    programme = club(world, public_signup=False)
    assert Client().get(f"/public/programmes/{programme.pk}/").status_code == 404
    assert "放学回来吧" not in Client().get("/public/programmes/").content.decode()


def test_the_confirmation_needs_the_browser_that_signed_up(world: World) -> None:
    programme = club(world)
    assert Client().get(f"/public/programmes/{programme.pk}/signed-up/").status_code == 302


# The API -------------------------------------------------------------------------------------------


def post_json(client: Client, url: str, body: dict[str, Any], key: str | None = None) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_the_api_lists_programmes_and_masked_enrolments_in_scope(world: World) -> None:
    programme = club(world, capacity=1)
    sign_up(programme, 1)
    sign_up(programme, 2)
    client = signed_in(world.user("subdistrict_officer"))
    listed = client.get("/api/v1/programmes").json()
    assert listed["count"] == 1 and listed["items"][0]["enrolled"] == 1
    detail = client.get(f"/api/v1/programmes/{programme.pk}").json()
    assert (detail["enrolled"], detail["waiting"]) == (1, 1)
    enrolments = client.get(f"/api/v1/programmes/{programme.pk}/enrolments")
    assert not FULL_PHONE.search(enrolments.content.decode())
    assert [e["waiting_position"] for e in enrolments.json()["items"]] == [None, 1]
    other = signed_in(world.user("community_secretary_other"))
    assert other.get(f"/api/v1/programmes/{programme.pk}").status_code == 404
    assert other.get("/api/v1/programmes").json()["count"] == 0


def test_the_api_enrols_idempotently_and_withdraws(world: World) -> None:
    programme = club(world, capacity=1)
    client = signed_in(world.user("community_worker"))
    url = f"/api/v1/programmes/{programme.pk}/enrolments"
    body = {"child_name": "小强", "guardian_name": "张", "guardian_phone": phone(3)}
    first = post_json(client, url, body, key="enrol-1")
    again = post_json(client, url, body, key="enrol-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.json()["guardian_phone"] == "139****0003"
    changed = post_json(client, url, {**body, "child_name": "小壮"}, key="enrol-1")
    assert changed.status_code == 422 and changed.json()["code"] == "idempotency_key_reused"
    assert post_json(client, url, body).json()["id"] == first.json()["id"]
    waiting = post_json(client, url, {**body, "child_name": "小壮"}, key="enrol-2").json()
    assert waiting["status"] == "waiting" and waiting["waiting_position"] == 1
    withdrawn = client.post(f"/api/v1/enrolments/{first.json()['id']}/withdraw")
    assert withdrawn.json()["status"] == "withdrawn"
    assert Enrolment.objects.get(pk=waiting["id"]).status == "enrolled"
    reader = signed_in(world.user("subdistrict_officer"))
    assert post_json(reader, url, {**body, "child_name": "小亮"}).status_code == 403


# Attendance recorded by two staff at once ----------------------------------------------------------


def test_attendance_written_meanwhile_by_someone_else_is_merged_not_a_500(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race, made deterministic: the rows another worker wrote after this one read the
    session's rows (the read saw none)."""
    from communitygate.programmes.services import programmes as service

    programme = club(world, capacity=2)
    first, second = sign_up(programme, 1), sign_up(programme, 2)
    worker, secretary = world.user("community_worker"), world.user("community_secretary")
    session = session_add(actor=worker, programme=programme, held_on=TODAY)
    attendance_record(actor=secretary, session=session, present_enrolment_ids=[first.pk])
    monkeypatch.setattr(service, "_attendance_rows", lambda session: {})
    attendance_record(actor=worker, session=session, present_enrolment_ids=[second.pk])
    rows = dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "present"))
    assert rows == {first.pk: False, second.pk: True}  # the later recording wins, as a correction


@pytest.mark.django_db(transaction=True)
def test_staff_recording_one_sessions_attendance_at_once_get_no_error(
    transactional_db: None,
) -> None:
    world = build_world()
    clock.pin(dt.datetime.combine(TODAY, dt.time(10), tzinfo=SHANGHAI))
    programme = club(world, capacity=4)
    children = [sign_up(programme, n) for n in range(1, 5)]
    session = session_add(actor=world.user("community_worker"), programme=programme, held_on=TODAY)
    staff = [world.user("community_worker"), world.user("community_secretary")] * 3

    def records(actor: Any, present: list[int]) -> Callable[[], Any]:
        return lambda: attendance_record(
            actor=actor, session=session, present_enrolment_ids=present
        )

    calls = [records(actor, [children[n % 4].pk]) for n, actor in enumerate(staff)]
    _results, errors = run_together(calls)
    # SQLite may refuse a writer that waited too long; PostgreSQL queues them on the row lock.
    assert all("locked" in str(error) for error in errors), errors
    assert Attendance.objects.filter(session=session).count() == 4
    assert Attendance.objects.filter(session=session, present=True).count() == 1


# Double submits and odd input ----------------------------------------------------------------------


def form_token(page: str, testid: str = "") -> str:
    if testid:
        page = page[page.index(f'data-testid="{testid}"') :]
    match = re.search(r'name="form_token" value="([^"]+)"', page)
    assert match, "the form carries a one-time token"
    return match.group(1)


def test_a_double_submitted_programme_is_created_once(world: World) -> None:
    client = signed_in(world.user("community_secretary"))
    data = {
        "community": "370203031001",
        "title": "暑期托管",
        "place": "活动室",
        "capacity": "10",
        "starts_on": "2026-09-01",
        "ends_on": "2026-12-31",
        "form_token": form_token(client.get("/residents/programmes/new/").content.decode()),
    }
    first, second = (client.post("/residents/programmes/new/", data) for _ in range(2))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Programme.objects.filter(title="暑期托管").count() == 1


def test_a_double_submitted_session_or_staff_enrolment_is_added_once(world: World) -> None:
    programme = club(world)
    client = signed_in(world.user("community_worker"))
    base = f"/residents/programmes/{programme.pk}"
    page = client.get(f"{base}/").content.decode()
    session = {
        "held_on": "2026-09-01",
        "topic": "开班",
        "form_token": form_token(page, "session-form"),
    }
    enrol = {
        "child_name": "小红",
        "guardian_name": "家长",
        "guardian_phone": phone(1),
        "form_token": form_token(page, "enrol-form"),
    }
    for _ in range(2):
        assert client.post(f"{base}/sessions/", session).status_code == 302
        assert client.post(f"{base}/enrol/", enrol).status_code == 302
    assert programme.sessions.count() == 1
    assert programme.enrolments.count() == 1
    assert AuditEvent.objects.filter(action__startswith="enrolment.").count() == 1


def test_the_staff_enrolment_form_keeps_its_token_out_of_the_service(world: World) -> None:
    programme = club(world)
    client = signed_in(world.user("community_worker"))
    page = client.get(f"/residents/programmes/{programme.pk}/").content.decode()
    answer = client.post(
        f"/residents/programmes/{programme.pk}/enrol/",
        {
            "child_name": "小红",
            "guardian_name": "家长",
            "guardian_phone": phone(1),
            "form_token": form_token(page, "enrol-form"),
        },
    )
    assert answer.status_code == 302
    assert programme.enrolments.get().child_name == "小红"


def test_a_nul_in_the_public_community_filter_is_a_400_not_a_500(world: World) -> None:
    # Refused at the edge of the request (core.inputs), naming the parameter.
    answer = Client().get("/public/programmes/?community=%00")
    assert answer.status_code == 400
    assert "“community”" in answer.content.decode()
    assert Client().get("/public/programmes/?community=370203031001").status_code == 200
