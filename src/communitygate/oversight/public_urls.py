"""The public's supervision pages (no sign-in): published notices under /notices/ (namespace
`notices`) and the departments' scorecard under /scorecard/ (namespace `scorecard`)."""

from django.urls import path

from communitygate.oversight.views import public

notice_urlpatterns = [
    path("", public.notices_public, name="list"),
    path("<str:number>/", public.notice_public, name="notice"),
    path("<str:number>.pdf", public.notice_public_pdf, name="pdf"),
]

scorecard_urlpatterns = [
    path("", public.scorecard_page, name="table"),
    path("export.xlsx", public.scorecard_export, name="export"),
    path("<str:code>/", public.scorecard_department, name="department"),
]
