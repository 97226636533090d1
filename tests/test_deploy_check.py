"""Production settings pass Django's deployment checks, with no warning (SECURITY check 1), and
production without personal data keys is an error: the check reports it and the WSGI
application does not start (SECURITY check 11)."""

import base64
import os
import subprocess
import sys
from pathlib import Path


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
