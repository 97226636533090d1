"""`communitygate audit_verify`: prints OK, or the first event where the chain breaks (a link, a
hash, or the latest checkpoint no longer matched). An intact chain gets a new checkpoint, so a
daily run (docs/audit.md) anchors the chain at least once a day."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from communitygate.audit.checkpoints import checkpoint_path, checkpoint_write
from communitygate.audit.selectors import audit_chain_check


class Command(BaseCommand):
    help = "Verify the audit log's chain and its latest checkpoint; exit non-zero when broken."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = audit_chain_check()
        if broken is not None:
            raise CommandError(
                f"BROKEN at event #{broken.event_id} (position {broken.position}): {broken.reason}"
            )
        checkpoint = checkpoint_write()
        self.stdout.write(
            f"OK ({checkpoint.events} events; checkpoint at #{checkpoint.head_id} written to "
            f"{checkpoint_path()})"
        )
