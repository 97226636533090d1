"""The residents' API: staff routers (scoped, masked) and the public one (no sign-in)."""

from ninja import Router

from communitygate.residents.api import matters, programmes, public, registry

router = Router()
router.add_router("", registry.router)
router.add_router("", matters.router)
router.add_router("", programmes.router)
router.add_router("", public.router)
