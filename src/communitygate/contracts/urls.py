"""The purchase-of-services pages under /contracts/ (namespace `contracts`)."""

from django.urls import path

from communitygate.contracts import views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="home"),
    path("export.xlsx", views.contract_export, name="export"),
    path("new/", views.contract_new, name="new"),
    path("refused-work/", views.refused_work, name="refused_work"),
    path(
        "refused-work/<int:assignment_id>/redirect/",
        views.redirect_assignment,
        name="redirect",
    ),
    path("<int:contract_id>/", views.contract_detail, name="contract"),
    *[
        path(
            f"<int:contract_id>/{action}/",
            views.contract_step,
            {"action": action},
            name=f"contract_{action}",
        )
        for action in ("sign", "terminate", "accept")
    ],
    path("<int:contract_id>/instalments/", views.instalment_new, name="instalment_new"),
    path(
        "<int:contract_id>/instalments/<int:instalment_id>/confirm/",
        views.instalment_confirm,
        name="instalment_confirm",
    ),
    path(
        "<int:contract_id>/deliverables/<int:deliverable_id>/submit/",
        views.deliverable_hand_in,
        name="deliverable_submit",
    ),
    path(
        "<int:contract_id>/files/<int:file_id>/",
        views.deliverable_file,
        name="deliverable_file",
    ),
]
