from django.urls import path

from communitygate.admissions import views

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
    path("<int:application_id>/<str:action>/", views.application_action, name="action"),
    path("rounds/", views.rounds_page, name="rounds"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("rounds/<int:round_id>/<str:action>/", views.round_action, name="round_action"),
]
