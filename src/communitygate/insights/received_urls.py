"""/burden/received/: what communities receive (insights.received_views); insights/urls.py adds
these to its own patterns (namespace `insights`)."""

from django.urls import URLPattern, path

from communitygate.http.routes import one_of
from communitygate.insights import received_views

urlpatterns: list[URLPattern] = [
    path("received/", received_views.received_page, name="received"),
    path("received/departments/", received_views.departments_page, name="received_departments"),
    path("received/ranking/", received_views.ranking_page, name="received_ranking"),
    path("received/tasks/", received_views.tasks_page, name="received_tasks"),
    path(
        f"received/export/{one_of('received_table', received_views.EXPORTS, keyword='table')}.xlsx",
        received_views.export,
        name="received_export",
    ),
]
