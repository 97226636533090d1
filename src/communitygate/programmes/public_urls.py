"""Public pages of the residents' platform (programmes), under /public/: no sign-in."""

from communitygate.programmes.views import programmes

app_name = "programmes_public"
urlpatterns = [*programmes.public_urlpatterns]
