"""`communitygate backup [--output FILE]`: one archive of the database, the uploaded files and a
manifest (operations.backups, docs/backup.md). Default file:
VAR_DIR/backups/communitygate-<UTC time>.tar. Prints the archive's path and SHA-256."""

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from communitygate.core import clock
from communitygate.operations.backups import backup_create


class Command(BaseCommand):
    # The operator runs `check` on its own; a restore's database may not even exist yet.
    requires_system_checks: list[str] = []
    help = "Back up the database, the uploaded files and a manifest into one archive file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="the archive to write (a .tar file)")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path | None = options["output"]
        if output is None:
            stamp = clock.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            output = Path(settings.VAR_DIR) / "backups" / f"communitygate-{stamp}.tar"
        report = backup_create(output=output)
        manifest = report.manifest
        self.stdout.write(
            f"OK {report.path} ({report.size} bytes, sha256 {report.sha256}): "
            f"{len(manifest['tables'])} tables, {manifest['rows']} rows, "
            f"{len(manifest['media'])} files, audit chain {manifest['audit']['events']} events "
            f"to #{manifest['audit']['head_id']}, keys {manifest['keys']['summary']}"
        )
