"""WSGI entry point (gunicorn communitygate.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "communitygate.settings")
application = get_wsgi_application()

# After setup, before serving: a WSGI server runs no system checks, so a production
# configuration without personal data keys stops here (ImproperlyConfigured naming the variable).
from communitygate.core.crypto import require_personal_data_keys  # noqa: E402

require_personal_data_keys()
