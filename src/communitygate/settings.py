"""One settings module. Every value has a safe default; production differs only by environment.

Environment variables:
  DATABASE_URL   default sqlite:///<repo>/var/communitygate.sqlite3; postgres://user@host/db for PostgreSQL
  SECRET_KEY     default: generated once and kept in var/secret_key (never a literal in the code)
  ALLOWED_HOSTS  comma-separated, default "localhost,127.0.0.1"
  DEBUG          "1"/"true" to turn on; off otherwise
  COMMUNITYGATE_DEMO  "1"/"true": a demo installation (the Shibei demo app and its `seed_demo`
                 command are installed); off otherwise. `./dev start` and the test suite turn it on.
  HTTPS          "1" when served over TLS: secure __Host- cookies, HSTS, SSL redirect
  VAR_DIR        where the SQLite file, the secret key and collected static files live
  CACHE_DIR      the shared cache's directory (default VAR_DIR/cache)
  COMMUNITYGATE_PI_KEY        base64 of 32 random bytes: the key that encrypts ID numbers and phones
  COMMUNITYGATE_PI_KEY_ID     its id, written in every token it seals (default "k1")
  COMMUNITYGATE_PI_OLD_KEYS   keys still readable after a rotation: "k0:<base64>,k00:<base64>"
  COMMUNITYGATE_PI_INDEX_KEY  base64 of 32 random bytes: the key of their blind (search) index
  COMMUNITYGATE_AUDIT_KEY     base64 of 32 random bytes: the HMAC key of the audit chain and
                 its checkpoints; COMMUNITYGATE_AUDIT_KEY_ID (default "a1") and
                 COMMUNITYGATE_AUDIT_OLD_KEYS ("a0:<base64>") as for the PI keys
                 These keys default to keys derived from SECRET_KEY (development, tests, the demo
                 only: rotating SECRET_KEY would then lose the data); with DEBUG off and no demo
                 the server refuses to start without them.
  COMMUNITYGATE_AUDIT_CHECKPOINT_DIR  where the audit chain's signed checkpoints are written
                 (default VAR_DIR/audit-checkpoints): outside the database, ideally another disk
  COMMUNITYGATE_AUDIT_CHECKPOINT_URL  optional: each checkpoint is also POSTed there as JSON
                 (a second system that keeps them)
  COMMUNITYGATE_AUDIT_ARCHIVE_DIR  where `audit_archive` writes the signed segments of the oldest
                 events (default VAR_DIR/audit-archive); keep and back them up like the database
  COMMUNITYGATE_AUDIT_RETENTION_DAYS  events stay in the table at least this long (180, MLPS
                 level 3; a smaller value is refused)
  COMMUNITYGATE_SIGNIN_FAILURE_LIMIT / COMMUNITYGATE_SIGNIN_LOCK_MINUTES  wrong passwords for one
                 account or from one address before sign-in is locked (5), and for how long (30)
  COMMUNITYGATE_SIGNIN_LOCK_BY  "account,address" (default) or "account" (many people behind one
                 address; the demo's default)
  COMMUNITYGATE_IDLE_MINUTES  a page session without a request this long is signed out (30)
  COMMUNITYGATE_REQUIRE_MFA   "1": the office, committee, audit, supervision, community
                 secretaries and administrators sign in with a second factor (TOTP); default on
                 with DEBUG off and no demo
  REDIS_URL      redis://host:6379/0: the cache (throttles, idle timeouts) is shared through Redis
                 by every web server; unset, a file cache under CACHE_DIR (one machine)
  COMMUNITYGATE_TRUSTED_PROXIES  "127.0.0.1,::1" behind nginx on the same machine: requests
                 from these addresses carry the person's address in X-Forwarded-For; default none
  CACHE_KEY_PREFIX  prefixes every cache key (default "communitygate"): installations sharing
                 one Redis database keep apart
  COMMUNITYGATE_LOG_FORMAT  "json": one JSON object per log line (time, level, logger, message,
                 request_id), masked like the text lines; default "text"
  COMMUNITYGATE_HEALTH_QUEUE_WARN_SECONDS  /healthz warns when the oldest task waiting to run
                 has waited longer (default 600: the worker is probably down)
"""

import datetime as dt
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

