"""Pages of the residents' platform, one module per sub-domain; each has `urlpatterns`."""
