"""Production settings pass Django's deployment checks, with no warning (SECURITY check 1)."""

import os
import subprocess
import sys


def test_check_deploy_passes_with_production_environment(tmp_path) -> None:
    env = {
        **os.environ,
        "HTTPS": "1",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "gate.example.gov.cn",
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    env.pop("SECRET_KEY", None)
    env.pop(
        "DJANGO_ALLOW_ASYNC_UNSAFE", None
    )  # set by the browser tests; never in production  # the generated per-installation key must itself pass
    result = subprocess.run(
        [sys.executable, "-m", "communitygate", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0, "the key file is private"
