"""Pages only some people may open: `only_for(predicate)` makes a view answer 404 (as for a
missing page) to everyone the predicate refuses, after sign-in; the refusal is reported for the
audit log (core.denials). The predicate is an app's own
access helper (`can_manage_catalog`, `is_office_staff`, …)."""

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from communitygate.core.denials import report_denial

View = Callable[..., HttpResponse]


def only_for(allowed: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @login_required
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not allowed(request.user):
                report_denial(request, getattr(allowed, "__name__", "only_for"))
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
