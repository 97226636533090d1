from django.urls import URLPattern, path

from communitygate.funding.views import commitments

app_name = "funding"

urlpatterns: list[URLPattern] = [
    path("commitments/", commitments.commitment_list, name="commitments"),
    path("commitments/export.xlsx", commitments.commitment_export, name="commitments_export"),
    path("commitments/new/", commitments.commitment_new, name="commitment_new"),
    path("commitments/<int:commitment_id>/", commitments.commitment_detail, name="commitment"),
    path(
        "commitments/<int:commitment_id>/renew/",
        commitments.commitment_renew_page,
        name="commitment_renew",
    ),
    path(
        "commitments/<int:commitment_id>/end/",
        commitments.commitment_end_page,
        name="commitment_end",
    ),
]
