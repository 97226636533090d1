from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdmissionsConfig(AppConfig):
    name = "communitygate.admissions"
    label = "admissions"
    verbose_name = _("Admission applications")
