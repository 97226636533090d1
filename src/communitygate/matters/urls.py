"""Staff pages of the residents' platform (matters), under /residents/."""

from communitygate.matters.views import glance, matters, receptions

app_name = "matters"
urlpatterns = [
    *glance.urlpatterns,
    *matters.urlpatterns,
    *receptions.urlpatterns,
]
