from django.urls import URLPattern

app_name = "auditing"

urlpatterns: list[URLPattern] = []
