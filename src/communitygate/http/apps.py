from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HttpConfig(AppConfig):
    name = "communitygate.http"
    label = "http"
    verbose_name = _("Request handling")
