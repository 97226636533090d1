"""`communitygate remind_votes`: queue the reminders of votes due within two working days.
`communitygate scheduler` runs it every working day (jobs.schedules, with --now: the reminders
are sent in the worker running the scheduled job); `communitygate db_worker` delivers them."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from communitygate.admissions.tasks import remind_votes_due


class Command(BaseCommand):
    help = "Queue reminders for consultation votes due within two working days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="send them in this process instead of queueing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            sent = remind_votes_due.call()
            self.stdout.write(f"{sent} reminder(s) sent")
            return
        result = remind_votes_due.enqueue()
        self.stdout.write(f"queued {result.id}")
