"""What every page's navigation needs to know about the person looking at it."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from communitygate.accounts.permissions import can_read_audit_log, can_use_admin_site
from communitygate.accounts.selectors import unread_notification_count, user_grants
from communitygate.auditing.permissions import can_read_anomalies
from communitygate.catalog.permissions import can_manage_catalog
from communitygate.contracts.permissions import reaches_contract_pages
from communitygate.funding.permissions import reaches_money_pages
from communitygate.oversight.permissions import reaches_supervision_pages
from communitygate.registry.permissions import can_read_rates
from communitygate.workcalendar.selectors import calendar_warning


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {
        "nav_grants": user_grants(user),
        "nav_can_manage_catalog": can_manage_catalog(user),
        # 督查: the supervision offices, the office and audit (reading), departments (their own).
        "nav_supervision": reaches_supervision_pages(user),
        # 民情零距离: whoever sees residents' data (community, subdistrict) or their figures
        # (office, supervision, audit); the roles are read from the grants already loaded.
        "nav_residents": can_read_rates(user),
        "nav_contracts": reaches_contract_pages(user),  # 购买服务
        "nav_can_use_admin": can_use_admin_site(user) or can_read_audit_log(user),
        # 审计日志: the audit bureau alone (separation of duties).
        "nav_audit_log": can_read_audit_log(user),
        # 审计工作台: the audit bureau (auditing.permissions).
        "nav_auditing": can_read_anomalies(user),
        "nav_calendar_warning": calendar_warning(user),
        "nav_unread_notifications": SimpleLazyObject(lambda: unread_notification_count(user)),
        # 经费: whoever sees payments (office, supervision, audit, payers, payees).
        "nav_funding": reaches_money_pages(user),
    }
