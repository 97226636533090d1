"""API: matters."""

from ninja import Router

router = Router(tags=["residents"])
