"""Staff pages of the residents' platform (registry), under /residents/."""

from communitygate.registry.views import importing, registry

app_name = "registry"
urlpatterns = [
    *registry.urlpatterns,
    *importing.urlpatterns,
]
