from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "communitygate.insights"
    label = "insights"
    verbose_name = _("Burden dashboard")

    def ready(self) -> None:
        # The roll-ups' marks are written in the transaction of the change (docs/burden.md).
        from communitygate.insights import receivers  # noqa: F401
