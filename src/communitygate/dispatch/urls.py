from django.urls import path
from django.views.generic import RedirectView

from communitygate.dispatch import views
from communitygate.http.routes import one_of

app_name = "dispatch"

urlpatterns = [
    path("", views.dispatch_home, name="home"),
    path("send/", views.task_new, name="send"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("inbox/", views.inbox_page, name="inbox"),
    path("assignments/<int:assignment_id>/", views.assignment_detail, name="assignment"),
    path(
        "assignments/<int:assignment_id>/deliverable/",
        views.deliverable_download,
        name="deliverable",
    ),
    path(
        f"assignments/<int:assignment_id>/{one_of('assignment_step', views.STEPS)}/",
        views.assignment_action,
        name="assignment_action",
    ),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/<int:report_id>/", views.report_detail, name="report"),
    path(
        "reports/<int:report_id>/evidence/<int:evidence_id>/",
        views.evidence_download,
        name="evidence",
    ),
    path("subdistrict/", views.subdistrict_page, name="subdistrict"),
    # The supervision offices' page moved to the supervision workspace (oversight).
    path(
        "supervision/",
        RedirectView.as_view(pattern_name="oversight:home", permanent=True),
        name="supervision",
    ),
]
