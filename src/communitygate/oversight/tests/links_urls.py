"""The project's URLs plus the three names supervision's notifications link to, for the tests
only and only while the supervision pages are not part of the project (conftest.py). Each
answers 404: the tests read the links, they do not follow them."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path

from communitygate.urls import urlpatterns as project_urlpatterns


def not_built_yet(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


supervision = (
    [
        path("violations/<int:violation_id>/", not_built_yet, name="violation"),
        path("orders/<int:order_id>/", not_built_yet, name="order"),
    ],
    "oversight",
)
notices = ([path("<str:number>/", not_built_yet, name="notice")], "notices")

urlpatterns = [
    *project_urlpatterns,
    path("supervision/", include(supervision)),
    path("notices/", include(notices)),
]
