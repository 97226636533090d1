from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "communitygate.programmes"
    label = "programmes"
    verbose_name = _("Activities and programmes (活动与课程)")
