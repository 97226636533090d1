"""The committee office's holiday calendar pages, under /calendar/."""

from django.urls import path

from communitygate.workcalendar import views

app_name = "workcalendar"

urlpatterns = [
    path("", views.calendar_overview_page, name="overview"),
    path("<int:year>/", views.calendar_year_page, name="year"),
    path("<int:year>/day/", views.calendar_day_change, name="day"),
    path("<int:year>/import/", views.calendar_year_import_page, name="year_import"),
]
