"""Benchmark: CommunityGate under concurrent load, beside a bare Django floor.

Seeds (or reuses) the Shibei demo in its own database and VAR_DIR, starts CommunityGate under
gunicorn and, under the same gunicorn settings, the floor (`bench/floor/http_floor.py`: a bare
Django application answering one JSON view, no apps, no middleware, no database). Then, for
`--rounds` rounds, it loads the floor and each endpoint in turn (interleaved, so a noisy
neighbour hits them alike) with `--clients` concurrent clients for `--seconds` seconds each, and
prints per endpoint the medians over the rounds of requests per second, p50 and p95 latency,
and the ratio to the floor's throughput in the same round.

The endpoints:
  catalog    GET /api/v1/catalog/items?limit=50          public, 50 items of the latest edition
  inbox      GET /api/v1/inbox                           a community secretary's (session cookie)
  workbench  GET /workbench/                             the same secretary's workbench page
  lookup     GET /api/v1/public/matters/<code>?phone_last4=…   the public matter look-up

The look-ups succeed, so the look-up throttle (`matters.throttling`) gives each one back; no
security setting is changed for the bench. The load generator is `python bench/http_load.py --load`
in its own process: asyncio clients over raw sockets, one connection a request (gunicorn's sync
workers close each one), which costs far less CPU than Locust on this 2-core machine.

    .venv/bin/python bench/http_load.py                                # PostgreSQL, 20 clients, 3 rounds
    .venv/bin/python bench/http_load.py --database sqlite --rounds 5 --seconds 10
    .venv/bin/python bench/http_load.py --clients 50 --only catalog,inbox

PostgreSQL is reached at DATABASE_URL_POSTGRES (default
postgres://postgres@127.0.0.1:5432/cg_bench_http_demo; created if missing, seeded once; the name
says "demo" so `seed_demo` accepts it). The VAR_DIR is /tmp/cg-bench-http-<database> unless
--var-dir says otherwise; delete it (and the database) to seed again.
"""

# Not named http.py: every script in bench/ runs with bench/ first on sys.path, where an http.py
# would shadow the standard library's `http` package (and break Django's imports).
import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/cg_bench_http_demo"
PASSWORD = "bench-Passw0rd-2026"  # noqa: S105 (the throw-away demo's users)
SECRETARY = "shangqiulu"  # 商邱路社区书记 in the Shibei demo
ENDPOINTS = ("catalog", "inbox", "workbench", "lookup")


# The load generator (its own process) ---------------------------------------------------------


async def _one_client(
    host: str, port: int, request: bytes, deadline: float, latencies: list[float], errors: list[str]
) -> None:
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            answer = await reader.read()  # until the server closes
            writer.close()
        except OSError as error:
            errors.append(type(error).__name__)
            await asyncio.sleep(0.01)
            continue
        elapsed = time.perf_counter() - started
        status = answer[9:12]
        if status != b"200":
            errors.append(status.decode(errors="replace") or "empty")
            continue
        latencies.append(elapsed)


async def _load(
    host: str, port: int, request: bytes, clients: int, seconds: float
) -> dict[str, object]:
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(_one_client(host, port, request, deadline, latencies, errors) for _ in range(clients))
    )
    elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(share: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(0.50),
        "p95_ms": percentile(0.95),
    }


def load_main(options: argparse.Namespace) -> None:
    url = urllib.parse.urlsplit(options.load)
    path = url.path + (f"?{url.query}" if url.query else "")
    headers = [
        f"GET {path} HTTP/1.1",
        f"Host: {url.hostname}:{url.port}",
        "Connection: close",
        "Accept: application/json, text/html",
        *options.header,
    ]
    request = ("\r\n".join(headers) + "\r\n\r\n").encode()
    result = asyncio.run(
        _load(
            url.hostname or "127.0.0.1", url.port or 80, request, options.clients, options.seconds
        )
    )
    print(json.dumps(result))


