"""Crash and restart drills (演练), run by .ci/run; each on throw-away databases, bounded in time.

    .venv/bin/python scripts/drills.py              # all three
    .venv/bin/python scripts/drills.py web worker   # some

- **web**: gunicorn on SQLite takes concurrent POST /api/v1/tasks, each with its own
  Idempotency-Key; the whole server (master and workers) is killed with SIGKILL mid-way and
  started again; every request is sent again with the same key and body. Then: each key made
  exactly one task, every task has its three assignments and its one `task.send` event (nothing
  half-written), a key answered before the kill answers the same task after it, and the audit
  chain verifies.
- **worker**: `communitygate db_worker` is killed with SIGKILL while a residents' import runs.
  Then: the community has no residents from it, or all of them (the import writes in one
  transaction), and the audit chain verifies. Whether the stranded import is found and marked
  failed (a lease on the job) is reported; `--require-recovery` makes it a failure.
- **postgres**: a private PostgreSQL cluster (initdb, its own port and socket directory; the
  shared one on 5432 is never touched) serves gunicorn under steady load, and is restarted
  (`pg_ctl restart -m fast`) mid-way. Then: every answer during the outage was 2xx or 503 with
  the JSON error (never a 500, never a hang), the same gunicorn processes answer 2xx again
  after the restart (no restart of the app), every POST refused meanwhile and sent again made
  one task, and the audit chain verifies.

Prints one line per finding; exits non-zero when a drill fails.
"""

import argparse
import concurrent.futures
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import closing, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
SEED = "from communitygate.operations.tests.drill_world import seed; seed()"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_PORT = int(os.environ.get("DRILL_PG_PORT", "5499"))
REQUEST_TIMEOUT = 15.0

# The checks, run inside the installation (either engine): per key, its tasks; per task, its
# assignments and task.send events; the chain walked.
CHECKS = """
import json
from django.db.models import Count
from communitygate.audit.models import AuditEvent
from communitygate.audit.selectors import audit_chain_first_break
from communitygate.dispatch.models import Assignment, Task
from communitygate.registry.models import Resident, ResidentImport
keys = {row["idempotency_key"]: row["n"] for row in Task.objects.exclude(idempotency_key="")
        .values("idempotency_key").annotate(n=Count("id"))}
assignments = dict(Task.objects.annotate(n=Count("assignments")).values_list("id", "n"))
sent = {}
for object_id in AuditEvent.objects.filter(action="task.send").values_list("object_id", flat=True):
    sent[object_id] = sent.get(object_id, 0) + 1
imports = list(ResidentImport.objects.values("id", "status", "rows_done", "rows_total"))
broken = audit_chain_first_break()
print("CHECKS " + json.dumps({
    "keys": keys,
    "assignments": {str(k): v for k, v in assignments.items()},
    "task_send_events": sent,
    "residents": Resident.objects.count(),
    "imports": imports,
    "chain_break": None if broken is None else broken.reason,
    "events": AuditEvent.objects.count(),
}, default=str))
"""


class DrillFailed(Exception):
    pass


def say(text: str) -> None:
    print(text, flush=True)


