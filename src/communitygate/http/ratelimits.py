"""Rate limits on what anyone may do without signing in: filing a matter (the page, the public
API, Open311) and signing a child up for a programme. Each is limited per source address AND per
phone number (the resident's, or the guardian's): 100 filings in six seconds from one address
are at most `limit` matters, and changing the phone does not help, nor does changing address.

Counting is django-ratelimit's (`get_usage`, fixed windows), in Django's configured cache: the
shared file cache under VAR_DIR on one machine, Redis where REDIS_URL is set, so every server
process and node counts together. A phone is normalised (`core.phones.normalise_phone`) and
counted under its keyed digest (`phone_digest`, the blind index): the cache never holds a plain
phone, and django-ratelimit hashes every key it builds as well. A phone that does not read is
not counted here (the service refuses it), the address still is.

Only attempts that reach the service count (a form with errors does not), and a refused attempt
counts too (a flood does not earn a new window). The limits are settings (`PUBLIC_RATE_LIMITS`:
"count/period", e.g. "5/10m"); the refusal is `TooManyAttempts` (429, Chinese and English,
`Retry-After` in seconds until the window ends). Failed tracking look-ups keep their own
counter, `matters.throttling` (failures only: a resident who knows the code is never slowed).
"""

from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from communitygate.core.errors import RuleBroken
from communitygate.core.phones import InvalidPhone, normalise_phone, phone_digest

Action = Literal["filing", "signup"]

WHAT = {
    "filing": ("提交事项", "filing matters"),
    "signup": ("报名", "signing up"),
}


class TooManyAttempts(RuleBroken):
    """Too many filings or sign-ups from one address or with one phone within the window."""

    code = "too_many_attempts"
    status = 429

    def __init__(self, action: Action, retry_after: int) -> None:
        self.retry_after = max(retry_after, 1)
        what_zh, what_en = WHAT[action]
        minutes = -(-self.retry_after // 60)
        super().__init__(
            f"{what_zh}过于频繁，请 {minutes} 分钟后再试，或致电社区。",
            f"Too many attempts at {what_en}; try again in {minutes} minutes, "
            "or call the community.",
        )

    def response_headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


@dataclass(frozen=True)
class Counted:
    """One counter's state after this attempt."""

    count: int
    limit: int
    seconds_left: int

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit


def source_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _count(request: HttpRequest, action: Action, by: str, value: str) -> Counted:
    rate = settings.PUBLIC_RATE_LIMITS[action]
    usage = get_usage(
        request,
        group=f"public-{action}-by-{by}",
        key=lambda _group, _request: value,
        rate=rate,
        increment=True,
    )
    if usage is None:  # RATELIMIT_ENABLE off
        return Counted(0, 1, 0)
    return Counted(int(usage["count"]), int(usage["limit"]), int(usage["time_left"]))


def phone_key(raw_phone: str) -> str:
    """The phone's keyed digest, or "" when it does not read as a phone."""
    try:
        return phone_digest(normalise_phone(raw_phone))
    except InvalidPhone:
        return ""


def attempt_counted(request: HttpRequest, action: Action, *, phone: str) -> None:
    """Count one attempt by its address and its phone; TooManyAttempts when either is over its
    limit (Retry-After: the longer wait of the two)."""
    counted = [_count(request, action, "address", source_address(request))]
    digest = phone_key(phone)
    if digest:
        counted.append(_count(request, action, "phone", digest))
    over = [state for state in counted if state.exceeded]
    if over:
        raise TooManyAttempts(action, max(state.seconds_left for state in over))
