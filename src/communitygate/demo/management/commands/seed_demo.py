"""`communitygate seed_demo [--password P]`: load the Shibei demo (safe to run twice).

A demo loaded earlier may hold personal values sealed in an older format or under an older
key: they are re-sealed under the current key (`rotate_pi_keys`, audited) before anything else.
"""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from communitygate.core.crypto import count_not_current
from communitygate.demo.seeding import seed_demo


class Command(BaseCommand):
    help = "Load the illustrative Shibei District demo: organisations, demo users, catalog history."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", help="password for every demo user (default: generated)")

    def handle(self, *args: Any, **options: Any) -> None:
        if count_not_current():
            call_command("rotate_pi_keys", stdout=self.stdout)
        password, logins, catalog_created = seed_demo(options["password"])
        if catalog_created:
            self.stdout.write("已载入市北区演示数据 / Shibei demo loaded.")
        else:
            self.stdout.write("演示目录已存在，未重复载入 / demo catalog already present.")
        self.stdout.write("演示账号 / demo logins (示例数据 / illustrative):")
        for username, description in logins:
            self.stdout.write(f"  {username:<14} {description}")
        self.stdout.write(f"密码 / password: {password}")
