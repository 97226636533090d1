from django.urls import path

from communitygate.admissions import views
from communitygate.http.routes import one_of

app_name = "admissions"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.application_new, name="new"),
    path("<int:application_id>/", views.application_detail, name="detail"),
    path("<int:application_id>/edit/", views.application_edit, name="edit"),
    path("<int:application_id>/form.pdf", views.application_pdf, name="pdf"),
    path("<int:application_id>/attachments/", views.attachment_upload, name="attach"),
    path(
        "<int:application_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "<int:application_id>/attachments/<int:attachment_id>/withdraw/",
        views.attachment_remove,
        name="detach",
    ),
    path(
        f"<int:application_id>/{one_of('application_step', views.APPLICATION_STEPS)}/",
        views.application_action,
        name="action",
    ),
    path("rounds/", views.rounds_page, name="rounds"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path(
        f"rounds/<int:round_id>/{one_of('round_step', views.ROUND_STEPS)}/",
        views.round_action,
        name="round_action",
    ),
]
