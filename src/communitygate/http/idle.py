"""Idle timeout (空闲超时): a person signed in on a page session who makes no request for
IDLE_TIMEOUT_MINUTES is signed out, besides the session's absolute age (SESSION_COOKIE_AGE).
A page asked after the timeout leads to the sign-in page (and back afterwards); the API answers
as to anyone not signed in. API tokens have no session and are not affected.

When a session was last used is kept in the shared cache, not in the session: writing the
session would cost every page a database write. The entry lives as long as a session may, so a
missing entry means a session not seen since it began (or a cache emptied by the operator). It
is wall-clock time, not `core.clock`'s: a test that moves the platform's "today" forward is not
an idle person."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

WRITE_EVERY_SECONDS = 60  # the entry is refreshed at most once a minute


def wall_clock() -> float:
    return time.time()


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is None or SESSION_KEY not in session or not session.session_key:
            return self.get_response(request)
        key = f"idle:{session.session_key}"
        now = wall_clock()
        last_seen = cache.get(key)
        if last_seen is not None and now - float(last_seen) > idle_limit_seconds():
            cache.delete(key)
            return self._signed_out(request)
        if last_seen is None or now - float(last_seen) >= WRITE_EVERY_SECONDS:
            cache.set(key, now, timeout=settings.SESSION_COOKIE_AGE)
        return self.get_response(request)

    def _signed_out(self, request: HttpRequest) -> HttpResponse:
        logout(request)  # recorded as a sign-out (accounts.signin)
        if request.path.startswith("/api/"):
            return self.get_response(request)
        messages.info(
            request,
            _("You were signed out after %(minutes)s minutes without activity. Sign in again.")
            % {"minutes": settings.IDLE_TIMEOUT_MINUTES},
        )
        return redirect_to_login(request.get_full_path())


def idle_limit_seconds() -> int:
    return int(settings.IDLE_TIMEOUT_MINUTES) * 60
