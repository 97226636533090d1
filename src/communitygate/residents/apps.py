from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "communitygate.residents"
    label = "residents"
    verbose_name = _("Residents (民情零距离)")

    def ready(self) -> None:
        from communitygate.residents.builtins import builtins_ensure

        post_migrate.connect(builtins_ensure, sender=self)
