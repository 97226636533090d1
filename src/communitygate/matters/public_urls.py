"""Public pages of the residents' platform (matters), under /public/: no sign-in."""

from communitygate.matters.views import public

app_name = "matters_public"
urlpatterns = [*public.urlpatterns]
