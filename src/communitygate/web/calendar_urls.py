"""The committee office's holiday calendar pages, under /calendar/ (names in the web namespace)."""

from django.urls import path

from communitygate.web import calendar_views

urlpatterns = [
    path("", calendar_views.calendar_overview_page, name="calendar"),
    path("<int:year>/", calendar_views.calendar_year_page, name="calendar_year"),
]
