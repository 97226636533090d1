"""No copies of personal information in browsers or proxies: the one place that decides, by
URL, which answers say `Cache-Control: no-store`.

Every answer of the residents' platform may carry personal information (a name, a masked phone,
a tracking code, a revealed number): the staff pages under /residents/, the public matter and
programme pages, Open311 and the residents' API. None may be kept by a browser's cache, its
back-button history or a proxy, whatever its status (a page, a redirect to sign in, a refusal,
a file). `NoStoreMiddleware` marks each answer under `NO_STORE_PREFIXES` with Django's
never-cache headers (`no-store`, `no-cache`, `must-revalidate`, `private`, `max-age=0`) and
`Pragma: no-cache`. Views and API operations never set these headers themselves. A page or
endpoint that carries personal information under another path is added to the list here (a
test walks the residents' URL patterns and API routes and checks each one is covered).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# A prefix covers itself and every path below it ("/residents" covers "/residents/people/").
NO_STORE_PREFIXES: tuple[str, ...] = (
    "/residents",
    "/public/matters",
    "/public/programmes",
    "/open311",
    "/api/v1/residents",
    "/api/v1/households",
    "/api/v1/matters",
    "/api/v1/programmes",
    "/api/v1/enrolments",
    "/api/v1/public/matters",
    # The audit log names who did what to whom (object descriptions, changed values).
    # So does the auditor's workspace (/audit/workspace/, /audit/anomalies/, the anomalies' API):
    # dispute reasons and payers' notes as typed.
    "/audit",
    "/api/v1/audit",
)


def _covers(prefix: str, path: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def is_no_store_path(path: str) -> bool:
    return any(_covers(prefix, path) for prefix in NO_STORE_PREFIXES)


class NoStoreMiddleware:
    """Never-cache headers on every answer under `NO_STORE_PREFIXES`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_no_store_path(request.path):
            add_never_cache_headers(response)
            response["Pragma"] = "no-cache"
        return response
