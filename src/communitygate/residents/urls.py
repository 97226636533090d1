"""Staff pages of the residents' platform, under /residents/."""

from communitygate.residents.views import disputes, glance, importing, matters, programmes, registry

app_name = "residents"
urlpatterns = [
    *glance.urlpatterns,
    *registry.urlpatterns,
    *importing.urlpatterns,
    *matters.urlpatterns,
    *disputes.urlpatterns,
    *programmes.urlpatterns,
]
