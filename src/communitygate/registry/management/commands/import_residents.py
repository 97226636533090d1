"""Import a community's registry file in the foreground, with a progress bar on stderr.

    communitygate import_residents 居民.xlsx --community 370203031001 [--as USERNAME]

Without --as the import is recorded as the community's secretary's. Exit codes: 0 imported,
2 rejected (every problem is printed), 1 failed or wrong arguments.
"""

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from communitygate.accounts.models import Roles
from communitygate.accounts.selectors import people_holding
from communitygate.core.errors import RuleBroken
from communitygate.orgs.models import Organisation
from communitygate.registry.models import ImportStatuses, ResidentImport
from communitygate.registry.selectors.importing import import_percent
from communitygate.registry.services.importing import resident_import_create, resident_import_run

BAR_WIDTH = 30
EXIT_REJECTED = 2


class Command(BaseCommand):
    help = "Import residents from an XLSX or CSV file with Chinese headers (all rows or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .xlsx or .csv file")
        parser.add_argument("--community", required=True, help="the community's code")
        parser.add_argument(
            "--as", dest="as_user", default="", help="the username recorded as the uploader"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        community = Organisation.objects.filter(code=options["community"], kind="community").first()
        if community is None:
            raise CommandError(f"No community with the code {options['community']}")
        actor = self._actor(community, options["as_user"])
        try:
            batch = resident_import_create(
                actor=actor, community=community, filename=path.name, content=path.read_bytes()
            )
        except RuleBroken as broken:
            raise CommandError(broken.message) from None
        batch = resident_import_run(batch.pk, on_progress=self._show_progress)
        sys.stderr.write("\n")
        if batch.status == ImportStatuses.IMPORTED:
            self.stdout.write(
                f"已导入 {batch.residents_created} 位居民、新建 {batch.households_created} 户 / "
                f"imported {batch.residents_created} residents, "
                f"{batch.households_created} new households (import {batch.pk})."
            )
            return
        for problem in batch.problems:
            row = problem.get("row") or "-"
            column = problem.get("column") or "-"
            self.stderr.write(f"第 {row} 行 [{column}] {problem.get('message')}")
        if batch.status == ImportStatuses.REJECTED:
            raise CommandError(
                f"已拒绝：{len(batch.problems)} 处问题，未写入任何数据 / rejected: "
                f"{len(batch.problems)} problem(s), nothing was written.",
                returncode=EXIT_REJECTED,
            )
        raise CommandError(f"导入失败 / the import failed (import {batch.pk}).")

    def _actor(self, community: Organisation, username: str) -> Any:
        if username:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"No user {username}")
            return user
        secretary = people_holding([community.pk], (Roles.SECRETARY,)).order_by("username").first()
        if secretary is None:
            raise CommandError("The community has no secretary: name the uploader with --as.")
        return secretary

    def _show_progress(self, batch: ResidentImport) -> None:
        percent = import_percent(batch)
        filled = BAR_WIDTH * percent // 100
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        sys.stderr.write(
            f"\r{batch.get_status_display()} [{bar}] {percent:3d}%  "
            f"{batch.rows_done:,}/{batch.rows_total:,}"
        )
        sys.stderr.flush()