# Lets admin.ModelAdmin[Model] and similar generics work at run time (for mypy).
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def read_or_create_secret_key(path: Path) -> str:
    """A per-installation key kept in var/, so no secret ever lives in the repository."""
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = os.environ.get("SECRET_KEY") or read_or_create_secret_key(VAR_DIR / "secret_key")
DEBUG = env_flag("DEBUG")
DEMO = env_flag("COMMUNITYGATE_DEMO")
HTTPS = env_flag("HTTPS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
# The reverse proxies (nginx) in front of the web servers: from these, the person's address is
# taken from X-Forwarded-For (core.middleware.ForwardedForMiddleware). Empty: the header is ignored.
TRUSTED_PROXIES = env_list("COMMUNITYGATE_TRUSTED_PROXIES", "")

INSTALLED_APPS = [
    "communitygate.web.admin_config.OfficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",
    "django_tasks_db",
    "communitygate.core",
    "communitygate.http",
    "communitygate.audit",
    "communitygate.orgs",
    "communitygate.accounts",
    "communitygate.workcalendar",
    "communitygate.catalog",
    "communitygate.admissions",
    "communitygate.dispatch",
    "communitygate.registry",
    "communitygate.matters",
    "communitygate.disputes",
    "communitygate.programmes",
    "communitygate.certificates",
    "communitygate.funding",
    "communitygate.contracts",
    "communitygate.oversight",
    "communitygate.auditing",
    "communitygate.insights",
    "communitygate.web",
    "communitygate.workbench",
    "communitygate.scale",
    "communitygate.jobs",
    "communitygate.operations",
    # The Shibei demo (its data and `seed_demo`) only where the demo is wanted.
    *(["communitygate.demo"] if DEMO else []),
]

MIDDLEWARE = [
    # First: the person's address behind nginx (COMMUNITYGATE_TRUSTED_PROXIES).
    "communitygate.core.middleware.ForwardedForMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "communitygate.http.nostore.NoStoreMiddleware",
    "communitygate.api.ApiJsonErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "communitygate.core.middleware.RequestContextMiddleware",
    "communitygate.core.inputs.ControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "communitygate.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "communitygate.accounts.mfa.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "communitygate.http.errors.DomainErrorPagesMiddleware",
    "communitygate.http.idle.IdleTimeoutMiddleware",
    # Last, as django-axes asks: turns a locked sign-in into the locked page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "communitygate.urls"
WSGI_APPLICATION = "communitygate.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "communitygate.web.context_processors.navigation",
            ],
            # Times are labelled with their zone everywhere: {{ moment|beijing }} needs no load.
            "builtins": ["communitygate.web.templatetags.cg_format"],
        },
    },
]


def database_from_environment() -> dict[str, object]:
    default_url = f"sqlite:///{VAR_DIR / 'communitygate.sqlite3'}"
    config: dict[str, object] = dict(
        dj_database_url.parse(os.environ.get("DATABASE_URL", default_url), conn_max_age=0)
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE transactions serialise writers, so check-then-act in a service is safe even
        # though SQLite ignores SELECT ... FOR UPDATE.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        # One file per test run, so that two runs on one machine never share a database.
        config["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    else:
        config["CONN_HEALTH_CHECKS"] = True
        config["CONN_MAX_AGE"] = 60
    return config


DATABASES = {"default": database_from_environment()}

# The cache holds short-lived counters (failed public look-ups, residents.throttling, the public
# rate limits) and idle timeouts (http.idle) that every server process must share: files under
# VAR_DIR (CACHE_DIR) on one machine, no extra server, where core.cache.SharedFileCache makes
# add/incr atomic across processes (a file lock); with REDIS_URL, Redis, shared by several web
# servers.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "communitygate.core.cache.SharedFileCache",
        "LOCATION": os.environ.get("CACHE_DIR") or str(VAR_DIR / "cache"),
    },
    # Answers built from rows that never change (a published edition's catalog pages): this
    # process's memory, bounded, and apart from the shared counters above, so that a flood of
    # different pages can never evict a look-up throttle's count.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "communitygate-pages",
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}
if REDIS_URL:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "communitygate"),
        # A Redis that does not answer fails the request (and /healthz) in seconds, not minutes.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# What anyone may do without signing in, limited per source address AND per phone
