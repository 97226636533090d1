from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "communitygate.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from communitygate.audit.recorder import record_denial
        from communitygate.core.denials import access_denied

        access_denied.connect(record_denial, dispatch_uid="cg-access-denied")
