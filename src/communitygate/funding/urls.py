from django.urls import URLPattern, path

from communitygate.funding.views import commitments, payments
from communitygate.http.routes import one_of

app_name = "funding"

urlpatterns: list[URLPattern] = [
    # Commitments (views/commitments.py).
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
    # Payments, receipts and balances (views/payments.py).
    path("payments/", payments.payment_list, name="payments"),
    path("payments/export.xlsx", payments.payment_export, name="payment_export"),
    path("payments/new/", payments.payment_new, name="payment_new"),
    path("payments/<int:payment_id>/", payments.payment_detail, name="payment"),
    # Only the workflow's steps: any other answers 404 as an unknown address.
    path(
        f"payments/<int:payment_id>/{one_of('payment_step', payments.STEPS)}/",
        payments.payment_step,
        name="payment_step",
    ),
    path("balances/", payments.balance_list, name="balances"),
    path("balances/export.xlsx", payments.balance_export, name="balance_export"),
]
