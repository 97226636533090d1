from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MattersConfig(AppConfig):
    name = "communitygate.matters"
    label = "matters"
    verbose_name = _("Residents' matters (民情诉求)")

    def ready(self) -> None:
        from communitygate.matters.builtins import builtins_ensure
        from communitygate.matters.receivers import recount_answer_by_on_year_entered
        from communitygate.workcalendar.signals import calendar_year_entered

        post_migrate.connect(builtins_ensure, sender=self)
        calendar_year_entered.connect(
            recount_answer_by_on_year_entered, dispatch_uid="matters.recount_answer_by"
        )
