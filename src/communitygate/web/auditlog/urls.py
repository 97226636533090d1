"""The audit bureau's audit log under /audit/ (namespace `audit`)."""

from django.urls import path

from communitygate.web.auditlog import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="events"),
    path("verify/", views.chain_verify, name="verify"),
]
