"""Installs the committee office's admin site as Django's default admin site."""

from django.contrib.admin.apps import AdminConfig


class OfficeAdminConfig(AdminConfig):
    default_site = "communitygate.web.admin_site.OfficeAdminSite"
