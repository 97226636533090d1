"""`communitygate audit_verify`: prints OK, or the first event where the hash chain breaks."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from communitygate.audit.models import AuditEvent
from communitygate.audit.selectors import audit_chain_first_break


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exit non-zero at the first broken event."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = audit_chain_first_break()
        if broken is not None:
            raise CommandError(
                f"BROKEN at event #{broken.event_id} (position {broken.position}): {broken.reason}"
            )
        self.stdout.write(f"OK ({AuditEvent.objects.count()} events)")
