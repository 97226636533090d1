"""`communitygate scheduler [--once] [--interval SECONDS]`: the scheduled jobs without cron.

Every INTERVAL seconds (30) it ends what a killed process left running (residents' imports past
their lease, queue tasks, scheduled runs), retries today's failed runs and queues today's due
jobs (`jobs.schedules.SCHEDULES`) on the task queue, where `communitygate db_worker` runs them.
Started by `./dev start` beside the worker, and in production by
deploy/systemd/communitygate-scheduler.service. SIGTERM/SIGINT end it after the current pass.
"""

import datetime as dt
import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from communitygate.jobs.services import scheduler_tick


class Command(BaseCommand):
    help = "Queue the scheduled jobs when they are due and sweep interrupted ones (runs until stopped)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument(
            "--interval", type=float, default=30.0, help="seconds between two passes (30)"
        )
        parser.add_argument(
            "--as-of",
            type=dt.datetime.fromisoformat,
            default=None,
            help="a drill: the pass(es) as if it were this moment (ISO 8601 with its offset)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = options["interval"]
        if interval <= 0:
            raise CommandError("--interval must be positive")
        as_of = options["as_of"]
        if as_of is not None and as_of.tzinfo is None:
            raise CommandError("--as-of needs its offset (e.g. 2026-12-07T08:30+08:00)")
        stop = threading.Event()

        def stop_now(signum: int, _frame: FrameType | None) -> None:
            stop.set()

        if not options["once"]:
            signal.signal(signal.SIGTERM, stop_now)
            signal.signal(signal.SIGINT, stop_now)
        if not options["once"]:
            self.stdout.write(f"scheduler started: a pass every {interval:g} s")
            self.stdout.flush()
        while True:
            close_old_connections()
            try:
                tick = scheduler_tick(now=as_of)
            except Exception as error:  # a database restart must not end the scheduler
                self.stderr.write(f"scheduler pass failed: {type(error).__name__}: {error}")
                if options["once"]:
                    raise
            else:
                for name, values in vars(tick).items():
                    if values:
                        self.stdout.write(f"{name}: {', '.join(map(str, values))}")
                self.stdout.flush()
            if options["once"] or stop.wait(interval):
                break
        if not options["once"]:
            self.stdout.write("scheduler stopped")
