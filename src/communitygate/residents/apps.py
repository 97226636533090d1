from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "communitygate.residents"
    label = "residents"
    verbose_name = _("Residents (民情零距离)")

    def ready(self) -> None:
        from communitygate.residents.builtins import builtins_ensure
        from communitygate.residents.receivers import recount_answer_by_on_year_entered
        from communitygate.workcalendar.signals import calendar_year_entered

        post_migrate.connect(builtins_ensure, sender=self)
        calendar_year_entered.connect(
            recount_answer_by_on_year_entered, dispatch_uid="residents.recount_answer_by"
        )
