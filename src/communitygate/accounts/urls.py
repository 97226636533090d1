from django.urls import path

from communitygate.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.notifications_page, name="notifications"),
    path("<int:notification_id>/read/", views.notification_read, name="notification_read"),
]
