"""A person's own pages: their notifications."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from communitygate.accounts.selectors import notifications_of
from communitygate.accounts.services import notification_mark_read


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
