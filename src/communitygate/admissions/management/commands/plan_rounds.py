"""`communitygate plan_rounds`: create the next January and July review rounds ahead of time."""

from typing import Any

from django.core.management.base import BaseCommand

from communitygate.admissions.services import review_rounds_plan_ahead
from communitygate.core import clock


class Command(BaseCommand):
    help = "Create the next two review rounds (January and July) if they do not exist yet."

    def handle(self, *args: Any, **options: Any) -> None:
        for review_round in review_rounds_plan_ahead(clock.today()):
            self.stdout.write(f"{review_round} {review_round.get_status_display()}")
