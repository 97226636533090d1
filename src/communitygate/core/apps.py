from django.apps import AppConfig
from django.core.checks import Tags, register
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "communitygate.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from communitygate.core.crypto import check_personal_data_keys

        register(check_personal_data_keys, Tags.security, deploy=True)
