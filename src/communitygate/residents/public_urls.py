"""Public pages of the residents' platform, under /public/: no sign-in."""

from communitygate.residents.views import programmes, public

app_name = "residents_public"
urlpatterns = [*public.urlpatterns, *programmes.public_urlpatterns]
