"""A person's own pages: their notifications; the office's list of sign-in lockouts."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communitygate.accounts.permissions import is_office_staff
from communitygate.accounts.selectors import notifications_of
from communitygate.accounts.services import notification_mark_read
from communitygate.accounts.signin import lockout_release, lockouts_current
from communitygate.http.guards import only_for
from communitygate.http.steps import run_step


@login_required
def notifications_page(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/notifications.html", {"notifications": notifications_of(request.user)}
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification_mark_read(actor=request.user, notification_id=notification_id)
    return redirect("accounts:notifications")


@only_for(is_office_staff)
def lockouts_page(request: HttpRequest) -> HttpResponse:
    """The office's list of accounts and addresses locked after repeated wrong passwords."""
    return render(
        request,
        "accounts/lockouts.html",
        {"lockouts": lockouts_current(), "limit": settings.AXES_FAILURE_LIMIT},
    )


@only_for(is_office_staff)
@require_POST
def lockout_release_view(request: HttpRequest) -> HttpResponse:
    by = request.POST.get("by", "")
    value = request.POST.get("value", "")
    return run_step(
        request,
        lambda: lockout_release(actor=request.user, by=by, value=value),
        back=reverse("lockouts"),
        done=_("The lock on %(value)s is lifted: sign-in from it works again.") % {"value": value},
    )
