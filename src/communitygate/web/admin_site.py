"""The Django admin as the committee office's tool: entry by role, not by Django's is_staff flag."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from communitygate.accounts.permissions import can_read_audit_log, can_use_admin_site


class OfficeAdminSite(admin.AdminSite):
    site_header = _("CommunityGate administration")
    site_title = _("CommunityGate")
    index_title = _("Committee office")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not user.is_active:
            return False
        return can_use_admin_site(user) or can_read_audit_log(user)
