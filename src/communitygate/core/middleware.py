"""Request-level middleware: request id and source address, and the Chinese-first language choice."""

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
