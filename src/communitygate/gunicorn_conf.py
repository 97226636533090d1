"""gunicorn's settings for CommunityGate: `gunicorn -c python:communitygate.gunicorn_conf
communitygate.wsgi` (deploy/systemd/communitygate-web.service; docs/deploy.md).

The point of this file is the logs: gunicorn's access log (one line per request, the query
string, the referrer and the user agent included) and its error log go through the same mask as
every other log (core.logmask, SECURITY check 11b), so a phone or an ID number in a URL never
reaches the log, while task ids, request ids and hashes stay whole. Each access line ends with
the request's id (X-Request-ID, core.middleware), the id its audit events carry.
COMMUNITYGATE_LOG_FORMAT=json writes each line as a JSON object (core.logjson), as the
application's own logs do.

Anything else may be given on the command line or in GUNICORN_CMD_ARGS, which win over these
defaults: --bind, --workers, --timeout.
"""

import os

import django_stubs_ext

# The mask's module reaches core.crypto, whose model fields are generic for mypy: settings.py
# makes that work at run time, and gunicorn's master reads this file before any settings.
django_stubs_ext.monkeypatch()

bind = os.environ.get("COMMUNITYGATE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = 60
# Behind nginx on the same machine: trust its X-Forwarded-For / -Proto (settings.HTTPS).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 25+ opens a control socket at one fixed path per user: two web services on one machine
# (or a test's two servers) would take each other's. Nothing here uses it.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s" rid=%({x-request-id}o)s'

_JSON = os.environ.get("COMMUNITYGATE_LOG_FORMAT", "text").strip().lower() == "json"
_MASKED = ["mask_personal_data"]

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "communitygate.core.logmask.MaskPersonalData"}},
    "formatters": {
        "error": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s"},
        "access": {"format": "%(asctime)s %(message)s"},
        "json": {"()": "communitygate.core.logjson.JsonFormatter"},
    },
    "handlers": {
        "error": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": _MASKED,
            "formatter": "json" if _JSON else "error",
        },
        "access": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": _MASKED,
            "formatter": "json" if _JSON else "access",
        },
    },
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
    },
    "root": {"level": "INFO", "handlers": ["error"]},
}
