from django.urls import include, path

from communitygate.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("calendar/", include("communitygate.web.calendar_urls")),
]
