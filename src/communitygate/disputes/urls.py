"""Staff pages of the residents' platform (disputes), under /residents/."""

from communitygate.disputes.views import disputes

app_name = "disputes"
urlpatterns = [
    *disputes.urlpatterns,
]
