"""Production settings pass Django's deployment checks, with no warning (SECURITY check 1), and
production without personal data keys is an error: the check reports it and the WSGI
application does not start (SECURITY check 11)."""

import base64
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from communitygate.core.crypto import PRODUCTION_KEYS


def production_environment(tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "HTTPS": "1",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "gate.example.gov.cn",
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        # Personal data keys of their own, so rotating SECRET_KEY loses nothing (SECURITY 11).
        "COMMUNITYGATE_PI_KEY": base64.b64encode(os.urandom(32)).decode(),
        "COMMUNITYGATE_PI_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(),
        # The audit chain's HMAC key, outside the database (SECURITY, the audit log).
        "COMMUNITYGATE_AUDIT_KEY": base64.b64encode(os.urandom(32)).decode(),
    }
    env.pop("SECRET_KEY", None)  # the generated per-installation key must itself pass
    env.pop("COMMUNITYGATE_DEMO", None)  # production is not the demo
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests; never in production
    env.pop("COMMUNITYGATE_DEMO", None)  # set for the test suite (communitygate.pytest_demo)
    return env


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "communitygate", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_production_environment(tmp_path) -> None:
    result = check_deploy(production_environment(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0, "the key file is private"


def test_check_deploy_fails_when_personal_data_keys_are_not_set(tmp_path) -> None:
    env = production_environment(tmp_path)
    del env["COMMUNITYGATE_PI_KEY"]
    del env["COMMUNITYGATE_PI_INDEX_KEY"]
    del env["COMMUNITYGATE_AUDIT_KEY"]
    result = check_deploy(env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "ERRORS" in output
    assert "communitygate.E002" in output
    assert "COMMUNITYGATE_PI_KEY" in output
    assert "communitygate.E003" in output
    assert "COMMUNITYGATE_PI_INDEX_KEY" in output
    assert "communitygate.E005" in output
    assert "COMMUNITYGATE_AUDIT_KEY" in output


def load_wsgi_application(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """What gunicorn does first: import communitygate.wsgi (it runs no system checks)."""
    return subprocess.run(
        [sys.executable, "-c", "import communitygate.wsgi"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_without_the_encryption_key_does_not_start(tmp_path) -> None:
    env = production_environment(tmp_path)
    del env["COMMUNITYGATE_PI_KEY"]
    result = load_wsgi_application(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "COMMUNITYGATE_PI_KEY is not set" in result.stderr
    assert "未设置密钥" in result.stderr


def test_production_with_its_keys_starts(tmp_path) -> None:
    result = load_wsgi_application(production_environment(tmp_path))
    assert result.returncode == 0, result.stderr


def test_the_demo_starts_without_keys(tmp_path) -> None:
    env = production_environment(tmp_path)
    del env["COMMUNITYGATE_PI_KEY"]
    del env["COMMUNITYGATE_PI_INDEX_KEY"]
    result = load_wsgi_application({**env, "COMMUNITYGATE_DEMO": "1"})
    assert result.returncode == 0, result.stderr


DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
ENV_EXAMPLE = DEPLOY / "communitygate.env.example"


def env_example_settings() -> dict[str, str]:
    """deploy/communitygate.env.example as systemd's EnvironmentFile reads it."""
    settings: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            settings[name.strip()] = value.strip()
    return settings


def filled_in(settings: dict[str, str]) -> dict[str, str]:
    """Each <generate: …> replaced as its comment says: a secret key, or 32 random bytes."""
    filled = dict(settings)
    for name, value in settings.items():
        if value.startswith("<generate"):
            filled[name] = (
                secrets.token_urlsafe(50)
                if name == "SECRET_KEY"
                else base64.b64encode(os.urandom(32)).decode()
            )
    filled["DATABASE_URL"] = settings["DATABASE_URL"].replace("<database password>", "secret")
    return filled


def test_check_deploy_is_clean_with_exactly_the_env_example(tmp_path) -> None:
    """The production configuration docs/deploy.md installs: every setting of the example, its
    keys generated; only the directories are moved into the test's own (the check touches no
    database, Redis or TLS)."""
    example = filled_in(env_example_settings())
    assert not [value for value in example.values() if "<" in value], "a placeholder is left"
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("COMMUNITYGATE_", "DJANGO_"))
        and name not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "HTTPS"}
    }
    env.update(example)
    env["VAR_DIR"] = str(tmp_path)
    env["COMMUNITYGATE_AUDIT_CHECKPOINT_DIR"] = str(tmp_path / "audit-checkpoints")
    result = check_deploy(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    # The settings really are the example's: production, PostgreSQL, Redis, MFA, JSON logs.
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DEBUG, s.HTTPS, s.DEMO, s.REQUIRE_MFA, s.DATABASES['default']['ENGINE'], "
            "s.CACHES['default']['BACKEND'], s.LOG_FORMAT, s.TRUSTED_PROXIES)",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "communitygate.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert shown.stdout.split() == [
        "False",
        "True",
        "False",
        "True",
        "django.db.backends.postgresql",
        "django.core.cache.backends.redis.RedisCache",
        "json",
        "['127.0.0.1',",
        "'::1']",
    ]
    # Over plain HTTP every page redirects to HTTPS, except the load balancer's probe.
    probed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.test import Client; "
            "c = Client(HTTP_HOST='gate.example.gov.cn'); "
            "print(c.get('/').status_code, c.get('/healthz').status_code)",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "communitygate.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    home, health = probed.stdout.split()[-2:]
    assert home == "301"
    assert health in {"200", "503"}  # answered, not redirected (503 where its database is absent)


def test_the_env_example_names_every_production_setting() -> None:
    """Every environment variable settings.py reads (its docstring lists them) is in the
    example, so an operator sets none by guesswork; and every key the server refuses to start
    without is there to fill in."""
    named = set(env_example_settings())
    settings_source = (
        Path(__file__).resolve().parent.parent / "src/communitygate/settings.py"
    ).read_text()
    read = set(re.findall(r'os\.environ\.get\(\s*"([A-Z_]+)"', settings_source))
    read |= set(re.findall(r'env_(?:flag|list)\(\s*"([A-Z_]+)"', settings_source))
    development_only = {"CACHE_DIR", "COMMUNITYGATE_DEMO"}
    assert read - development_only - named == set()
    for _, env_var, _ in PRODUCTION_KEYS:
        assert env_example_settings()[env_var].startswith("<generate")


def test_the_units_run_what_the_project_installs() -> None:
    """The systemd units start the console commands and modules this project provides."""
    web = (DEPLOY / "systemd/communitygate-web.service").read_text()
    worker = (DEPLOY / "systemd/communitygate-worker.service").read_text()
    assert "gunicorn -c python:communitygate.gunicorn_conf communitygate.wsgi" in web
    assert "communitygate db_worker" in worker
    for unit in (web, worker):
        assert "EnvironmentFile=/etc/communitygate/communitygate.env" in unit
        assert f"ReadWritePaths={env_example_settings()['VAR_DIR']}" in unit
    result = subprocess.run(
        [sys.executable, "-m", "communitygate", "help", "db_worker"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
