"""`communitygate seed_demo [--password P] [--allow-production]`: load the Shibei demo (safe to
run twice). It refuses a production configuration (`seeding.production_refusal`) unless told,
and ends with a checkpoint of the audit chain (`audit.checkpoints`).

A demo loaded earlier may hold personal values sealed in an older format or under an older
key: they are re-sealed under the current key (`rotate_pi_keys`, audited) before anything else.
"""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from communitygate.audit.checkpoints import checkpoint_write
from communitygate.core.crypto import count_not_current
from communitygate.demo.seeding import production_refusal, seed_demo


class Command(BaseCommand):
    help = "Load the illustrative Shibei District demo: organisations, demo users, catalog history."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", help="password for every demo user (default: generated)")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="load the demo even where the configuration looks like production",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        refusal = production_refusal(
            demo=settings.COMMUNITYGATE["DEMO"],
            vendor=connection.vendor,
            database_name=str(connection.settings_dict["NAME"]),
        )
        if refusal and not options["allow_production"]:
            raise CommandError(refusal)
        if count_not_current():
            call_command("rotate_pi_keys", stdout=self.stdout)
        password, logins, catalog_created = seed_demo(options["password"])
        if catalog_created:
            self.stdout.write("已载入市北区演示数据 / Shibei demo loaded.")
        else:
            self.stdout.write("演示目录已存在，未重复载入 / demo catalog already present.")
        self.stdout.write("演示账号 / demo logins (示例数据 / illustrative):")
        for username, description in logins:
            self.stdout.write(f"  {username:<17} {description}")
        self.stdout.write(f"密码 / password: {password}")
        checkpoint = checkpoint_write()  # the chain as the demo leaves it, anchored outside
        self.stdout.write(
            f"审计链锚点 / audit checkpoint: {checkpoint.events} events, head #{checkpoint.head_id}"
        )
