"""Two-factor sign-in: with REQUIRE_MFA on, the roles that see personal information or decide
enrol an authenticator (QR code drawn locally), then confirm every sign-in with its code or a
recovery code; other roles and the public site are not asked."""

import io
import time

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from communitygate.accounts.permissions import needs_second_factor
from communitygate.audit.models import AuditEvent
from communitygate.testing import PASSWORD, World, password_sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_on")]


@pytest.fixture
def mfa_on():
    with override_settings(REQUIRE_MFA=True):
        yield


def code_of(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The app's code now (or `steps_ahead` steps later: a used step is never accepted twice,
    and the device tolerates one step of drift)."""
    t0 = device.t0 - steps_ahead * device.step
    return f"{totp(device.bin_key, step=device.step, t0=t0, digits=device.digits):06d}"


def sign_in(username: str) -> Client:
    client = Client()
    assert password_sign_in(client, username, PASSWORD)
    return client


def enrol(client: Client) -> list[str]:
    page = client.get("/accounts/mfa/setup/").content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(confirmed=False)
    answer = client.post("/accounts/mfa/setup/", {"code": code_of(device)})
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "恢复码" in text
    return [line.split("<code>")[1].split("</code>")[0] for line in text.split("<li>")[1:]]


@pytest.mark.parametrize(
    "role",
    ["office_officer", "committee_member", "auditor", "inspector", "community_secretary"],
)
def test_the_roles_that_see_personal_data_or_decide_need_it(world: World, role: str) -> None:
    assert needs_second_factor(world.user(role))


@pytest.mark.parametrize("role", ["department_clerk", "subdistrict_officer", "community_worker"])
def test_other_roles_sign_in_with_the_password_alone(world: World, role: str) -> None:
    assert not needs_second_factor(world.user(role))
    client = sign_in(role)
    assert client.get("/workbench/").status_code == 200


def test_first_sign_in_enrols_then_every_sign_in_asks_for_a_code(world: World) -> None:
    client = sign_in("office_officer")
    first = client.get("/workbench/")
    assert first.status_code == 302
    assert first["Location"].startswith("/accounts/mfa/setup/?next=/workbench/")
    setup = client.get(first["Location"]).content.decode()
    assert "设置双因素登录" in setup and "<svg" in setup and 'data-testid="mfa-secret"' in setup
    wrong = client.post("/accounts/mfa/setup/", {"code": "000000"})
    assert "验证码不正确" in wrong.content.decode()
    time.sleep(1.1)  # django-otp refuses every code for a second after a wrong one
    codes = enrol(client)
    assert len(codes) == 10
    assert client.get("/workbench/").status_code == 200
    assert AuditEvent.objects.filter(action="account.mfa_enrol").count() == 1

    again = sign_in("office_officer")  # a new session: the code is asked for
    asked = again.get("/calendar/2027/")
    assert asked["Location"].startswith("/accounts/mfa/?next=/calendar/2027/")
    assert "双因素登录" in again.get(asked["Location"]).content.decode()
    assert again.get("/api/v1/audit/events").status_code == 403
    device = TOTPDevice.objects.get(confirmed=True)
    replayed = again.post("/accounts/mfa/", {"code": code_of(device)})  # enrolment's code
    assert "验证码不正确" in replayed.content.decode()
    time.sleep(1.1)
    passed = again.post(
        "/accounts/mfa/", {"code": code_of(device, steps_ahead=1), "next": "/calendar/2027/"}
    )
    assert passed.status_code == 302 and passed["Location"] == "/calendar/2027/"
    assert again.get("/calendar/2027/").status_code == 200


def test_a_recovery_code_works_once(world: World) -> None:
    codes = enrol(sign_in("auditor"))
    client = sign_in("auditor")
    assert client.post("/accounts/mfa/", {"code": codes[0]}).status_code == 302
    assert AuditEvent.objects.filter(action="account.mfa_recovery_code").count() == 1
    reused = sign_in("auditor")
    answer = reused.post("/accounts/mfa/", {"code": codes[0]})  # used up
    assert answer.status_code == 200 and "验证码不正确" in answer.content.decode()
    assert AuditEvent.objects.filter(action="account.mfa_failed").count() == 1


def test_the_public_site_and_signing_out_stay_open(world: World) -> None:
    client = sign_in("community_secretary")
    assert client.get("/accounts/mfa/setup/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert Client().get("/").status_code == 200


def test_off_the_password_alone_signs_in(world: World) -> None:
    with override_settings(REQUIRE_MFA=False):
        client = sign_in("office_officer")
        assert client.get("/workbench/").status_code == 200


def test_the_operator_resets_a_lost_authenticator(world: World) -> None:
    enrol(sign_in("inspector"))
    out = io.StringIO()
    call_command("mfa_reset", "inspector", stdout=out)
    assert "已重置" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=world.user("inspector")).exists()
    event = AuditEvent.objects.get(action="account.mfa_reset")
    assert event.changes == {"devices": [2, 0]}
    again = sign_in("inspector")
    assert again.get("/workbench/")["Location"].startswith("/accounts/mfa/setup/")
