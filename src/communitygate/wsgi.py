"""WSGI entry point (gunicorn communitygate.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "communitygate.settings")
application = get_wsgi_application()
