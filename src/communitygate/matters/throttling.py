"""Guessing is throttled on the public lookups (tracking code + the phone's last four digits).

A tracking code with four digits has only 10,000 possible answers, so every failed lookup from
one address — on the status page, the rating form, the public API and Open311 — counts in
Django's cache; once `LIMIT` lookups have failed within `WINDOW_SECONDS` that address gets 429
until the window ends. Successful lookups do not count.

A lookup is counted as failed BEFORE it runs (`lookups_reserve`) and given back when it finds
its matter (`lookups_refund`): so a request naming several codes (Open311's
`service_request_id=a,b,…`) needs as many lookups left as it names codes, and requests running
at the same time cannot slip past the limit together (the cache's `incr` is atomic: Redis, and
the file cache through core.cache.SharedFileCache's lock). The window starts with the first lookup
counted and is not extended by later ones.

The counter lives in the configured cache: with several server processes, configure a shared
cache (the default file cache under VAR_DIR, Redis, a database) so that they count together.
"""

import hashlib
import math
import time

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


def _seconds_left(key: str) -> int:
    """The seconds left in this address's window, which starts now if none is running. The
    window's end is kept apart, because some caches' `incr` resets the expiry it is given."""
    now = time.time()
    ends_key = key + ":ends"
    cache.add(ends_key, now + WINDOW_SECONDS, timeout=WINDOW_SECONDS)
    ends = float(cache.get(ends_key, now + WINDOW_SECONDS))
    return max(1, math.ceil(ends - now))


def _count(key: str, delta: int) -> int:
    """Add delta to the address's count (never below 0); the new count."""
    seconds = _seconds_left(key)
    if cache.add(key, max(delta, 0), timeout=seconds):
        return max(delta, 0)
    try:
        total = int(cache.incr(key, delta))
    except ValueError:  # expired between add and incr
        cache.add(key, max(delta, 0), timeout=seconds)
        return max(delta, 0)
    if total < 0:
        cache.set(key, 0, timeout=seconds)
        total = 0
    cache.touch(key, timeout=seconds)
    return total


def lookups_left(request: HttpRequest) -> int:
    """How many lookups this address may still make in its window."""
    return max(LIMIT - int(cache.get(_key(request), 0)), 0)


def lookups_reserve(request: HttpRequest, count: int = 1) -> None:
    """Count `count` lookups as failed before they run. Raise TooManyLookups, counting nothing,
    when fewer than `count` are left — also when a request running at the same time took them."""
    if count > lookups_left(request):
        raise TooManyLookups()
    key = _key(request)
    if _count(key, count) > LIMIT:
        _count(key, -count)
        raise TooManyLookups()


def lookups_refund(request: HttpRequest, count: int = 1) -> None:
    """Give back reserved lookups that found their matter (or never ran): successes do not
    count."""
    if count > 0:
        _count(_key(request), -count)
