"""Sign-in protection: wrong passwords lock an account or an address (django-axes), the person
and the office are told, the office lifts a lock, every sign-in step is in the audit log, and an
idle session ends."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client, override_settings
from django.utils import timezone

from communitygate.accounts.models import Notification
from communitygate.accounts.signin import slow_down_seconds
from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.http import idle
from communitygate.testing import PASSWORD, World, password_sign_in, signed_in

pytestmark = pytest.mark.django_db

USER = "community_secretary"


def waited(seconds: int | None = None) -> None:
    """As if `seconds` (default: the longest slow-down) passed since every failure: axes's own
    records moved back."""
    back = dt.timedelta(seconds=settings.SIGNIN_SLOW_MAX_SECONDS if seconds is None else seconds)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - back)


def wrong_passwords(client: Client, username: str, times: int, address: str = "10.0.0.1") -> None:
    """`times` wrong passwords, each after the slow-down's wait (so each counts)."""
    for _ in range(times):
        answer = client.post(
            "/accounts/login/",
            {"username": username, "password": "not-the-password"},
            REMOTE_ADDR=address,
        )
        assert answer.status_code in {200, 429}
        assert "秒后再试" not in answer.content.decode()
        waited()


def sign_in_from(client: Client, username: str, address: str) -> int:
    answer = client.post(
        "/accounts/login/", {"username": username, "password": PASSWORD}, REMOTE_ADDR=address
    )
    return answer.status_code


