"""Production settings pass Django's deployment checks, with no warning (SECURITY check 1)."""

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
    }
    env.pop("SECRET_KEY", None)  # the generated per-installation key must itself pass
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


def test_check_deploy_warns_when_personal_data_keys_are_not_set(tmp_path) -> None:
    env = production_environment(tmp_path)
    del env["COMMUNITYGATE_PI_KEY"]
    del env["COMMUNITYGATE_PI_INDEX_KEY"]
    result = check_deploy(env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "communitygate.W001" in output
    assert "COMMUNITYGATE_PI_KEY" in output
    assert "communitygate.W002" in output
    assert "COMMUNITYGATE_PI_INDEX_KEY" in output
