"""Fuzz the HTTP API with schemathesis: no 5xx, and every answer as the OpenAPI schema says.

    .venv/bin/python scripts/fuzz_api.py [--max-examples N] [--max-time SECONDS]

A throw-away installation: a fresh SQLite database in a temporary VAR_DIR, migrated and seeded
with the test world (testing.build_world: every role in its organisation) and an API token for
the office's administrator; gunicorn serves it on a free port; schemathesis reads
/api/v1/openapi.json and sends what it generates (valid and invalid input) with that token. The
checks: not_a_server_error (no 5xx), status_code_conformance (every status is documented),
content_type_conformance and response_schema_conformance (every body, errors included, is what
the schema says). Exits non-zero on any failure; `.ci/run` runs it. FUZZ_SEED picks the seed
(fixed by default, so that CI is repeatable; change it to look elsewhere).
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def seed(env: dict[str, str]) -> str:
    """Migrate and seed the throw-away database; the office administrator's new API token."""
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        # The seeded people's passwords are never used: hash them fast.
        "settings.PASSWORD_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher']\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from communitygate.testing import build_world\n"
        "from communitygate.accounts.services import api_token_issue\n"
        "world = build_world()\n"
        "_token, raw = api_token_issue(actor=None, user=world.users['office_admin'], label='fuzz')\n"
        "print(raw)\n"
    )
    done = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip().splitlines()[-1]


def wait_until_serving(url: str, server: subprocess.Popen[bytes], seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit {server.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 (our own http URL)
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer {url} within {seconds:.0f}s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=8, help="test cases per operation")
    parser.add_argument("--max-time", type=int, default=120, help="seconds for the whole run")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cg-fuzz-") as var_dir:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}
        }
        env.update(
            VAR_DIR=var_dir,
            DJANGO_SETTINGS_MODULE="communitygate.settings",
            COMMUNITYGATE_DEMO="1",  # development keys: this database is thrown away
            COMMUNITYGATE_REQUIRE_MFA="0",
        )
        token = seed(env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
            [
                str(VENV_BIN / "gunicorn"),
                "communitygate.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "1",
                "--log-level",
                "warning",
                # gunicorn's own 414 for a long query string is the front server's limit, not
                # an answer of the app's: let every request reach the app.
                "--limit-request-line",
                "0",
            ],
            env=env,
            cwd=ROOT,
        )
        try:
            wait_until_serving(f"{base}/api/v1/openapi.json", server)
            command = [
                str(VENV_BIN / "schemathesis"),
                "run",
                f"{base}/api/v1/openapi.json",
                "--header",
                f"Authorization: Bearer {token}",
                "--checks",
                ",".join(CHECKS),
                "--max-examples",
                str(options.max_examples),
                "--max-time",
                str(options.max_time),
                "--workers",
                "1",
                "--seed",
                os.environ.get("FUZZ_SEED", "14"),
                "--generation-database",
                "none",
                "--suppress-health-check",
                "all",
                "--request-timeout",
                "30",
                "--no-color",
            ]
            print("$", " ".join(command).replace(token, "<token>"), flush=True)
            return subprocess.run(command, env=env, cwd=var_dir).returncode  # noqa: S603
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    sys.exit(main())
