from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkCalendarConfig(AppConfig):
    name = "communitygate.workcalendar"
    label = "workcalendar"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        from communitygate.core import workdays
        from communitygate.workcalendar.selectors import OFFICE_CALENDAR

        # core.workdays counts; this app knows what the office entered.
        workdays.register_office_calendar(OFFICE_CALENDAR)
