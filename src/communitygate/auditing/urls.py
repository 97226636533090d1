"""The auditor's workspace under /audit/ (namespace `auditing`), beside the audit log's own
/audit/ and /audit/verify/ (web.auditlog)."""

from django.urls import path

from communitygate.auditing import views

app_name = "auditing"

urlpatterns = [
    path("workspace/", views.workspace, name="workspace"),
    path("anomalies/", views.anomaly_list, name="anomalies"),
    path("anomalies/export/", views.anomaly_export, name="anomalies_export"),
]
