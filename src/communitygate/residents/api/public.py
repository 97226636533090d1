"""API: public."""

from ninja import Router

router = Router(tags=["residents"], auth=None)
