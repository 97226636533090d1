"""`communitygate rotate_pi_keys [--batch-size N]`: re-seal every personal value that is not
under the current cipher and key (`core.crypto.rotate_sealed_values`), then record one audit
event, `personal_data.keys_rotated`, with the counts (never a value).

To rotate: generate a new key, move the current one into COMMUNITYGATE_PI_OLD_KEYS under its
id, set COMMUNITYGATE_PI_KEY and a new COMMUNITYGATE_PI_KEY_ID, restart the servers (they now
seal under the new key and still read the old one), then run this command. It works in
batches, each its own transaction with conditional updates, so the site stays up and an edit
made meanwhile is kept. Rerun it until it reports 0 remaining; only then drop the old key. The
same command turns tokens of the first format (`v1:`) into the current one.

It lives in `audit` because it writes an audit event; the mechanism is `core.crypto`'s.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from communitygate.audit.recorder import record_operation_event
from communitygate.core.crypto import RotationReport, rotate_sealed_values

ROTATION_SUBJECT = "core.personal_data_keys"


def record_rotation(report: RotationReport) -> None:
    with transaction.atomic():
        record_operation_event(
            action="personal_data.keys_rotated",
            subject=ROTATION_SUBJECT,
            subject_id=report.key_id,
            changes={
                "resealed": [None, report.total_resealed],
                "columns": [None, report.resealed],
                "changed_meanwhile": [None, report.changed_meanwhile],
                "unreadable": [None, len(report.unreadable)],
                "remaining": [None, report.remaining],
            },
        )


class Command(BaseCommand):
    help = "Re-encrypt every sealed personal value under the current key (safe to rerun)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=500, help="values per transaction (default 500)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        report = rotate_sealed_values(batch_size=batch_size, progress=self.stdout.write)
        record_rotation(report)
        self.stdout.write(
            f"已重新加密 {report.total_resealed} 个值（密钥 {report.key_id}）/ "
            f"re-sealed {report.total_resealed} value(s) under key {report.key_id}; "
            f"changed meanwhile {report.changed_meanwhile}, unreadable "
            f"{len(report.unreadable)}, remaining {report.remaining}"
        )
        if report.unreadable:
            raise CommandError(
                "这些值无法用现有密钥解密 / these values do not decrypt under any readable key "
                "(add their key to COMMUNITYGATE_PI_OLD_KEYS): " + ", ".join(report.unreadable)
            )
