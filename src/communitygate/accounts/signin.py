"""Sign-in protection (登录保护): every sign-in, failed sign-in, sign-out and lockout is an audit
event; repeated wrong passwords lock the account or the address for a while; the office can
lift a lock.

Counting and locking are django-axes's (a maintained library, its attempts kept in the
database so every web process and node sees the same counts): after AXES_FAILURE_LIMIT wrong
passwords for one username, or from one address, further attempts are refused with the locked
page (429) for AXES_COOLOFF_TIME, even with the right password. When a lock starts, the person
(if the username is theirs) and the committee office are notified in the platform. The
receivers here only record and notify; they are connected in AccountsConfig.ready().

Before the lock, sign-in is slowed (`signin_wait_seconds`), read from axes's own records (its
AccessAttempt rows: failures within the cool-off and the time of the last one; no counter of our
own): from SIGNIN_SLOW_AFTER failures (2) for the account — and, where addresses are locked too,
from the address — the next attempt must wait SIGNIN_SLOW_BASE_SECONDS × 2^(failures − SLOW_AFTER)
seconds (2, 4, 8, 16 …, at most SIGNIN_SLOW_MAX_SECONDS) after the last failure. Nothing sleeps:
an attempt during the wait is refused at once (`SignInSlowed`, "请 N 秒后再试", 429 with
Retry-After) WITHOUT asking for the password to be checked, so it is neither a new failure for
axes nor an audit event (it proves nothing and changes nothing; a flood of them costs one
query each). The sign-in forms ask first (accounts.forms.SlowedSignInMixin: the sign-in page
and the admin's). At AXES_FAILURE_LIMIT the lock takes over.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from communitygate.accounts.models import Roles
from communitygate.accounts.selectors import people_holding
from communitygate.accounts.services import notifications_send
from communitygate.audit.recorder import record_operation_event
from communitygate.core.errors import NotFound, RuleBroken
from communitygate.core.people import AnyUser
from communitygate.orgs.models import Organisation, OrganisationKinds

SUBJECT = "accounts.sign_in"
USERNAME_KEPT = 150  # as long as a username can be; longer typed text is cut for the record


def _typed_username(credentials: dict[str, Any]) -> str:
    return str(credentials.get("username") or "")[:USERNAME_KEPT]


def record_signed_in(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record_operation_event(
        action="account.sign_in", subject=SUBJECT, subject_id=user.get_username(), actor=user
    )


def record_signed_out(
    sender: object, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    if user is None:  # a sign-out with no session: nobody to name
        return
    record_operation_event(
        action="account.sign_out", subject=SUBJECT, subject_id=user.get_username(), actor=user
    )


def record_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """The username as typed (never the password); no actor: nobody proved who they are."""
    record_operation_event(
        action="account.sign_in_failed",
        subject=SUBJECT,
        subject_id=_typed_username(credentials)[:64],
        changes={"username": [None, _typed_username(credentials)]},
    )


def record_locked_out(
    sender: object,
    request: HttpRequest | None,
    username: str | None,
    ip_address: str | None,
    **kwargs: Any,
) -> None:
    """A lock started: record it, and tell the person and the office."""
    name = (username or "")[:USERNAME_KEPT]
    record_operation_event(
        action="account.locked_out",
        subject=SUBJECT,
        subject_id=name[:64],
        changes={"username": [None, name], "address": [None, ip_address or ""]},
    )
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    key = f"locked:{name}:{timezone.now():%Y%m%d%H%M}"
    person = get_user_model().objects.filter(username=name, is_active=True)
    notifications_send(
        recipients=person,
        key=key,
        text_zh=f"您的账号因多次密码错误已被锁定 {minutes} 分钟。如非本人操作，请联系区委办公室。",
        text_en=(
            f"Your account was locked for {minutes} minutes after repeated wrong passwords. "
            "If it was not you, tell the committee office."
        ),
    )
    notifications_send(
        recipients=people_holding(_office_ids(), {Roles.OFFICER, Roles.ADMIN}),
        key=key,
        text_zh=f"账号“{name}”（来自 {ip_address or '未知地址'}）因多次密码错误被锁定 {minutes} 分钟。",
        text_en=(
            f"Account '{name}' (from {ip_address or 'an unknown address'}) was locked for "
            f"{minutes} minutes after repeated wrong passwords."
        ),
        link=reverse("lockouts"),
    )


def _office_ids() -> list[int]:
    return list(
        Organisation.objects.filter(kind=OrganisationKinds.COMMITTEE_OFFICE).values_list(
            "pk", flat=True
        )
    )


@dataclass(frozen=True)
class Lockout:
    """An account (`by` "username") or an address (`by` "ip_address") locked now, until when."""

    by: str
    value: str
    failures: int
    until: dt.datetime


def lockouts_current() -> list[Lockout]:
    """Every lock in force, as axes counts it: the failures of one username (from any address)
    or, where addresses are locked too (SIGNIN_LOCK_BY), from one address (for any username)
    within the cool-off reach the limit. One query each."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    found: list[Lockout] = []
    for by in settings.AXES_LOCKOUT_PARAMETERS:  # "username", and "ip_address" where set
        groups = (
            recent.exclude(**{by: ""})
            .exclude(**{f"{by}__isnull": True})
            .values(by)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
            .order_by("-last")
        )
        found += [
            Lockout(by, row[by], row["failures"], row["last"] + settings.AXES_COOLOFF_TIME)
            for row in groups
        ]
    return found