# (http.ratelimits, django-ratelimit counting in the cache above): "count/period", the period
# in s, m, h or d with an optional multiplier ("5/10m": five in ten minutes). Failed tracking
# look-ups have their own limit (matters.throttling: 10 failures per address in 10 minutes).
PUBLIC_RATE_LIMITS = {
    "filing": os.environ.get("COMMUNITYGATE_FILING_RATE", "5/10m"),
    "signup": os.environ.get("COMMUNITYGATE_SIGNUP_RATE", "5/10m"),
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench:home"  # 工作台: what waits for the person
LOGOUT_REDIRECT_URL = "web:home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"  # uploaded files; served only through access-checked views
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Security headers. Everything the pages need ships with the app: no CDN, no web fonts.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 60 * 60  # the absolute limit of a session
# Signed out after this many minutes without a request (http.idle), besides the absolute limit.
IDLE_TIMEOUT_MINUTES = int(os.environ.get("COMMUNITYGATE_IDLE_MINUTES", "30"))

# Sign-in protection (accounts.signin, django-axes): after AXES_FAILURE_LIMIT wrong passwords for
# one account or from one address, sign-in is refused for AXES_COOLOFF_TIME; the office can
# lift a lock. Attempts are counted in the database, shared by every process and node.
AXES_FAILURE_LIMIT = int(os.environ.get("COMMUNITYGATE_SIGNIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(
    minutes=int(os.environ.get("COMMUNITYGATE_SIGNIN_LOCK_MINUTES", "30"))
)
# "account,address": lock an account, and an address trying many accounts. Where many people
# share one address (a NAT or proxy in front of the server, or the demo on one machine), one
# person's mistakes would lock out everyone behind it: set "account" there.
SIGNIN_LOCK_BY = os.environ.get(
    "COMMUNITYGATE_SIGNIN_LOCK_BY", "account" if DEMO else "account,address"
)
AXES_LOCKOUT_PARAMETERS = [
    {"account": "username", "address": "ip_address"}[part.strip()]
    for part in SIGNIN_LOCK_BY.split(",")
]
AXES_RESET_ON_SUCCESS = True
# Slowed before the lock (accounts.signin.signin_wait_seconds, on axes's own records): from the
# SIGNIN_SLOW_AFTER-th failure the next attempt waits BASE × 2^(failures − AFTER) seconds after
# the last failure (2, 4, 8 … at most MAX); an attempt during the wait is refused, not counted.
SIGNIN_SLOW_AFTER = int(os.environ.get("COMMUNITYGATE_SIGNIN_SLOW_AFTER", "2"))
SIGNIN_SLOW_BASE_SECONDS = int(os.environ.get("COMMUNITYGATE_SIGNIN_SLOW_SECONDS", "2"))
SIGNIN_SLOW_MAX_SECONDS = 60
AXES_DISABLE_ACCESS_LOG = True  # the audit log records every sign-in and sign-out
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False
# Two-factor sign-in (accounts.mfa, django-otp TOTP + recovery codes) for the roles that see
# personal information or decide. On by default in production (DEBUG off, not the demo).
REQUIRE_MFA = env_flag("COMMUNITYGATE_REQUIRE_MFA", default=not DEBUG and not DEMO)
OTP_TOTP_ISSUER = "CommunityGate"  # the office's own page lists and lifts locks (accounts.signin)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    # The load balancer asks the web servers directly, over plain HTTP (http.health).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Background tasks: Django's tasks framework with a database-backed queue (django-tasks-db), so
# the embedded default needs no extra server; `communitygate db_worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Product rules that a district may tune.
COMMUNITYGATE: dict[str, Any] = {
    # A demo installation (env COMMUNITYGATE_DEMO): the demo app is installed, `seed_demo` runs.
    "DEMO": DEMO,
    "DISTRICT_NAME": _("Shibei District"),
    "CATALOG_PAGE_SIZE": 50,
    "API_MAX_LIMIT": 500,
    "IMPORT_MAX_ROWS": 5000,
    "IMPORT_MAX_BYTES": 5 * 1024 * 1024,
    # SPEC §4: an application may go to the committee when approvals ÷ consulted bodies ≥ this.
    "CONSULTATION_PASS_THRESHOLD": "0.60",
    # Issue 15: the committee decides at a meeting with more than this share of its members
    # present (a quorum; never fewer than two people); a decision passes with the votes of a
    # majority of the members present (admissions.committee).
    "COMMITTEE_QUORUM_MORE_THAN": "1/2",
    # The burden forecast (负担预估): a community's capacity is its staff × working hours a year.
    # Staff: the article's residents' committees had 5–6 staff each (SPEC §1, §6); the default
    # is the lower figure, 5, used when a community's record gives none (Organisation.staff_count).
    "COMMUNITY_STAFF_DEFAULT": 5,
    # Working hours a year of one staff member: 248 working days (365 − 104 rest days − 13
    # statutory holidays since 2025, DOMAIN.md §3.1–3.2; the method of 劳社部发〔2008〕3号, which
    # gave 250 with 11 holidays) × 8 hours a day (Labour Law art. 36) = 1,984.
    "STAFF_HOURS_PER_YEAR": 1984,
    "ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
    # Days a claimed one-time form token is kept (http.formtokens): a form resent within them
    # answers its first redirect; `purge_form_submissions` (daily) deletes older claims.
    "FORM_TOKEN_RETENTION_DAYS": 7,
    # The class that encrypts personal information (core.crypto); an SM4 one may replace it.
    "PI_CIPHER": "communitygate.core.crypto.AesGcmCipher",
    # District-wide notices are numbered <prefix>〔<year>〕<n>号 (市北督通〔2026〕3号).
    "NOTICE_NUMBER_PREFIX": os.environ.get("COMMUNITYGATE_NOTICE_PREFIX", "市北督通"),
    # A correction order's deadline, in working days after the notice is published (default).
    "CORRECTION_WORKDAYS": 10,
    # A community's share of a delegated item's funding is overdue this many working days after
    # its period ends unpaid (funding_overdue, daily): a `payment_overdue` violation.
    "FUNDING_OVERDUE_WORKDAYS": 20,
    # A running residents' import that shows no sign of life (heartbeat) for this long is
    # failed by the scheduler's sweep and its file may be imported again (jobs, registry).
    "JOB_LEASE_SECONDS": int(os.environ.get("COMMUNITYGATE_JOB_LEASE_SECONDS", "300")),
    # Any other background task left "running" this long: its worker is taken for dead.
    "TASK_LEASE_SECONDS": int(os.environ.get("COMMUNITYGATE_TASK_LEASE_SECONDS", "3600")),
}

# Personal information keys (core.crypto). Empty: derived from SECRET_KEY, for development only.
PI_ENCRYPTION_KEY = os.environ.get("COMMUNITYGATE_PI_KEY", "")
PI_KEY_ID = os.environ.get("COMMUNITYGATE_PI_KEY_ID", "k1")
PI_OLD_KEYS = os.environ.get("COMMUNITYGATE_PI_OLD_KEYS", "")
PI_INDEX_KEY = os.environ.get("COMMUNITYGATE_PI_INDEX_KEY", "")

# The audit chain (audit.chain): its HMAC key (core.crypto.audit_chain_keyring) and where its
# checkpoints are kept outside the database.
AUDIT_CHAIN_KEY = os.environ.get("COMMUNITYGATE_AUDIT_KEY", "")
AUDIT_CHAIN_KEY_ID = os.environ.get("COMMUNITYGATE_AUDIT_KEY_ID", "a1")
AUDIT_CHAIN_OLD_KEYS = os.environ.get("COMMUNITYGATE_AUDIT_OLD_KEYS", "")
AUDIT_CHECKPOINT_DIR = Path(
    os.environ.get("COMMUNITYGATE_AUDIT_CHECKPOINT_DIR") or VAR_DIR / "audit-checkpoints"
)
AUDIT_CHECKPOINT_URL = os.environ.get("COMMUNITYGATE_AUDIT_CHECKPOINT_URL", "")
AUDIT_ARCHIVE_DIR = Path(
    os.environ.get("COMMUNITYGATE_AUDIT_ARCHIVE_DIR") or VAR_DIR / "audit-archive"
)
AUDIT_RETENTION_DAYS = int(os.environ.get("COMMUNITYGATE_AUDIT_RETENTION_DAYS", "180"))

# COMMUNITYGATE_LOG_FORMAT=json: one JSON object per line for a log shipper (core.logjson).
LOG_FORMAT = os.environ.get("COMMUNITYGATE_LOG_FORMAT", "text").strip().lower()
HEALTH_QUEUE_WARN_SECONDS = int(os.environ.get("COMMUNITYGATE_HEALTH_QUEUE_WARN_SECONDS", "600"))

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every handler masks ID numbers and mobiles before writing (SECURITY check 11), the
    # development server's access log ("django.server") included: Django's own default handlers
    # for it and for "django" would write unmasked, so they are replaced here.
    "filters": {"mask_personal_data": {"()": "communitygate.core.logmask.MaskPersonalData"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_personal_data"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_personal_data"],
        },
    },
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
if LOG_FORMAT == "json":
    LOGGING["formatters"]["json"] = {"()": "communitygate.core.logjson.JsonFormatter"}
    for _handler in LOGGING["handlers"].values():
        _handler["formatter"] = "json"

# Rights come from memberships only: PasswordOnlyBackend checks passwords and grants no Django
# permissions; OfficeRoleBackend derives the admin's model permissions from roles.
AUTHENTICATION_BACKENDS = [
    # First: refuses any sign-in while the account or the address is locked (accounts.signin).
    "axes.backends.AxesStandaloneBackend",
    "communitygate.accounts.backends.PasswordOnlyBackend",
    "communitygate.accounts.backends.OfficeRoleBackend",
]
