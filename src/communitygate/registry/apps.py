from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "communitygate.registry"
    label = "registry"
    verbose_name = _("Residents' registry (居民档案)")
