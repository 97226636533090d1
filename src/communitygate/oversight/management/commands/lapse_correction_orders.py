"""Mark correction orders past their deadline as overdue (run daily, after midnight)."""

from typing import Any

from django.core.management.base import BaseCommand

from communitygate.oversight.services.notices import orders_lapse


class Command(BaseCommand):
    help = "Mark correction orders not answered by their deadline as overdue (daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        lapsed = orders_lapse()
        self.stdout.write(f"{lapsed} correction order(s) became overdue.")
