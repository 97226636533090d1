"""Forms of a person's own account pages, and the sign-in forms slowed before axes locks."""

from typing import Any

from axes.helpers import get_client_ip_address
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from communitygate.accounts.signin import SignInSlowed, signin_wait_seconds


class SlowedSignInMixin:
    """Asks `accounts.signin.signin_wait_seconds` BEFORE the password is checked: during the
    wait the form is refused with "请 N 秒后再试" and no authentication runs, so the attempt is
    not a failure for axes (the wait does not grow by being hammered) and records nothing.
    `slowed` keeps the refusal for the view (429, Retry-After)."""

    request: Any
    cleaned_data: dict[str, Any]
    slowed: SignInSlowed | None = None

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        if username and self.request is not None:
            wait = signin_wait_seconds(
                username=username, ip_address=get_client_ip_address(self.request)
            )
            if wait:
                self.slowed = SignInSlowed(wait)
                raise forms.ValidationError(self.slowed.page_message, code="sign_in_slowed")
        return super().clean()  # type: ignore[misc]


class SlowedAuthenticationForm(SlowedSignInMixin, AuthenticationForm):
    """The sign-in page's form."""


class SlowedAdminAuthenticationForm(SlowedSignInMixin, AdminAuthenticationForm):
    """The admin site's sign-in form."""


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6 digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )
