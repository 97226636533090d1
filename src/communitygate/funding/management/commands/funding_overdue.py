"""Mark delegated shares unpaid past their deadline as overdue (run daily, after midnight):
each becomes one `payment_overdue` violation in the supervision register."""

from typing import Any

from django.core.management.base import BaseCommand

from communitygate.funding.services import overdue_shares_mark


class Command(BaseCommand):
    help = "Mark shares unpaid N working days after their period ends as overdue (daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        marked = overdue_shares_mark()
        self.stdout.write(f"{marked} share(s) became overdue.")
