"""The URL map: public pages, sign-in, the office's pages, the admin and the API."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.i18n import set_language

from communitygate.accounts import views as accounts_views
from communitygate.api import api, api_not_found
from communitygate.http import errors, health
from communitygate.oversight import public_urls as supervision_public

urlpatterns = [
    path("", include("communitygate.web.urls")),
    path("workbench/", include("communitygate.workbench.urls")),
    path("calendar/", include("communitygate.workcalendar.urls")),
    path("catalog/", include("communitygate.catalog.urls")),
    path("admissions/", include("communitygate.admissions.urls")),
    path("decisions/", include("communitygate.admissions.public_urls")),
    path("dispatch/", include("communitygate.dispatch.urls")),
    path("supervision/", include("communitygate.oversight.urls")),
    path("notices/", include((supervision_public.notice_urlpatterns, "notices"))),
    path("scorecard/", include((supervision_public.scorecard_urlpatterns, "scorecard"))),
    path("notifications/", include("communitygate.accounts.urls")),
    path("residents/", include("communitygate.matters.urls")),
    path("residents/", include("communitygate.registry.urls")),
    path("residents/", include("communitygate.disputes.urls")),
    path("residents/", include("communitygate.programmes.urls")),
    path("residents/", include("communitygate.certificates.urls")),
    path("public/", include("communitygate.matters.public_urls")),
    path("public/", include("communitygate.programmes.public_urls")),
    path("open311/v2/", include("communitygate.matters.open311")),
    path("audit/", include("communitygate.web.auditlog.urls")),
    path("audit/", include("communitygate.auditing.urls")),
    path("funding/", include("communitygate.funding.urls")),
    path("contracts/", include("communitygate.contracts.urls")),
    path("burden/", include("communitygate.insights.urls")),
    path("scheduled-jobs/", include("communitygate.jobs.urls")),
    path("accounts/login/", accounts_views.SignInView.as_view(), name="login"),
    path("accounts/mfa/", accounts_views.mfa_verify_page, name="mfa_verify"),
    path("accounts/mfa/setup/", accounts_views.mfa_setup_page, name="mfa_setup"),
    path("accounts/lockouts/", accounts_views.lockouts_page, name="lockouts"),
    path("accounts/lockouts/release/", accounts_views.lockout_release_view, name="lockout_release"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", health.healthz, name="healthz"),  # the load balancer's probe (http.health)
]


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    """JSON for API paths (the API's one error shape), the site's error page elsewhere."""
    if errors.is_api_path(request.path):
        return api_not_found(request, exception)
    return errors.page_not_found(request, exception)


handler403 = errors.permission_denied
handler400 = errors.bad_request
handler500 = errors.server_error
