"""Permission denials (越权拒绝) reported for the audit log. The layers that refuse a request
(http's page guard and error pages, the API's error handler) sit beside or below the audit app,
so they announce a denial with `report_denial`; the audit app records it (audit.apps). A denial
is reported where the refusal is answered, after the view's transactions have ended, so it is
recorded even when the refused request's own changes were rolled back."""

from django.dispatch import Signal
from django.http import HttpRequest

access_denied = Signal()  # keyword arguments: request, rule


def report_denial(request: HttpRequest, rule: str) -> None:
    """`rule`: the predicate or the named rule that refused (`is_office_staff`, a RuleBroken's
    code). Only signed-in people (or API tokens) are reported: an anonymous request is asked to
    sign in, it is not refused a permission."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    access_denied.send(sender=None, request=request, rule=rule)
