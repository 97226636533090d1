from django.urls import URLPattern, path

from communitygate.funding.views import payments
from communitygate.http.routes import one_of

app_name = "funding"

urlpatterns: list[URLPattern] = []

# Payments, receipts and balances (views/payments.py).
urlpatterns += [
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
