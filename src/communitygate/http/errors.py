"""Domain errors answered as pages: the one place a page's refusal is rendered.

Services and access helpers raise `core.errors.RuleBroken` and its subclasses; a view lets them
propagate. `DomainErrorPagesMiddleware.process_exception` answers every one of them, on every
path outside the API, with the site's page (header and navigation) showing the rule's message
in the active language (Chinese unless the language switch chose English) and a way back: the
referring page when it is on this site, else the home page. The status is the error's own:
NotFound 404, PermissionDenied 403, InvalidInput 422, a conflict 409 (`RuleBroken.status`).

The API (/api/) answers its own JSON (`communitygate.api`) and is left alone here. Django's own
refusals (an unknown URL, `Http404`, Django's PermissionDenied, a bad request) render the same
page through `page_not_found`, `permission_denied` and `bad_request` (the root URLconf's
handler404/403/400), and a server error through `server_error` (handler500), falling back to
the plain 500.html when the site's page cannot be rendered. A stored file that is missing from
storage (FileNotFoundError in a download) is a 404 page, not a server error.
"""

import logging
import sys
from collections.abc import Callable

from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from communitygate.core.denials import report_denial
from communitygate.core.errors import InvalidInput, PermissionDenied, RuleBroken

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
HOME = "/"
TEMPLATE = "error.html"

TITLES = {
    500: _("Server error"),
    400: _("The request is not valid"),
    403: _("Not allowed"),
    404: _("Not found"),
    409: _("This cannot be done now"),
    422: _("The input has problems"),
    429: _("Too many attempts"),
}
OTHER_TITLE = _("The request was refused")


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX)


def way_back(request: HttpRequest) -> str:
    """The page the person came from when it is a page of this site (and not this one), else
    the home page: never another site."""
    referrer = request.headers.get("referer", "")
    try:
        host = request.get_host()
    except DisallowedHost:  # the bad request itself: home is the only safe way back
        return HOME
    if (
        referrer
        and url_has_allowed_host_and_scheme(
            referrer, allowed_hosts={host}, require_https=request.is_secure()
        )
        and referrer != request.build_absolute_uri()
    ):
        return referrer
    return HOME


def error_page(
    request: HttpRequest, status: int, message: str, details: list[str] | None = None
) -> HttpResponse:
    """The site's page for a refusal: title by status, the message, the details, a way back."""
    return render(
        request,
        TEMPLATE,
        {
            "status": status,
            "title": TITLES.get(status, OTHER_TITLE),
            "message": message,
            "details": details or [],
            "back": way_back(request),
        },
        status=status,
    )


def rule_broken_page(request: HttpRequest, broken: RuleBroken) -> HttpResponse:
    details = []
    if isinstance(broken, InvalidInput):
        details = [
            " ".join(
                str(part)
                for part in (
                    problem.row or "",
                    problem.field,
                    problem.page_message,
                )
                if part
            )
            for problem in broken.problems
        ]
    response = error_page(request, broken.status, broken.page_message, details)
    for header, value in broken.response_headers().items():
        response[header] = value
    return response


class DomainErrorPagesMiddleware:
    """Every RuleBroken a page's view lets through becomes the site's error page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_api_path(request.path):
            return None
        if isinstance(exception, FileNotFoundError):
            return missing_file_page(request, exception)
        if not isinstance(exception, RuleBroken):
            return None
        if isinstance(exception, PermissionDenied):
            report_denial(request, exception.code)
        return rule_broken_page(request, exception)


def missing_file_page(request: HttpRequest, exception: FileNotFoundError) -> HttpResponse:
    """A stored file (an attachment, evidence, a deliverable) whose record is there but whose
    bytes are not: the person gets a 404 page that says so; the operators get the error log."""
    logger.error("Stored file missing for %s: %s", request.path, exception.filename or exception)
    return error_page(
        request,
        404,
        str(
            _(
                "The file is recorded but no longer stored on the platform. Tell the committee "
                "office, which can restore it from the backup."
            )
        ),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404, str(_("The page does not exist or is not visible to you.")))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    report_denial(request, "permission_denied")
    return error_page(request, 403, str(_("Your roles do not allow this action.")))


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400, str(_("The request is not valid.")))


DATABASE_UNAVAILABLE_ZH = "数据库暂时无法连接，请稍后再试。"
DATABASE_UNAVAILABLE_EN = "The database cannot be reached just now. Please try again shortly."
RETRY_AFTER_SECONDS = "5"


def database_unavailable(exception: BaseException | None) -> bool:
    """The request failed because the database could not be reached (down, restarting, the
    connection dropped): Django's OperationalError or InterfaceError."""
    return isinstance(exception, OperationalError | InterfaceError)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the API's JSON error, elsewhere the plain bilingual page (the
    site's page needs the database for its navigation)."""
    response: HttpResponse
    if is_api_path(request.path):
        body = {
            "code": "service_unavailable",
            "message": f"{DATABASE_UNAVAILABLE_ZH} / {DATABASE_UNAVAILABLE_EN}",
            "message_zh": DATABASE_UNAVAILABLE_ZH,
            "message_en": DATABASE_UNAVAILABLE_EN,
        }
        response = JsonResponse(body, status=503, json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(
            loader.get_template("503.html").render(),
            status=503,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """A server error as the site's page (header and navigation). Rendering it needs what may
    have failed (the database, for the navigation): then the plain bilingual 500.html. When
    the database could not be reached (a restart, a failover), 503 with Retry-After instead:
    the request may be sent again (docs/backup.md, "Drills")."""
    if database_unavailable(sys.exc_info()[1]):
        return service_unavailable(request)
    try:
        return error_page(
            request,
            500,
            str(_("Something went wrong on our side; it has been logged. Please try again later.")),
        )
    except Exception:
        logger.exception("The site's 500 page could not be rendered; answering the plain one")
        return HttpResponseServerError(
            loader.get_template("500.html").render(), content_type="text/html; charset=utf-8"
        )
