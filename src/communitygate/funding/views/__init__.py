"""The money trail's pages under /funding/: commitments (commitments.py), payments, receipts and
balances (payments.py)."""
