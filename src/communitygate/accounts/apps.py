from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "communitygate.accounts"
    label = "accounts"
    verbose_name = _("People and roles")

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from communitygate.accounts import signin

        user_logged_in.connect(signin.record_signed_in, dispatch_uid="cg-signed-in")
        user_logged_out.connect(signin.record_signed_out, dispatch_uid="cg-signed-out")
        user_login_failed.connect(signin.record_failed, dispatch_uid="cg-sign-in-failed")
        user_locked_out.connect(signin.record_locked_out, dispatch_uid="cg-locked-out")
