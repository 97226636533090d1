"""Staff pages of the residents' platform (programmes), under /residents/."""

from communitygate.programmes.views import programmes

app_name = "programmes"
urlpatterns = [
    *programmes.urlpatterns,
]
