"""The Django admin as the committee office's tool: entry by role, not by Django's is_staff flag."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from communitygate.accounts.forms import SlowedAdminAuthenticationForm
from communitygate.accounts.permissions import can_read_audit_log, can_use_admin_site
from communitygate.core.errors import RuleBroken

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


# Apps installed from elsewhere whose names are plain English strings (not translatable where
# they are declared): the admin shows them by these names instead.
APP_NAMES = {"django_tasks_database": _("Background tasks")}


class OfficeAdminSite(admin.AdminSite):
    site_header = _("CommunityGate administration")
    site_title = _("CommunityGate")
    index_title = _("Committee office")
    login_form = SlowedAdminAuthenticationForm  # slowed before axes locks (accounts.signin)

    def get_app_list(
        self, request: HttpRequest, app_label: str | None = None
    ) -> list[dict[str, Any]]:
        """Every app heading in the active language (Chinese unless English was chosen)."""
        apps = super().get_app_list(request, app_label)
        for app in apps:
            if app["app_label"] in APP_NAMES:
                app["name"] = APP_NAMES[app["app_label"]]
        return apps

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not user.is_active:
            return False
        # Django lets a superuser pass every ModelAdmin check, whatever the memberships say.
        if user.is_superuser:
            return False
        return can_use_admin_site(user) or can_read_audit_log(user)

    def admin_view(self, view: View, cacheable: bool = False) -> View:
        """Changes go through services; a rule one breaks (RuleBroken, raised from save_model)
        comes back as its bilingual message on the same page, not as a server error."""
        protected = super().admin_view(view, cacheable)

        @wraps(protected)
        def answer_rule_errors(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                return protected(request, *args, **kwargs)
            except RuleBroken as broken:
                if request.method != "POST":
                    raise
                messages.error(request, broken.page_message)
                return HttpResponseRedirect(request.get_full_path())

        return cast(View, answer_rule_errors)
