"""The floor for `bench/http_load.py`: a bare Django application with one JSON view, no apps, no
middleware and no database, served by gunicorn with the same settings as CommunityGate.

    gunicorn --pythonpath bench/floor http_floor:application

It is a module of the benchmark only (not in the package, so never deployed): what a request
costs in gunicorn and Django's request/response cycle before any of our work.
"""

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-floor-not-a-secret",  # noqa: S106 (serves one constant JSON answer)
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    USE_TZ=True,
)
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpRequest, JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402


def floor(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True, "items": [{"code": "FLOOR", "name": "地板"}]})


urlpatterns = [path("floor", floor)]
application = get_wsgi_application()
