"""`communitygate purge_form_submissions [--days N] [--batch-size N]`: delete claimed one-time
form tokens (`core.models.FormSubmission`) older than COMMUNITYGATE["FORM_TOKEN_RETENTION_DAYS"]
(7 by default), in batches (`http.formtokens.form_submissions_purge`).

They are technical tokens, not records (nothing is audited): a claim only lets a form sent twice
answer the first redirect, which matters for minutes, not weeks. Run it once a day, next to
`escalate_overdue_matters` (cron: `20 6 * * * communitygate purge_form_submissions`); a second
run finds nothing more to delete.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from communitygate.http.formtokens import PURGE_BATCH, form_submissions_purge


class Command(BaseCommand):
    help = "Delete claimed one-time form tokens older than the retention (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help='keep this many days (default COMMUNITYGATE["FORM_TOKEN_RETENTION_DAYS"], 7)',
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=PURGE_BATCH,
            help=f"rows per delete statement (default {PURGE_BATCH})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is None:
            days = int(settings.COMMUNITYGATE["FORM_TOKEN_RETENTION_DAYS"])
        if days < 1:
            raise CommandError("--days must be at least 1")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        deleted = form_submissions_purge(
            older_than=dt.timedelta(days=days), batch_size=options["batch_size"]
        )
        self.stdout.write(
            f"已删除 {deleted} 条 {days} 天前的表单令牌 / "
            f"deleted {deleted} form token claim(s) older than {days} day(s)"
        )
