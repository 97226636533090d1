"""The money trail's page forms, one module per part (payments.py: payments, receipts and
balances)."""
