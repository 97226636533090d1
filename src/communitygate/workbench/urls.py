from django.urls import path

from communitygate.workbench import views

app_name = "workbench"

urlpatterns = [
    path("", views.workbench_page, name="home"),
]
