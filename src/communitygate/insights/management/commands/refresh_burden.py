"""Rebuild the received figures' roll-ups (docs/burden.md "Roll-ups"). Run daily just after
midnight with --all (overdue counts are as of a day); the queue refreshes changed months in
between."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from communitygate.insights.rollups import refresh


class Command(BaseCommand):
    help = "Rebuild the burden dashboard's monthly roll-ups (daily with --all)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="every month with tasks, not only those that need it"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rebuilt = refresh(every_month=options["all"])
        rows = sum(r.communities + r.cells for r in rebuilt)
        self.stdout.write(f"{len(rebuilt)} month(s) rebuilt, {rows} roll-up row(s).")
