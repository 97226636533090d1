"""Staff pages of certificates, under /residents/."""

from communitygate.certificates import views

app_name = "certificates"
urlpatterns = [*views.urlpatterns]