def test_after_the_limit_even_the_right_password_is_refused_with_the_locked_page(
    world: World,
) -> None:
    client = Client()
    wrong_passwords(client, USER, settings.AXES_FAILURE_LIMIT)
    answer = client.post(
        "/accounts/login/", {"username": USER, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert answer.status_code == 429
    page = answer.content.decode()
    assert "登录已锁定" in page and "区委办公室" in page
    assert "_auth_user_id" not in client.session
    # from another address too: the account itself is locked
    assert sign_in_from(Client(), USER, "10.9.9.9") == 429


def test_below_the_limit_the_right_password_signs_in_and_clears_the_count(world: World) -> None:
    client = Client()
    wrong_passwords(client, USER, settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in_from(client, USER, "10.0.0.1") == 302
    wrong_passwords(Client(), USER, settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in_from(Client(), USER, "10.0.0.1") == 302


@override_settings(AXES_LOCKOUT_PARAMETERS=["username", "ip_address"])  # production's default
def test_one_address_trying_many_accounts_is_locked(world: World) -> None:
    client = Client()
    for number in range(settings.AXES_FAILURE_LIMIT):
        wrong_passwords(client, f"guess{number}", 1, address="10.6.6.6")
    assert sign_in_from(Client(), "department_clerk", "10.6.6.6") == 429
    assert sign_in_from(Client(), "department_clerk", "10.7.7.7") == 302


def test_every_sign_in_step_is_an_audit_event_without_the_password(world: World) -> None:
    client = Client()
    wrong_passwords(client, USER, 1)
    assert password_sign_in(client, USER, PASSWORD)
    client.post("/accounts/logout/")
    actions = list(
        AuditEvent.objects.filter(action__startswith="account.")
        .order_by("id")
        .values_list("action", "object_id", "actor_username")
    )
    assert actions == [
        ("account.sign_in_failed", USER, ""),
        ("account.sign_in", USER, USER),
        ("account.sign_out", USER, USER),
    ]
    failed = AuditEvent.objects.get(action="account.sign_in_failed")
    assert failed.changes == {"username": [None, USER]}
    assert failed.source_ip == "10.0.0.1"
    assert "not-the-password" not in str(list(AuditEvent.objects.values()))


def test_a_lock_is_recorded_and_the_person_and_the_office_are_told(world: World) -> None:
    wrong_passwords(Client(), USER, settings.AXES_FAILURE_LIMIT)
    locked = AuditEvent.objects.get(action="account.locked_out")
    assert locked.changes["username"] == [None, USER]
    person = Notification.objects.get(recipient=world.user(USER))
    assert "锁定" in person.text_zh
    office = Notification.objects.get(recipient=world.user("office_officer"))
    assert USER in office.text_zh and office.link == "/accounts/lockouts/"


def test_the_office_sees_the_lock_and_lifts_it(world: World) -> None:
    wrong_passwords(Client(), USER, settings.AXES_FAILURE_LIMIT)
    office = signed_in(world.user("office_officer"))
    page = office.get("/accounts/lockouts/").content.decode()
    assert f"账号 {USER}" in page and "解除锁定" in page
    answer = office.post("/accounts/lockouts/release/", {"by": "username", "value": USER})
    assert answer.status_code == 302
    assert "已解除" in office.get("/accounts/lockouts/").content.decode()
    unlock = AuditEvent.objects.get(action="account.unlock")
    assert unlock.actor_username == "office_officer"
    assert sign_in_from(Client(), USER, "10.0.0.1") == 302


def test_lifting_a_lock_that_is_not_there_says_so(world: World) -> None:
    office = signed_in(world.user("office_officer"))
    office.post("/accounts/lockouts/release/", {"by": "username", "value": "nobody"})
    page = office.get("/accounts/lockouts/").content.decode()
    assert "当前没有被锁定的登录" in page
    assert not AuditEvent.objects.filter(action="account.unlock").exists()


@pytest.mark.parametrize("role", ["community_secretary", "department_clerk", "auditor"])
def test_only_the_office_opens_the_lockouts(world: World, role: str) -> None:
    client = signed_in(world.user(role))
    assert client.get("/accounts/lockouts/").status_code == 404
    assert (
        client.post("/accounts/lockouts/release/", {"by": "username", "value": USER}).status_code
        == 404
    )
    assert Client().get("/accounts/lockouts/").status_code in {302, 404}


def test_an_idle_session_ends_and_the_page_asks_to_sign_in_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = 1_800_000_000.0
    now = {"seconds": start}
    monkeypatch.setattr(idle, "wall_clock", lambda: now["seconds"])
    limit = settings.IDLE_TIMEOUT_MINUTES * 60
    client = signed_in(world.user(USER))
    assert client.get("/workbench/").status_code == 200
    now["seconds"] = start + limit - 60
    assert client.get("/workbench/").status_code == 200  # activity keeps it alive
    now["seconds"] = start + 2 * limit - 120
    assert client.get("/workbench/").status_code == 200
    now["seconds"] = start + 3 * limit
    answer = client.get("/workbench/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/?next=/workbench/")
    assert "_auth_user_id" not in client.session
    login_page = client.get(answer["Location"]).content.decode()
    assert "分钟未操作" in login_page
    assert AuditEvent.objects.filter(action="account.sign_out", object_id=USER).exists()


def test_a_moved_platform_clock_is_not_idleness(world: World) -> None:
    """Tests and the demo move `core.clock`'s today; the idle timeout keeps to the wall clock."""
    clock.pin(dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC))
    client = signed_in(world.user(USER))
    assert client.get("/workbench/").status_code == 200
    clock.pin(dt.datetime(2026, 12, 20, 2, 0, tzinfo=dt.UTC))
    assert client.get("/workbench/").status_code == 200


def test_where_many_share_an_address_only_accounts_are_locked(world: World) -> None:
    """The demo's default (SIGNIN_LOCK_BY "account"): one machine, everyone at 127.0.0.1."""
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]
    client = Client()
    for number in range(settings.AXES_FAILURE_LIMIT):
        wrong_passwords(client, f"guess{number}", 1, address="10.6.6.6")
    assert sign_in_from(Client(), "department_clerk", "10.6.6.6") == 302


# Slowed before the lock ---------------------------------------------------------------------


def attempt(client: Client, password: str, address: str = "10.0.0.1") -> tuple[int, str]:
    answer = client.post(
        "/accounts/login/", {"username": USER, "password": password}, REMOTE_ADDR=address
    )
    return answer.status_code, answer.content.decode()


def failures() -> int:
    return sum(AccessAttempt.objects.values_list("failures_since_start", flat=True))


def failed_just_now() -> None:
    """The last failure dated now (a loaded machine may take a while between two requests)."""
    AccessAttempt.objects.update(attempt_time=timezone.now())


def test_the_waits_grow_2_4_8_16_and_the_lock_takes_over() -> None:
    assert [slow_down_seconds(n) for n in range(1, 8)] == [0, 2, 4, 8, 16, 32, 60]


def test_after_two_failures_the_next_attempt_waits_two_seconds_then_four(world: World) -> None:
    client = Client()
    assert attempt(client, "wrong-1")[0] == 200
    assert attempt(client, "wrong-2")[0] == 200  # no wait after one failure
    assert failures() == 2
    # Within two seconds of the second failure: refused, even with the right password.
    failed_just_now()
    status, page = attempt(client, PASSWORD)
    assert status == 429 and ("请 2 秒后再试" in page or "请 1 秒后再试" in page)
    assert "_auth_user_id" not in client.session
    waited(2)
    assert attempt(client, "wrong-3")[0] == 200
    assert failures() == 3
    failed_just_now()
    status, page = attempt(client, PASSWORD)
    assert status == 429 and ("请 4 秒后再试" in page or "请 3 秒后再试" in page)
    waited(4)
    assert attempt(client, PASSWORD)[0] == 302


def test_the_waits_double_and_the_page_says_retry_after(world: World) -> None:
    client = Client()
    seen = {}
    with override_settings(AXES_FAILURE_LIMIT=10):
        for count in range(1, 7):
            waited()
            assert attempt(client, f"wrong-{count}")[0] == 200
            assert failures() == count
            if count >= 2:
                failed_just_now()
                answer = client.post(
                    "/accounts/login/", {"username": USER, "password": "x"}, REMOTE_ADDR="10.0.0.1"
                )
                assert answer.status_code == 429
                assert f"请 {answer['Retry-After']} 秒后再试" in answer.content.decode()
                seen[count] = int(answer["Retry-After"])
    # A second may pass on a loaded machine between the failure and the probe.
    expected = {2: 2, 3: 4, 4: 8, 5: 16, 6: 32}
    assert all(expected[n] - 1 <= seen[n] <= expected[n] for n in expected), seen


@override_settings(SIGNIN_SLOW_BASE_SECONDS=600)  # a wait no loaded machine outlasts
def test_attempts_during_the_wait_are_not_failures_nor_events(world: World) -> None:
    client = Client()
    attempt(client, "wrong-1")
    attempt(client, "wrong-2")
    events = AuditEvent.objects.filter(action="account.sign_in_failed").count()
    for _ in range(30):
        assert attempt(client, "wrong-again")[0] == 429
    assert failures() == 2
    assert AuditEvent.objects.filter(action="account.sign_in_failed").count() == events
    assert not AuditEvent.objects.filter(action="account.locked_out").exists()
    # The wait did not grow: once it has passed since the last real failure, the password works.
    waited(600)
    assert attempt(client, PASSWORD)[0] == 302


@override_settings(SIGNIN_SLOW_BASE_SECONDS=600)
def test_the_account_is_slowed_from_any_address(world: World) -> None:
    attempt(Client(), "wrong-1", address="10.1.1.1")
    attempt(Client(), "wrong-2", address="10.2.2.2")
    status, page = attempt(Client(), PASSWORD, address="10.3.3.3")
    assert status == 429 and "秒后再试" in page


@override_settings(SIGNIN_SLOW_BASE_SECONDS=600)
def test_the_admin_sign_in_is_slowed_too(world: World) -> None:
    client = Client()
    attempt(client, "wrong-1")
    attempt(client, "wrong-2")
    answer = client.post(
        "/admin/login/", {"username": USER, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert "秒后再试" in answer.content.decode()
    assert "_auth_user_id" not in client.session
