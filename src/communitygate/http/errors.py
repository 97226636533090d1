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
handler404/403/400).
"""

from collections.abc import Callable

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from communitygate.core.errors import InvalidInput, RuleBroken

API_PREFIX = "/api/"
HOME = "/"
TEMPLATE = "error.html"

TITLES = {
    400: _("The request is not valid"),
    403: _("Not allowed"),
    404: _("Not found"),
    409: _("This cannot be done now"),
    422: _("The input has problems"),
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


def _in_english() -> bool:
    return (translation.get_language() or "").startswith("en")


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
    english = _in_english()
    details = []
    if isinstance(broken, InvalidInput):
        details = [
            " ".join(
                str(part)
                for part in (
                    problem.row or "",
                    problem.field,
                    problem.message_en if english else problem.message_zh,
                )
                if part
            )
            for problem in broken.problems
        ]
    return error_page(
        request, broken.status, broken.message_en if english else broken.message_zh, details
    )


class DomainErrorPagesMiddleware:
    """Every RuleBroken a page's view lets through becomes the site's error page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RuleBroken) or is_api_path(request.path):
            return None
        return rule_broken_page(request, exception)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404, str(_("The page does not exist or is not visible to you.")))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403, str(_("Your roles do not allow this action.")))


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400, str(_("The request is not valid.")))
