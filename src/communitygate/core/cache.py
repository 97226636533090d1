"""The shared file cache (settings.CACHES without REDIS_URL): Django's FileBasedCache, whose
`add` and `incr` are made atomic across every process on the machine by an exclusive lock
(flock) on one lock file in the cache's directory. Django's own are a check and a write (`add`)
or a read and a write (`incr`), so two server processes counting at the same instant could both
"add" the first attempt or both write the same total, and a rate limit (http.ratelimits,
matters.throttling) would let a burst through. Counting is rare and short; one lock is enough.
"""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache

LOCK_NAME = "counters.lock"  # not *.djcache: clear() and culling leave it alone


class SharedFileCache(FileBasedCache):
    @contextmanager
    def _counting(self) -> Iterator[None]:
        directory: str = self._dir  # type: ignore[attr-defined]  # FileBasedCache's own
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, LOCK_NAME), "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        with self._counting():
            return super().add(key, value, timeout, version)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        with self._counting():
            return super().incr(key, delta, version)
