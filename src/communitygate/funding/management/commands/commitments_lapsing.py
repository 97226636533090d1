"""`communitygate commitments_lapsing`: tell the paying department's clerks and heads and the
committee office, once, of every funding commitment that lapses within 30 days and is not
renewed (run daily, early in the morning: `40 6 * * * communitygate commitments_lapsing`). A
second run the same day, or any later day, sends nothing for a commitment already told."""

from typing import Any

from django.core.management.base import BaseCommand

from communitygate.funding.services import commitments_lapsing_notify


class Command(BaseCommand):
    help = "Notify payers and the office of funding commitments lapsing within 30 days (daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        notified = commitments_lapsing_notify()
        self.stdout.write(f"{notified} commitment(s) lapsing: payer and office notified.")
