"""Two-factor sign-in (双因素登录): the people who can see personal information or decide — the
committee office, the committee, the audit bureau, the supervision offices, community
secretaries and administrators (`permissions.needs_second_factor`) — confirm each sign-in with
a code from an authenticator app (TOTP), or one of their recovery codes, when REQUIRE_MFA is on
(the default in production).

django-otp keeps the devices and checks the codes (with its throttling of wrong codes); the QR
code for enrolment is drawn here by segno as inline SVG (nothing fetched, no script). After
sign-in, `SecondFactorMiddleware` sends such a person to enrol (first time) or to enter a code
before any other page; the API answers 403 to a session that has not passed the second factor
(API tokens are issued on a page behind it).
"""

from collections.abc import Callable
from dataclasses import dataclass

import segno
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from communitygate.accounts.permissions import needs_second_factor
from communitygate.audit.recorder import record_operation_event

SUBJECT = "accounts.sign_in"
RECOVERY_CODES = 10
OPEN_PREFIXES = ("/accounts/mfa/", "/accounts/logout/", "/accounts/login/", "/static/", "/i18n/")


def second_factor_required(user: User) -> bool:
    return bool(settings.REQUIRE_MFA) and needs_second_factor(user)


def has_confirmed_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware: a signed-in person who must pass a second factor and
    has not, in this session, reaches only the enrolment and code pages (and signing out)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is None
            or SESSION_KEY not in request.session
            or not user.is_authenticated
            or request.path.startswith(OPEN_PREFIXES)
            or user.is_verified()
            or not second_factor_required(user)
        ):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "code": "second_factor_required",
                    "message": "请先完成双因素验证。 / Pass the second sign-in factor first.",
                    "message_zh": "请先完成双因素验证。",
                    "message_en": "Pass the second sign-in factor first.",
                },
                status=403,
                json_dumps_params={"ensure_ascii": False},
            )
        target = "mfa_verify" if has_confirmed_authenticator(user) else "mfa_setup"
        return redirect_to_login(request.get_full_path(), reverse(target))


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    qr_svg: str  # inline SVG drawn by segno
    secret: str  # base32, grouped by four, for typing into an app


def pending_authenticator(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def authenticator_enrolment(user: User) -> Enrolment:
    """The person's authenticator waiting to be confirmed (made once, shown until confirmed)."""
    device = pending_authenticator(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    secret = device.config_url.split("secret=")[1].split("&")[0]
    grouped = " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, title="TOTP")
    return Enrolment(device=device, qr_svg=qr_svg, secret=grouped)


def authenticator_confirm(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app with its first code: the device is the person's, this session has passed
    the second factor, and fresh recovery codes are returned (shown once). None: wrong code."""
    if not device.verify_token(code.strip()):
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        recovery = StaticDevice.objects.create(user=device.user, name="recovery", confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
        record_operation_event(
            action="account.mfa_enrol",
            subject=SUBJECT,
            subject_id=device.user.get_username(),
            actor=device.user,
        )
    otp_login(request, device)
    return codes


def second_factor_pass(request: HttpRequest, code: str) -> bool:
    """A code from the app or a recovery code (used up); each attempt is recorded."""
    user = request.user
    device = match_token(user, code.strip())
    if device is None:
        record_operation_event(
            action="account.mfa_failed", subject=SUBJECT, subject_id=user.get_username(), actor=user
        )
        return False
    otp_login(request, device)
    recovery = isinstance(device, StaticDevice)
    record_operation_event(
        action="account.mfa_recovery_code" if recovery else "account.mfa_pass",
        subject=SUBJECT,
        subject_id=user.get_username(),
        actor=user,
    )
    return True
