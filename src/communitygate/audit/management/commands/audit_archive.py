"""`communitygate audit_archive [--before YYYY-MM-DD]`: move the audit events older than the
retention period (180 days by default) into a signed segment under AUDIT_ARCHIVE_DIR
(docs/audit.md). Without --before, everything the retention period allows."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from communitygate.audit.archive import segment_paths
from communitygate.audit.services import archive_latest_before, audit_archive
from communitygate.core.errors import RuleBroken


class Command(BaseCommand):
    help = "Archive the audit events older than the retention period into a signed segment."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--before",
            type=dt.date.fromisoformat,
            help="archive the events recorded before this day (Beijing time); "
            "default: the retention period's limit",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            before = options["before"] or archive_latest_before()
            archive = audit_archive(before=before)
        except RuleBroken as refused:
            raise CommandError(refused.message) from refused
        if archive is None:
            self.stdout.write(f"Nothing to archive before {before.isoformat()}.")
            return
        events_file, _ = segment_paths(archive.first_id, archive.last_id)
        self.stdout.write(
            f"Archived {archive.events} events (#{archive.first_id}–#{archive.last_id}) "
            f"to {events_file}"
        )