# The servers ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def gunicorn(
    application: str, port: int, environment: dict[str, str], options: argparse.Namespace
) -> subprocess.Popen[bytes]:
    command = [
        str(VENV_BIN / "gunicorn"),
        application,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(options.workers),
        "--worker-class",
        options.worker_class,
        "--threads",
        str(options.threads),
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    if application.startswith("http_floor"):
        command += ["--pythonpath", str(ROOT / "bench" / "floor")]
    log = open(Path(environment["VAR_DIR"]) / f"gunicorn-{port}.log", "wb")  # noqa: SIM115
    return subprocess.Popen(command, env=environment, cwd=ROOT, stdout=log, stderr=log)  # noqa: S603


def wait_until_up(port: int, path: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn on port {port} stopped; see its log in VAR_DIR")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn on port {port} did not answer")


# Seeding and signing in -------------------------------------------------------------------------


def environment_for(options: argparse.Namespace) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        COMMUNITYGATE_DEMO="1",
        VAR_DIR=str(options.var_dir),
        DJANGO_SETTINGS_MODULE="communitygate.settings",
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    environment.pop("DEBUG", None)
    if options.database == "postgres":
        environment["DATABASE_URL"] = os.environ.get("DATABASE_URL_POSTGRES", POSTGRES_URL)
    else:
        environment.pop("DATABASE_URL", None)
    return environment


def communitygate(environment: dict[str, str], *arguments: str) -> str:
    return subprocess.run(  # noqa: S603 (our own command and arguments)
        [str(VENV_BIN / "communitygate"), *arguments],
        env=environment,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ).stdout


def create_postgres_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


PREPARE = """
import json
from communitygate.core.crypto import unseal
from communitygate.core.phones import PHONE_KIND
from communitygate.matters.models import Matter
matter = Matter.objects.exclude(phone_ciphertext="").exclude(tracking_code="").order_by("pk")[0]
phone = unseal(PHONE_KIND, matter.phone_ciphertext)
print(json.dumps({"tracking_code": matter.tracking_code, "phone_last4": phone[-4:]}))
"""


def prepared(options: argparse.Namespace, environment: dict[str, str]) -> dict[str, str]:
    """The demo seeded once in this VAR_DIR (and database); a matter to look up."""
    ready = options.var_dir / "bench-http.json"
    if ready.exists():
        return dict(json.loads(ready.read_text()))
    options.var_dir.mkdir(parents=True, exist_ok=True)
    if options.database == "postgres":
        create_postgres_database(environment["DATABASE_URL"])
    print(f"seeding the Shibei demo into {options.var_dir} …", file=sys.stderr, flush=True)
    communitygate(environment, "migrate", "--verbosity", "0")
    communitygate(environment, "seed_demo", "--password", PASSWORD)
    lines = communitygate(environment, "shell", "--no-imports", "-c", PREPARE).splitlines()
    facts = dict(json.loads(lines[-1]))
    ready.write_text(json.dumps(facts))
    return facts


def session_cookie(port: int) -> str:
    """Sign in as the community secretary through the login page; the Cookie header."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = f"http://127.0.0.1:{port}/accounts/login/"
    page = opener.open(login).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    body = urllib.parse.urlencode(
        {"username": SECRETARY, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    request = urllib.request.Request(login, data=body, headers={"Referer": login})
    opener.open(request).read()
    cookies = {cookie.name: cookie.value for cookie in jar}
    assert any("sessionid" in name for name in cookies), "signing in failed"
    return "Cookie: " + "; ".join(f"{name}={value}" for name, value in cookies.items())


# The run ----------------------------------------------------------------------------------------


def run_load(url: str, headers: list[str], options: argparse.Namespace) -> dict[str, float]:
    command = [
        sys.executable,
        __file__,
        "--load",
        url,
        "--clients",
        str(options.clients),
        "--seconds",
        str(options.seconds),
    ]
    for header in headers:
        command += ["--header", header]
    output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout  # noqa: S603
    return dict(json.loads(output.strip().splitlines()[-1]))


def check_answer(url: str, headers: list[str], name: str) -> None:
    request = urllib.request.Request(url, headers=dict(h.split(": ", 1) for h in headers))  # noqa: S310
    with urllib.request.urlopen(request) as answer:  # noqa: S310
        body = answer.read()
        assert answer.status == 200, (name, answer.status)
    if name == "catalog":
        assert len(json.loads(body)["items"]) == 50, "the catalog page should hold 50 items"
    if name == "workbench":
        assert b"<html" in body.lower(), "the workbench answered no page (signed out?)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--only", default=",".join(ENDPOINTS), help="endpoints, comma-separated")
    parser.add_argument("--var-dir", type=Path, default=None)
    parser.add_argument("--json", action="store_true", help="print only the JSON")
    parser.add_argument("--load", default="", help=argparse.SUPPRESS)  # the load generator
    parser.add_argument("--header", action="append", default=[], help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.load:
        load_main(options)
        return
    options.var_dir = options.var_dir or Path(f"/tmp/cg-bench-http-{options.database}")  # noqa: S108
    environment = environment_for(options)
    facts = prepared(options, environment)

    app_port, floor_port = free_port(), free_port()
    floor_env = {**environment, "DJANGO_SETTINGS_MODULE": ""}
    servers = [
        gunicorn("communitygate.wsgi:application", app_port, environment, options),
        gunicorn("http_floor:application", floor_port, floor_env, options),
    ]
    try:
        wait_until_up(floor_port, "/floor", servers[1])
        wait_until_up(app_port, "/api/v1/catalog/items?limit=1", servers[0])
        cookie = session_cookie(app_port)
        base = f"http://127.0.0.1:{app_port}"
        code, last4 = facts["tracking_code"], facts["phone_last4"]
        targets: dict[str, tuple[str, list[str]]] = {
            "floor": (f"http://127.0.0.1:{floor_port}/floor", []),
            "catalog": (f"{base}/api/v1/catalog/items?limit=50", []),
            "inbox": (f"{base}/api/v1/inbox", [cookie]),
            "workbench": (f"{base}/workbench/", [cookie]),
            "lookup": (f"{base}/api/v1/public/matters/{code}?phone_last4={last4}", []),
        }
        chosen = ["floor", *[name for name in options.only.split(",") if name in targets]]
        for name in chosen:
            check_answer(*targets[name], name)
        rounds: list[dict[str, dict[str, float]]] = []
        loads: list[float] = []
        for number in range(options.rounds):
            loads.append(os.getloadavg()[0])
            this: dict[str, dict[str, float]] = {}
            for name in chosen:
                this[name] = run_load(*targets[name], options)
                print(
                    f"  round {number + 1} {name:<9} {this[name]['rps']:8.1f} req/s  "
                    f"p50 {this[name]['p50_ms']:7.1f} ms  p95 {this[name]['p95_ms']:7.1f} ms  "
                    f"errors {this[name]['errors']} {this[name]['error_kinds']}",
                    file=sys.stderr,
                    flush=True,
                )
            rounds.append(this)
        loads.append(os.getloadavg()[0])
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)

    summary: dict[str, dict[str, float]] = {}
    for name in chosen:
        summary[name] = {
            "rps": statistics.median(r[name]["rps"] for r in rounds),
            "p50_ms": statistics.median(r[name]["p50_ms"] for r in rounds),
            "p95_ms": statistics.median(r[name]["p95_ms"] for r in rounds),
            "ratio": statistics.median(r[name]["rps"] / r["floor"]["rps"] for r in rounds),
            "errors": sum(r[name]["errors"] for r in rounds),
        }
    report = {
        "database": options.database,
        "clients": options.clients,
        "seconds": options.seconds,
        "rounds": options.rounds,
        "gunicorn": f"{options.workers} workers, {options.worker_class}, {options.threads} thread(s)",
        "load_average_1min": [round(load, 2) for load in loads],
        "cpus": os.cpu_count(),
        "results": summary,
    }
    print(json.dumps(report, indent=2))
    if options.json:
        return
    print(
        f"\n{options.database}, {options.clients} clients, {options.rounds} rounds of "
        f"{options.seconds:g} s, gunicorn {report['gunicorn']}; medians; "
        f"load average {min(loads):.1f}–{max(loads):.1f} on {os.cpu_count()} CPUs"
    )
    print(f"{'endpoint':<10} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'× floor':>8} {'errors':>7}")
    for name, line in summary.items():
        print(
            f"{name:<10} {line['rps']:8.1f} {line['p50_ms']:8.1f} {line['p95_ms']:8.1f} "
            f"{line['ratio']:8.2f} {line['errors']:7d}"
        )
    if shutil.which("uptime"):
        print(subprocess.run(["uptime"], stdout=subprocess.PIPE, text=True).stdout.strip())  # noqa: S607


if __name__ == "__main__":
    main()
