"""Real gunicorn servers for the tests that need whole processes (the access log, several web
servers sharing Redis): started on a free port with the repository's gunicorn settings
(communitygate.gunicorn_conf), waited for, and stopped by their own process id."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def communitygate(
    *args: str, env: dict[str, str], timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "communitygate"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )


@contextmanager
def gunicorn(env: dict[str, str], log_dir: Path, name: str = "web") -> Iterator[str]:
    """A gunicorn with one worker; yields its base URL. Its access log goes to
    log_dir/<name>.out, its error log to log_dir/<name>.err."""
    port = free_port()
    out = (log_dir / f"{name}.out").open("w")
    err = (log_dir / f"{name}.err").open("w")
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            "python:communitygate.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "communitygate.wsgi",
        ],
        env=env,
        stdout=out,
        stderr=err,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5)  # noqa: S310 (loopback)
                break
            except urllib.error.HTTPError:
                break  # it answers (503 is an answer)
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"gunicorn did not start: {(log_dir / f'{name}.err').read_text()}"
                    ) from None
                time.sleep(0.3)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        out.close()
        err.close()


def server_environment(var_dir: Path, **extra: str) -> dict[str, str]:
    """The test process's environment (the demo flag included: no production keys needed) with
    an installation directory and a SQLite database of its own."""
    env = {
        **os.environ,
        "VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'server.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "0",
        **extra,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def get(url: str, **headers: str) -> int:
    """The status of a GET (urllib: no client library to install)."""
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (the test's own server)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)
