"""`communitygate restore ARCHIVE [--replace] [--force-other-keys]`: restore a backup into the
configured database and MEDIA_ROOT, then verify every table's row count, every file's digest and
the audit chain against the archive's manifest (operations.backups, docs/backup.md). Stop the
web servers and the worker first. Exits non-zero, with the reason in Chinese and English, when
it refuses or the restored data does not verify."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from communitygate.operations.backups import BackupRefused, backup_restore


class Command(BaseCommand):
    # The operator runs `check` on its own; a restore's database may not even exist yet.
    requires_system_checks: list[str] = []
    help = "Restore a backup archive and verify every row, file and the audit chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--replace", action="store_true", help="overwrite a database already in use"
        )
        parser.add_argument(
            "--force-other-keys",
            action="store_true",
            help="restore although the configured keys are not the backup's",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_restore(
                archive_path=options["archive"],
                replace=options["replace"],
                force_other_keys=options["force_other_keys"],
            )
        except BackupRefused as refused:
            raise CommandError(refused.message) from refused
        manifest = report.manifest
        self.stdout.write(
            f"OK restored {options['archive']} (made {manifest['created_at']}): "
            f"{report.tables} tables and {report.rows} rows, {report.files} files, audit chain "
            f"to #{manifest['audit']['head_id']} verified"
            + (
                f"; superseded checkpoint: {report.superseded_checkpoint}"
                if report.superseded_checkpoint
                else ""
            )
            + (
                "; WARNING: other keys, the chain was not walked"
                if report.forced_other_keys
                else ""
            )
        )
