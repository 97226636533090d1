"""`communitygate seed_scale [--communities 1100] [--subdistricts 40] [--assignments 2000000]
[--matters 200000] [--months 24] [--seed 1] [--no-progress]`: build a city's worth of data in
the configured database, which must be empty (`scale.city.build_city`; docs/burden.md "A city's
worth of data"). One progress bar per stage on a terminal; then the rows written and the
seconds each stage took. Last, the burden dashboard's roll-ups are built (`refresh_burden --all`)."""

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from communitygate.core.errors import InvalidInput, RuleBroken
from communitygate.insights import rollups
from communitygate.scale.city import CityOptions, CityReport, build_city
from communitygate.scale.progress import QUIET, RichProgress

DEFAULTS = CityOptions()


class Command(BaseCommand):
    help = "Build a city's worth of data (communities, two years of dispatch, money, matters) in an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--communities", type=int, default=DEFAULTS.communities)
        parser.add_argument("--subdistricts", type=int, default=DEFAULTS.subdistricts)
        parser.add_argument("--assignments", type=int, default=DEFAULTS.assignments)
        parser.add_argument("--matters", type=int, default=DEFAULTS.matters)
        parser.add_argument("--months", type=int, default=DEFAULTS.months)
        parser.add_argument("--seed", type=int, default=DEFAULTS.seed)
        parser.add_argument(
            "--no-progress", action="store_true", help="no progress bars (also when not a terminal)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        city = CityOptions(
            communities=options["communities"],
            subdistricts=options["subdistricts"],
            assignments=options["assignments"],
            matters=options["matters"],
            months=options["months"],
            seed=options["seed"],
        )
        try:
            if options["no_progress"] or not sys.stderr.isatty():
                report = build_city(city, QUIET)
            else:
                with RichProgress() as progress:
                    report = build_city(city, progress)
        except InvalidInput as error:
            lines = [f"--{p.field}: {p.message}" for p in error.problems]
            raise CommandError("\n".join([str(error), *lines])) from error
        except RuleBroken as error:
            raise CommandError(str(error)) from error
        self._roll_up(report)
        self._print(report)

    def _roll_up(self, report: CityReport) -> None:
        """The burden dashboard's roll-ups, as the nightly `refresh_burden --all` builds them."""
        started = time.perf_counter()
        months = rollups.refresh(every_month=True)
        report.seconds["roll-ups"] = time.perf_counter() - started
        report.counts["roll-up rows"] = sum(m.communities + m.cells for m in months)

    def _print(self, report: CityReport) -> None:
        self.stdout.write("已建成规模数据 / city built:")
        for name, count in report.counts.items():
            self.stdout.write(f"  {name:<22} {count:>10,}")
        self.stdout.write("各阶段用时（秒）/ seconds per stage:")
        for name, seconds in report.seconds.items():
            self.stdout.write(f"  {name:<22} {seconds:>10.1f}")
        self.stdout.write(f"  {'total':<22} {sum(report.seconds.values()):>10.1f}")
