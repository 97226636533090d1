"""Guessing is throttled on the public lookups (tracking code + the phone's last four digits).

A tracking code with four digits has only 10,000 possible answers, so every failed lookup from
one address — on the status page, the rating form, the public API and Open311 — counts in
Django's cache; after `LIMIT` failures within `WINDOW_SECONDS` that address gets 429 until the
window ends. Successful lookups do not count. The counter lives in the configured cache: with
several server processes, configure a shared cache (Redis, database) so that they count together.
"""

import hashlib

from django.core.cache import cache
from django.http import HttpRequest

from communitygate.core.errors import RuleBroken

LIMIT = 10
WINDOW_SECONDS = 10 * 60


class TooManyLookups(RuleBroken):
    code = "too_many_lookups"
    status = 429

    def __init__(self) -> None:
        super().__init__(
            f"查询失败次数过多，请 {WINDOW_SECONDS // 60} 分钟后再试，或致电社区。",
            f"Too many failed lookups; try again in {WINDOW_SECONDS // 60} minutes, "
            "or call the community.",
        )


def _key(request: HttpRequest) -> str:
    # Hashed, so the cache holds no plain addresses.
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    return "residents:lookup-failures:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def lookup_allowed(request: HttpRequest) -> None:
    """Raise TooManyLookups when this address has failed `LIMIT` times in the window."""
    if cache.get(_key(request), 0) >= LIMIT:
        raise TooManyLookups()


def lookup_failed(request: HttpRequest) -> None:
    """Count one failed lookup; the window starts with the first failure."""
    key = _key(request)
    if not cache.add(key, 1, timeout=WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=WINDOW_SECONDS)