def lockout_release(*, actor: AnyUser, by: str, value: str) -> Lockout:
    """Lift a lock (the office): the failed attempts of that account or address are cleared
    (axes's counters are technical rows; the audit event keeps the record)."""
    lockout = next(
        (item for item in lockouts_current() if (item.by, item.value) == (by, value)), None
    )
    if lockout is None:
        raise NotFound("锁定", "lockout")
    with transaction.atomic():
        if by == "username":
            reset(username=value)
        else:
            reset(ip=value)
        record_operation_event(
            action="account.unlock",
            subject=SUBJECT,
            subject_id=value[:64],
            changes={by: [value, None], "failures": [lockout.failures, None]},
            actor=actor,
        )
    return lockout


# Slowing down before the lock -------------------------------------------------------------------


class SignInSlowed(RuleBroken):
    """Wrong passwords came in quick succession: wait before the next attempt."""

    code = "sign_in_slowed"
    status = 429

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        super().__init__(
            f"密码错误次数较多，请 {seconds} 秒后再试。",
            f"Several wrong passwords; try again in {seconds} seconds.",
        )

    def response_headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.seconds)}


def slow_down_seconds(failures: int) -> int:
    """The wait after `failures` recent failures: 0 below SIGNIN_SLOW_AFTER, then doubling from
    SIGNIN_SLOW_BASE_SECONDS, at most SIGNIN_SLOW_MAX_SECONDS."""
    after = int(settings.SIGNIN_SLOW_AFTER)
    if failures < after:
        return 0
    base = int(settings.SIGNIN_SLOW_BASE_SECONDS)
    return int(min(base * 2 ** (failures - after), int(settings.SIGNIN_SLOW_MAX_SECONDS)))


def signin_wait_seconds(*, username: str, ip_address: str | None) -> int:
    """Seconds still to wait before this username (and address, where addresses are locked) may
    try again: axes's failures within the cool-off and its last failure's time; 0 when no wait
    is due or when the lock (axes's answer) applies. One query per parameter."""
    now = timezone.now()  # axes stamps attempt_time with Django's clock; compare on the same
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - settings.AXES_COOLOFF_TIME)
    wanted = {"username": username[:USERNAME_KEPT], "ip_address": ip_address or ""}
    wait = 0
    for by in settings.AXES_LOCKOUT_PARAMETERS:
        if not wanted.get(by):
            continue
        row = recent.filter(**{by: wanted[by]}).aggregate(
            failures=Sum("failures_since_start"), last=Max("attempt_time")
        )
        failures = int(row["failures"] or 0)
        if not failures or failures >= settings.AXES_FAILURE_LIMIT:
            continue
        until = row["last"] + dt.timedelta(seconds=slow_down_seconds(failures))
        wait = max(wait, int(-(-(until - now).total_seconds() // 1)))
    return max(wait, 0)
