"""The committee office's holiday calendar pages, under /calendar/."""

from django.urls import path

from communitygate.workcalendar import views

app_name = "workcalendar"

urlpatterns = [
    path("", views.calendar_overview_page, name="overview"),
    path("<int:year>/", views.calendar_year_page, name="year"),
]
