"""The supervision pages under /supervision/ (namespace `oversight`)."""

from django.urls import path

from communitygate.oversight.views import inspections, notices, violations

app_name = "oversight"

urlpatterns = [
    path("", violations.workspace, name="home"),
    # Violations
    path("violations/", violations.violation_list, name="violations"),
    path("violations/<int:violation_id>/", violations.violation_detail, name="violation"),
    path(
        "violations/<int:violation_id>/confirm/",
        violations.violation_confirm_page,
        name="violation_confirm",
    ),
    path(
        "violations/<int:violation_id>/dismiss/",
        violations.violation_dismiss_page,
        name="violation_dismiss",
    ),
    # Inspections
    path("inspections/", inspections.inspection_list, name="inspections"),
    path("inspections/new/", inspections.inspection_new, name="inspection_new"),
    path("inspections/<int:inspection_id>/", inspections.inspection_detail, name="inspection"),
    path(
        "inspections/<int:inspection_id>/findings/",
        inspections.finding_new,
        name="finding_new",
    ),
    path(
        "inspections/<int:inspection_id>/files/<int:file_id>/",
        inspections.finding_file,
        name="finding_file",
    ),
    path(
        "inspections/<int:inspection_id>/complete/",
        inspections.inspection_step,
        {"action": "complete"},
        name="inspection_complete",
    ),
    path(
        "inspections/<int:inspection_id>/cancel/",
        inspections.inspection_step,
        {"action": "cancel"},
        name="inspection_cancel",
    ),
    # A community's wall
    path("communities/<str:code>/wall/", inspections.wall_page, name="wall"),
    path("communities/<str:code>/wall/add/", inspections.wall_add, name="wall_add"),
    path(
        "communities/<str:code>/wall/<int:record_id>/remove/",
        inspections.wall_remove,
        name="wall_remove",
    ),
    # Notices
    path("notices/", notices.notice_list, name="notices"),
    path("notices/new/", notices.notice_new, name="notice_new"),
    path("notices/<int:notice_id>/", notices.notice_detail, name="notice"),
    *[
        path(
            f"notices/<int:notice_id>/{action}/",
            notices.notice_step,
            {"action": action},
            name=f"notice_{action}",
        )
        for action in ("approve", "return", "publish", "withdraw")
    ],
    # Correction orders
    path("orders/", notices.order_list, name="orders"),
    path("orders/<int:order_id>/", notices.order_detail, name="order"),
    path("orders/<int:order_id>/respond/", notices.order_respond_page, name="order_respond"),
    path(
        "orders/<int:order_id>/accept/",
        notices.order_step,
        {"action": "accept"},
        name="order_accept",
    ),
    path(
        "orders/<int:order_id>/return/",
        notices.order_step,
        {"action": "return"},
        name="order_return",
    ),
    path(
        "orders/<int:order_id>/evidence/<int:file_id>/",
        notices.order_evidence,
        name="order_evidence",
    ),
]
