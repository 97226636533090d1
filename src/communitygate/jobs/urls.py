from django.urls import path

from communitygate.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.schedule_page, name="schedule"),
]
