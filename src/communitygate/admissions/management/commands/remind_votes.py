"""`communitygate remind_votes`: queue the reminders of votes due within two working days.
Run it once a day (cron or a systemd timer); `communitygate db_worker` delivers them."""

from typing import Any

from django.core.management.base import BaseCommand

from communitygate.admissions.tasks import remind_votes_due


class Command(BaseCommand):
    help = "Queue reminders for consultation votes due within two working days."

    def handle(self, *args: Any, **options: Any) -> None:
        result = remind_votes_due.enqueue()
        self.stdout.write(f"queued {result.id}")
