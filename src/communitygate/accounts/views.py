"""A person's own pages: their notifications, their second sign-in factor; the office's list of
sign-in lockouts."""

from typing import Any, cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communitygate.accounts.forms import SecondFactorForm, SlowedAuthenticationForm
from communitygate.accounts.mfa import (
    authenticator_confirm,
    authenticator_enrolment,
    has_confirmed_authenticator,
    pending_authenticator,
    second_factor_pass,
)
from communitygate.accounts.permissions import is_office_staff
from communitygate.accounts.selectors import notifications_of
from communitygate.accounts.services import notification_mark_read
from communitygate.accounts.signin import lockout_release, lockouts_current
from communitygate.http.guards import only_for
from communitygate.http.pages import safe_next
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


@login_required
def mfa_setup_page(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the key), enter its first code. A
    code posted before the QR code was ever shown is sent back to scan it."""
    person = cast(User, request.user)  # signed in (login_required)
    if has_confirmed_authenticator(person):
        return redirect("mfa_verify")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST":
        pending = pending_authenticator(person)
        if pending is None:
            return redirect("mfa_setup")
        if form.is_valid():
            codes = authenticator_confirm(request, pending, form.cleaned_data["code"])
            if codes is not None:
                return render(
                    request,
                    "accounts/mfa_recovery_codes.html",
                    {"codes": codes, "next": safe_next(request, reverse("workbench:home"))},
                )
            form.add_error("code", _("The code is not right. Enter the code the app shows now."))
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "enrolment": authenticator_enrolment(person),
            "form": form,
            "next": request.GET.get("next", ""),
        },
    )


@login_required
def mfa_verify_page(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code."""
    if not has_confirmed_authenticator(cast(User, request.user)):
        return redirect("mfa_setup")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor_pass(request, form.cleaned_data["code"]):
            return redirect(safe_next(request, reverse("workbench:home")))
        form.add_error(
            "code", _("The code is not right, or too many wrong codes: wait a moment and retry.")
        )
    return render(
        request, "accounts/mfa_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )


class SignInView(LoginView):
    """Django's sign-in page with the slowed form (accounts.signin): a refusal during the wait
    answers 429 with Retry-After and the wait on the page."""

    authentication_form = SlowedAuthenticationForm

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        slowed = getattr(form, "slowed", None)
        if slowed is not None:
            response.status_code = slowed.status
            for header, value in slowed.response_headers().items():
                response[header] = value
        return response
