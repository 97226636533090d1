from django.urls import URLPattern

from communitygate.insights import received_urls

app_name = "insights"

urlpatterns: list[URLPattern] = []

urlpatterns += received_urls.urlpatterns  # /burden/received/…: what communities receive
