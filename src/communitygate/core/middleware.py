"""Request-level middleware: request id and source address, and the Chinese-first language choice."""

import ipaddress
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from communitygate.core.context import (
    RequestMeta,
    new_request_id,
    reset_request_meta,
    set_request_meta,
)

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id_from(request: HttpRequest) -> str:
    offered = request.headers.get("X-Request-ID", "")
    return offered if REQUEST_ID_PATTERN.match(offered) else new_request_id()


class RequestContextMiddleware:
    """Gives every request an id (kept from a well-formed X-Request-ID) for the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = RequestMeta(
            request_id=request_id_from(request),
            source_ip=request.META.get("REMOTE_ADDR", ""),
        )
        token = set_request_meta(meta)
        try:
            response = self.get_response(request)
        finally:
            reset_request_meta(token)
        response["X-Request-ID"] = meta.request_id
        return response


class ChineseFirstLocaleMiddleware:
    """zh-Hans unless the user chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language; a district platform
    shows Chinese first whatever the browser says, and remembers an explicit choice (cookie).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class ForwardedForMiddleware:
    """Behind nginx every request comes from 127.0.0.1: the person's own address is in
    X-Forwarded-For. When the direct peer is one of TRUSTED_PROXIES
    (COMMUNITYGATE_TRUSTED_PROXIES), REMOTE_ADDR becomes the right-most address of that header
    that is not a trusted proxy — the one our own proxy saw; anything to its left was written by
    the client and may be forged. Everything that keys on the address reads REMOTE_ADDR (sign-in
    locks, look-up throttles, the audit log's source address), so it runs first. With no trusted
    proxy (the default) the header is ignored."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted = frozenset(settings.TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.META.get("REMOTE_ADDR", "") in self.trusted:
            client = client_address(request.META.get("HTTP_X_FORWARDED_FOR", ""), self.trusted)
            if client:
                request.META["REMOTE_ADDR"] = client
        return self.get_response(request)


def client_address(forwarded_for: str, trusted: frozenset[str]) -> str | None:
    """The right-most well-formed address in X-Forwarded-For that is not a trusted proxy."""
    for part in reversed(forwarded_for.split(",")):
        candidate = part.strip()
        try:
            address = str(ipaddress.ip_address(candidate))
        except ValueError:
            return None  # a malformed entry: trust nothing left of it
        if address not in trusted:
            return address
    return None
