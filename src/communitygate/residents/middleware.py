"""No copies of residents' data in browsers or proxies: `Cache-Control: no-store`.

Every answer the residents' platform gives — the staff pages under /residents/, the public
matter and programme pages, Open311 and the residents' API — may carry personal information
(a name, a masked phone, a tracking code), so none may be kept by a browser's cache, its
back-button history or a proxy. `NoStoreMiddleware` adds `Cache-Control: no-store` and
`Pragma: no-cache` to each of those answers, unless the view set its own Cache-Control (the
agreement PDF, `never_cache` pages).

The paths are derived, once, from what the residents' app mounts: the URL modules of this app
in the root URLconf (each pattern's first segment under its mount) and the routes of the
residents' API router under the API's mount. A page or endpoint added to the app is covered
without touching this file.
"""

import functools
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver

RESIDENTS_URL_MODULES = frozenset(
    {
        "communitygate.residents.urls",
        "communitygate.residents.public_urls",
        "communitygate.residents.open311",
    }
)
NINJA_APP_NAME = "ninja"


def _first_segment(route: str) -> str:
    """The static first segment of a route ("matters/new/" → "matters"; "" or "<int:pk>/…" →
    "", the whole mount)."""
    static = route.split("<", 1)[0]
    return static.split("/", 1)[0]


def _joined(mount: str, segment: str) -> str:
    return "/" + "/".join(part for part in (mount.strip("/"), segment) if part)


def _narrowest(prefixes: Iterable[str]) -> tuple[str, ...]:
    """The prefixes without those another one already covers."""
    kept: list[str] = []
    for prefix in sorted(set(prefixes), key=len):
        if not any(_covers(other, prefix) for other in kept):
            kept.append(prefix)
    return tuple(sorted(kept))


def _covers(prefix: str, path: str) -> bool:
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


def _api_prefixes(mount: str) -> list[str]:
    from communitygate.residents.api import router

    paths: list[str] = []
    pending = [("", router)]
    while pending:
        base, current = pending.pop()
        paths += [base + route for route in current.path_operations]
        pending += [(base + sub, child) for sub, child, _tags in current._routers]
    # "/public/matters/{code}" → "/public/matters": the static part before the first parameter.
    return [_joined(mount, path.split("{", 1)[0].strip("/")) for path in paths]


@functools.cache
def no_store_prefixes() -> tuple[str, ...]:
    """The path prefixes of every residents' page and endpoint (no trailing slash)."""
    prefixes: list[str] = []
    for entry in get_resolver().url_patterns:
        if not isinstance(entry, URLResolver):
            continue
        mount = str(entry.pattern)
        module = getattr(entry.urlconf_module, "__name__", "")
        if module in RESIDENTS_URL_MODULES:
            prefixes += [
                _joined(mount, _first_segment(str(pattern.pattern)))
                for pattern in entry.url_patterns
                if isinstance(pattern, URLPattern | URLResolver)
            ]
        elif entry.app_name == NINJA_APP_NAME:
            prefixes += _api_prefixes(mount)
    return _narrowest(prefixes)


def is_residents_path(path: str) -> bool:
    return any(_covers(prefix, path) for prefix in no_store_prefixes())


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every residents' answer that did not choose its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_residents_path(request.path) and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