def check(condition: bool, finding: str) -> None:
    say(("  ok   " if condition else "  FAIL ") + finding)
    if not condition:
        raise DrillFailed(finding)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Installation:
    """A VAR_DIR, a database, the environment of every process that serves it."""

    var_dir: Path
    database_url: str
    environment: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.environment = {
            **os.environ,
            "VAR_DIR": str(self.var_dir),
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "COMMUNITYGATE_DEMO": "1",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        self.environment.pop("DJANGO_SETTINGS_MODULE", None)

    def command(self, *arguments: str, timeout: float = 300) -> str:
        result = subprocess.run(  # noqa: S603
            [str(VENV_BIN / "communitygate"), *arguments],
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise DrillFailed(f"communitygate {arguments[0]}: {result.stdout}\n{result.stderr}")
        return result.stdout

    def prepare(self) -> str:
        """Migrate, seed the drill world; the department clerk's API token."""
        started = time.monotonic()
        self.command("migrate", "--verbosity", "0")
        token = json.loads(self.command("shell", "-c", SEED).strip().splitlines()[-1])["token"]
        say(f"  prepared {self.database_url.split(':')[0]} in {time.monotonic() - started:.0f}s")
        return str(token)

    def checks(self) -> dict[str, Any]:
        for line in self.command("shell", "-c", CHECKS).splitlines():
            if line.startswith("CHECKS "):
                found: dict[str, Any] = json.loads(line.removeprefix("CHECKS "))
                return found
        raise DrillFailed("the checks printed nothing")

    def start(self, *arguments: str, log: str) -> subprocess.Popen[bytes]:
        """A process in its own session, so SIGKILL to its group takes its children too."""
        handle = (self.var_dir / log).open("ab")
        return subprocess.Popen(  # noqa: S603
            list(arguments),
            env=self.environment,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def gunicorn(self, port: int) -> subprocess.Popen[bytes]:
        server = self.start(
            str(VENV_BIN / "gunicorn"),
            "communitygate.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--threads=4",
            "--timeout=60",
            log="gunicorn.log",
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise DrillFailed(f"gunicorn exited: see {self.var_dir / 'gunicorn.log'}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/catalog/items", timeout=2)
                return server
            except urllib.error.HTTPError:
                return server  # answering (any status): up
            except OSError:
                time.sleep(0.3)
        raise DrillFailed("gunicorn did not answer within 60s")


def kill_group(process: subprocess.Popen[bytes]) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def stop_group(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            kill_group(process)


@dataclass(frozen=True)
class Answer:
    key: str
    status: int  # 0: no answer (connection refused or reset)
    body: dict[str, Any]
    content_type: str
    seconds: float
    sent_at: float


def task_body(number: int) -> dict[str, Any]:
    return {
        "title": f"演练任务 {number}",
        "instructions": "崩溃演练 / crash drill",
        "task_type": "report",
        "starts_on": "2027-03-01",
        "due_on": "2027-03-31",
        "targets": {"all": True},
    }


def post_task(port: int, token: str, key: str, number: int) -> Answer:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/tasks",
        data=json.dumps(task_body(number)).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        },
        method="POST",
    )
    return _send(request, key)


def get_me(port: int, token: str) -> Answer:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )
    return _send(request, "")


def _send(request: urllib.request.Request, key: str) -> Answer:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:  # noqa: S310
            status, raw, kind = response.status, response.read(), response.headers["Content-Type"]
    except urllib.error.HTTPError as error:
        status, raw, kind = error.code, error.read(), error.headers.get("Content-Type", "")
    except (OSError, ConnectionError):
        status, raw, kind = 0, b"", ""
    try:
        body = json.loads(raw) if raw else {}
    except ValueError:
        body = {"unparsed": raw[:200].decode(errors="replace")}
    return Answer(key, status, body, kind or "", time.monotonic() - started, started)


def invariants(found: dict[str, Any], keys: list[str], label: str) -> None:
    """Each key exactly one task; each task three assignments and one task.send event."""
    counts = found["keys"]
    check(
        all(counts.get(key) == 1 for key in keys),
        f"{label}: each of {len(keys)} keys made one task",
    )
    half = {task: n for task, n in found["assignments"].items() if n != 3}
    check(not half, f"{label}: every task has its 3 assignments (none half-written: {half})")
    unsent = [t for t in found["assignments"] if found["task_send_events"].get(t) != 1]
    check(not unsent, f"{label}: every task has exactly one task.send event ({unsent})")
    check(found["chain_break"] is None, f"{label}: the audit chain verifies")


# The drills --------------------------------------------------------------------------------------


_SQLITE_SITES: dict[Path, tuple[Installation, str]] = {}


def sqlite_site(work: Path) -> tuple[Installation, str]:
    """One migrated and seeded SQLite installation for the web and worker drills."""
    if work not in _SQLITE_SITES:
        site = Installation(work / "sqlite", f"sqlite:///{work / 'sqlite' / 'db.sqlite3'}")
        _SQLITE_SITES[work] = (site, site.prepare())
    return _SQLITE_SITES[work]


def drill_web(work: Path) -> None:
    say("== web: kill -9 of gunicorn during writes, then every request sent again")
    site, token = sqlite_site(work)
    port = free_port()
    server = site.gunicorn(port)
    keys = [f"drill-web-{number:03d}" for number in range(60)]
    first: list[Answer] = []
    killed_at = 0
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(post_task, port, token, key, n) for n, key in enumerate(keys)]
        for future in concurrent.futures.as_completed(futures):
            first.append(future.result())
            if len(first) == 15 and not killed_at:
                kill_group(server)
                killed_at = len(first)
    before = {a.key: a for a in first}
    answered = [a for a in first if a.status == 201]
    say(f"  before the kill: {len(answered)} answered 201, {len(first) - len(answered)} not")
    check(0 < len(answered) < len(keys), "the server was killed mid-way through the writes")
    server = site.gunicorn(port)
    try:
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            retried = list(pool.map(lambda n: post_task(port, token, keys[n], n), range(len(keys))))
    finally:
        stop_group(server)
    check(all(a.status == 201 for a in retried), "every request sent again answered 201")
    same = all(
        before[a.key].body["id"] == a.body["id"] for a in retried if before[a.key].status == 201
    )
    check(same, "a key answered before the kill answers the same task after it")
    invariants(site.checks(), keys, "web")


def drill_worker(work: Path, require_recovery: bool) -> None:
    say("== worker: kill -9 of db_worker during a residents' import")
    site, _token = sqlite_site(work)
    rows = 5000  # COMMUNITYGATE["IMPORT_MAX_ROWS"]
    site.command(
        "shell",
        "-c",
        f"from communitygate.operations.tests.drill_world import enqueue_import; enqueue_import({rows})",
    )
    worker_command = (str(VENV_BIN / "communitygate"), "db_worker", "--no-startup-delay")
    worker = site.start(*worker_command, log="worker.log")
    deadline = time.monotonic() + 90
    status = ""
    database = site.database_url.removeprefix("sqlite:///")
    while time.monotonic() < deadline:  # polled straight from the file: a shell takes seconds
        with closing(sqlite3.connect(database, timeout=20)) as connection:
            row = connection.execute(
                "SELECT status, rows_done FROM registry_residentimport"
            ).fetchone()
        status, done = str(row[0]), int(row[1])
        if status == "writing" or (status == "checking" and done >= rows):
            break  # the one transaction that writes every row is under way
        if status in {"imported", "failed", "rejected"}:
            break
        time.sleep(0.1)
    kill_group(worker)
    say(f"  killed the worker while the import was {status!r} ({done} rows checked)")
    check(status in {"checking", "writing"}, "the worker was killed mid-import")
    found = site.checks()
    check(
        found["residents"] in {0, rows}, f"no import half-written ({found['residents']} residents)"
    )
    check(found["chain_break"] is None, "worker: the audit chain verifies")
    # The lease: the killed import renews no heartbeat, so the scheduler's sweep ends it (a lease
    # of one second here, five minutes in production), removes its file, and the same file can
    # be imported again.
    site.environment["COMMUNITYGATE_JOB_LEASE_SECONDS"] = "1"
    time.sleep(2)
    site.command("scheduler", "--once")
    with closing(sqlite3.connect(database, timeout=20)) as connection:
        status, problems = connection.execute(
            "SELECT status, problems FROM registry_residentimport ORDER BY id"
        ).fetchone()
    message = json.loads(problems)[0]["message_zh"] if problems and problems != "[]" else ""
    if status != "failed" and not require_recovery:
        say(f"  GAP  the stranded import stays {status!r} after the sweep")
        return
    check(status == "failed", f"the stranded import was failed by the lease sweep ({status!r})")
    say(f"  ok   the sweep failed the stranded import: {message}")
    site.command(
        "shell",
        "-c",
        f"from communitygate.operations.tests.drill_world import enqueue_import; enqueue_import({rows})",
    )
    worker = site.start(*worker_command, log="worker.log")
    try:
        for _ in range(1200):
            with closing(sqlite3.connect(database, timeout=20)) as connection:
                (status,) = connection.execute(
                    "SELECT status FROM registry_residentimport ORDER BY id DESC"
                ).fetchone()
            if status in {"imported", "failed", "rejected"}:
                break
            time.sleep(0.1)
    finally:
        stop_group(worker)
    found = site.checks()
    check(status == "imported", f"the same file imported again ({status!r})")
    check(found["residents"] == rows, f"after the re-import: every row ({found['residents']})")
    check(found["chain_break"] is None, "worker: the audit chain verifies after the re-import")


@dataclass
class Cluster:
    """A private PostgreSQL cluster: its directory, its port, its own socket directory."""

    directory: Path
    port: int

    def run(self, *arguments: str) -> None:
        command = [str(PG_BIN / arguments[0]), *arguments[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603
        if result.returncode != 0:
            raise DrillFailed(f"{arguments[0]}: {result.stdout} {result.stderr}")

    def start(self) -> None:
        self.directory.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        data = self.directory / "data"
        self.run(
            "initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"
        )
        self.run(
            "pg_ctl",
            "-D",
            str(data),
            "-o",
            self.options(),
            "-l",
            str(self.directory / "log"),
            "-w",
            "start",
        )

    def options(self) -> str:
        return f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"

    def restart(self) -> None:
        data = str(self.directory / "data")
        log = str(self.directory / "log")
        self.run(
            "pg_ctl", "-D", data, "-o", self.options(), "-l", log, "-m", "fast", "-w", "restart"
        )

    def stop(self) -> None:
        with suppress(DrillFailed):
            self.run("pg_ctl", "-D", str(self.directory / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)


def drill_postgres(work: Path) -> None:
    say(f"== postgres: a private cluster on port {PG_PORT} restarted under load")
    cluster = Cluster(work / "pg", PG_PORT)
    cluster.start()
    try:
        subprocess.run(  # noqa: S603
            [
                str(PG_BIN / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(PG_PORT),
                "-U",
                "postgres",
                "drill",
            ],
            check=True,
            timeout=60,
        )
        site = Installation(work / "postgres", f"postgres://postgres@127.0.0.1:{PG_PORT}/drill")
        token = site.prepare()
        port = free_port()
        server = site.gunicorn(port)
        try:
            answers, restart_window, pids = _load_through_restart(port, token, cluster, server.pid)
            after_pids = _group_pids(server.pid)
            _judge_restart(site, port, token, answers, restart_window, pids, after_pids)
        finally:
            stop_group(server)
    finally:
        cluster.stop()


def _group_pids(group: int) -> set[int]:
    result = subprocess.run(  # noqa: S603
        ["/usr/bin/pgrep", "-g", str(group)], capture_output=True, text=True, check=False
    )
    return {int(pid) for pid in result.stdout.split()}


def _load_through_restart(
    port: int, token: str, cluster: Cluster, group: int
) -> tuple[list[Answer], tuple[float, float], set[int]]:
    answers: list[Answer] = []
    lock = threading.Lock()
    stop = threading.Event()
    counter = iter(range(1_000_000))

    def client(send: Callable[[], Answer]) -> None:
        while not stop.is_set():
            answer = send()
            with lock:
                answers.append(answer)
            time.sleep(0.05)

    def writer() -> Answer:
        number = next(counter)
        return post_task(port, token, f"drill-pg-{number:05d}", number)

    def reader() -> Answer:
        return get_me(port, token)

    pids = _group_pids(group)
    threads = [
        threading.Thread(target=client, args=(send,), daemon=True)
        for send in (writer, writer, reader, reader)
    ]
    for thread in threads:
        thread.start()
    try:
        time.sleep(3)
        started = time.monotonic()
        cluster.restart()
        ended = time.monotonic()
        say(f"  restarted PostgreSQL in {ended - started:.1f}s")
        time.sleep(6)
    finally:
        stop.set()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT + 5)
    return answers, (started, ended), pids


def _judge_restart(
    site: Installation,
    port: int,
    token: str,
    answers: list[Answer],
    window: tuple[float, float],
    pids: set[int],
    after_pids: set[int],
) -> None:
    statuses: dict[int, int] = {}
    for answer in answers:
        statuses[answer.status] = statuses.get(answer.status, 0) + 1
    say(f"  {len(answers)} requests: {dict(sorted(statuses.items()))}")
    refused = [a for a in answers if a.status == 503]
    check(
        set(statuses) <= {200, 201, 503},
        "every answer was 2xx or 503 (no 500, no dropped connection)",
    )
    check(
        all(
            a.content_type.startswith("application/json")
            and a.body.get("code") == "service_unavailable"
            for a in refused
        ),
        f"the {len(refused)} answers during the outage were the JSON error service_unavailable",
    )
    check(
        max(a.seconds for a in answers) < 10,
        f"no request hung (slowest {max(a.seconds for a in answers):.1f}s)",
    )
    late = [a for a in answers if a.sent_at > window[1] + 2]
    check(
        bool(late) and all(a.status in {200, 201} for a in late),
        f"after the restart all {len(late)} requests succeeded",
    )
    check(
        pids == after_pids,
        "the same gunicorn processes served before and after (no restart of the app)",
    )
    keys = [a.key for a in answers if a.key]
    unanswered = [a for a in answers if a.key and a.status != 201]
    for answer in unanswered:
        number = int(answer.key.rsplit("-", 1)[1])
        again = post_task(port, token, answer.key, number)
        check(again.status == 201, f"{answer.key} sent again after the outage: {again.status}")
    invariants(site.checks(), keys, "postgres")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("drills", nargs="*", default=["web", "worker", "postgres"])
    parser.add_argument("--require-recovery", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cg-drills-"))
    os.chmod(work, 0o755)  # noqa: S103 - the private cluster's user walks into it
    failed: list[str] = []
    started = time.monotonic()
    try:
        for name in options.drills:
            began = time.monotonic()
            try:
                if name == "web":
                    drill_web(work)
                elif name == "worker":
                    drill_worker(work, options.require_recovery)
                elif name == "postgres":
                    drill_postgres(work)
                else:
                    raise DrillFailed(f"unknown drill {name!r}")
            except (DrillFailed, OSError, subprocess.SubprocessError) as failure:
                failed.append(f"{name}: {failure!r}")
            say(f"  ({time.monotonic() - began:.0f}s)")
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)
    say(
        f"drills: {len(options.drills) - len(failed)} passed, {len(failed)} failed in {time.monotonic() - started:.0f}s"
    )
    for failure in failed:
        say(f"FAILED {failure}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
