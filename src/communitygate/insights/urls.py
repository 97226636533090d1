"""The burden dashboard (减负看板), mounted at /burden/."""

from django.urls import URLPattern, path

from communitygate.insights import received_urls
from communitygate.insights.views import before_after as views

app_name = "insights"

urlpatterns: list[URLPattern] = [
    path("", views.dashboard, name="dashboard"),
    path("public/", views.public, name="public"),
    path("public/before-after.xlsx", views.export_xlsx, name="before_after_xlsx"),
    path("public/before-after.pdf", views.export_pdf, name="before_after_pdf"),
]
urlpatterns += received_urls.urlpatterns  # /burden/received/…: what communities receive
