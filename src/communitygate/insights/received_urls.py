"""/burden/received/: what communities receive (insights.received_views), and its public
version /burden/public/received/; insights/urls.py adds these to its own patterns (namespace
`insights`)."""

from django.urls import URLPattern, path

from communitygate.http.routes import one_of
from communitygate.insights import received_views

urlpatterns: list[URLPattern] = [
    path("received/", received_views.received_page, name="received"),
    path("received/departments/", received_views.departments_page, name="received_departments"),
    path("received/ranking/", received_views.ranking_page, name="received_ranking"),
    path("received/tasks/", received_views.tasks_page, name="received_tasks"),
    path(
        f"received/export/{one_of('received_table', received_views.SHEETS, keyword='table')}"
        f".{one_of('received_format', received_views.FORMATS, keyword='fmt')}",
        received_views.export,
        name="received_export",
    ),
    # The public version: aggregates only, for anyone (received_views.public_page).
    path("public/received/", received_views.public_page, name="public_received"),
    path(
        "public/received/export/"
        f"{one_of('public_received_table', received_views.PUBLIC_SHEETS, keyword='table')}"
        f".{one_of('received_format', received_views.FORMATS, keyword='fmt')}",
        received_views.public_export,
        name="public_received_export",
    ),
]
