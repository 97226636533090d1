"""`communitygate escalate_overdue_matters [--date YYYY-MM-DD]`: escalate every open residents'
matter whose answer-by date has passed to its subdistrict (`services.matters_escalate_overdue`).

Run it once a day, early in the morning (cron: `10 6 * * * communitygate escalate_overdue_matters`):
a matter due yesterday and still unanswered is escalated today, and each subdistrict's officers
get one notification with the count. Running it twice the same day escalates nothing twice.
"""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from communitygate.matters.services.matters import matters_escalate_overdue


class Command(BaseCommand):
    help = "Escalate overdue residents' matters to their subdistricts (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", help="The day to run for (YYYY-MM-DD); today in Asia/Shanghai by default."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options.get("date"):
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(f"--date: {error}") from error
        count = matters_escalate_overdue(today=day)
        self.stdout.write(f"escalated {count} matter(s)")
