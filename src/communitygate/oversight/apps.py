from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "communitygate.oversight"
    label = "oversight"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        # Violations are written in the transaction of their cause (dispatch's signals).
        from communitygate.oversight import receivers  # noqa: F401
