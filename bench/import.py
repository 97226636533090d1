"""Benchmark: importing 100,000 generated residents from XLSX and from CSV.

Generates one registry file of demo residents (names 演示居民000001…, ID numbers with valid
check characters from `core.idnumbers.generate_id_number`, phones 139…, a layout of estates,
buildings, units, floors and rooms with one to four people a room, some care tags), saved as
XLSX and as CSV. Then, for each database, in a throw-away database, imports each file into a
fresh community `--runs` times with `resident_import_run` (the same code the background task and
the command run) and reports the median rows per second of the two phases:

- check: decrypting the stored file, reading it, and checking and sealing every row;
- write: the one transaction that creates buildings, units, rooms, households, residents and
  their care tags, and the audit event.

    .venv/bin/python bench/import.py                         # SQLite and PostgreSQL, 100,000 rows, 3 runs
    .venv/bin/python bench/import.py --rows 20000 --runs 3 --databases sqlite
    .venv/bin/python bench/import.py --json                  # the results as JSON only

PostgreSQL is reached at DATABASE_URL_POSTGRES (default
postgres://postgres@127.0.0.1:5432/cg_bench_import); a test database beside it is created for
the run and dropped afterwards, as is SQLite's (in VAR_DIR).
"""

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "communitygate.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django

django.setup()

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/cg_bench_import"
REGIONS = ("370203", "370203", "370203", "370205", "370204", "410102", "230102", "510104")
TAGS = ("", "", "", "", "", "", "独居老人", "党员", "低保对象", "残疾人、需定期走访", "儿童")


def generated_rows(count: int, seed: int = 20261127) -> list[list[str]]:
    """`count` demo residents in a layout of estates → buildings → units → floors → rooms."""
    from communitygate.core.idnumbers import generate_id_number
    from communitygate.registry.services.importing import IMPORT_HEADERS

    rng = random.Random(seed)  # noqa: S311 (demo data)
    rows: list[list[str]] = []
    issued: set[str] = set()
    room_number = 0
    while len(rows) < count:
        estate, rest = divmod(room_number, 20 * 4 * 18 * 4)
        building, rest = divmod(rest, 4 * 18 * 4)
        unit, rest = divmod(rest, 18 * 4)
        floor, door = divmod(rest, 4)
        room_number += 1
        size = rng.choice((1, 2, 2, 3, 3, 4))
        migrant = rng.random() < 0.15
        for member in range(min(size, count - len(rows))):
            number = len(rows) + 1
            sex = rng.choice(("male", "female"))
            birth = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(0, 32000))

            # 500 sequences a sex, region and day: at 100,000 people some numbers would repeat,
            # and the import (rightly) refuses a file with one person twice.
            id_number = ""
            while not id_number or id_number in issued:
                id_number = generate_id_number(
                    rng, region=rng.choice(REGIONS), birth_date=birth, sex=sex
                )
            issued.add(id_number)
            values = {
                "街道": "演示街道",
                "社区": "BENCH",  # replaced by the community's code when the file is written
                "小区": f"演示{estate + 1}区",
                "楼栋": f"{building + 1}号楼",
                "单元": f"{unit + 1}单元",
                "房间号": f"{floor + 1}{door + 1:02d}",
                "姓名": f"演示居民{number:06d}",
                "身份证号": id_number,
                "性别": "男" if sex == "male" else "女",
                "出生日期": birth.isoformat() if rng.random() < 0.5 else "",
                "联系电话": f"139{number:08d}" if rng.random() < 0.7 else "",
                "人员类别": "流动人口" if migrant else "户籍人口",
                "与户主关系": "户主" if member == 0 else rng.choice(("配偶", "子女", "父母")),
                "户籍地": "山东省青岛市市北区演示路" if not migrant else "河南省郑州市演示路",
                "关爱标签": rng.choice(TAGS),
                "入住日期": f"20{rng.randrange(0, 24):02d}/{rng.randrange(1, 13)}/1",
            }
            rows.append([values[header] for header in IMPORT_HEADERS])
    return rows


def write_files(
    rows: list[list[str]], folder: Path, formats: tuple[str, ...] = ("xlsx", "csv")
) -> dict[str, Path]:
    from openpyxl import Workbook

    from communitygate.registry.services.importing import IMPORT_HEADERS

    files: dict[str, Path] = {}
    if "xlsx" in formats:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("居民信息")
        sheet.append(list(IMPORT_HEADERS))
        for values in rows:
            sheet.append(values)
        files["xlsx"] = folder / "residents.xlsx"
        workbook.save(files["xlsx"])
    if "csv" in formats:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(IMPORT_HEADERS)
        writer.writerows(rows)
        files["csv"] = folder / "residents.csv"
        files["csv"].write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return files


def measure(files: dict[str, str], runs: int) -> dict[str, object]:
    """In this process's database (a throw-away test database): each file `runs` times."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from communitygate.accounts.services import membership_grant
    from communitygate.orgs.services import organisation_create
    from communitygate.registry.models import ImportStatuses, Resident
    from communitygate.registry.services.importing import (
        resident_import_create,
        resident_import_run,
    )

    old = setup_databases(verbosity=0, interactive=False)
    try:
        district = organisation_create(actor=None, code="3702", name="示例市", kind="district")
        subdistrict = organisation_create(
            actor=None, code="3702001", name="演示街道", kind="subdistrict", parent=district
        )
        secretary = User.objects.create_user("bench-secretary")
        results: dict[str, dict[str, list[float]]] = {}
        for run in range(runs):
            for kind, path in files.items():
                community = organisation_create(
                    actor=None,
                    code=f"3702001{run:02d}{len(results.get(kind, {}).get('check', []))}{kind}",
                    name="BENCH",
                    kind="community",
                    parent=subdistrict,
                )
                membership_grant(
                    actor=None,
                    user=secretary,
                    organisation=community,
                    role="secretary",
                    active_from=dt.date(2020, 1, 1),
                )
                content = Path(path).read_bytes()
                timings: dict[str, float] = {}
                batch = resident_import_create(
                    actor=secretary, community=community, filename=Path(path).name, content=content
                )
                started = time.perf_counter()
                batch = resident_import_run(batch.pk, timings=timings)
                total = time.perf_counter() - started
                assert batch.status == ImportStatuses.IMPORTED, batch.problems[:5]
                rows = batch.rows_total
                assert Resident.objects.filter(import_batch=batch).count() == rows
                series = results.setdefault(
                    kind, {"read": [], "check": [], "write": [], "total": []}
                )
                for phase in ("read", "check", "write"):
                    series[phase].append(timings[phase])
                series["total"].append(total)
                print(
                    f"  {connection.vendor} {kind} run {run + 1}: {rows} rows, read "
                    f"{timings['read']:.1f} s, check {timings['check']:.1f} s, write "
                    f"{timings['write']:.1f} s",
                    file=sys.stderr,
                    flush=True,
                )
        answer: dict[str, object] = {"database": connection.vendor, "rows": rows, "runs": runs}
        for kind, series in results.items():
            answer[kind] = {
                "read_s": round(statistics.median(series["read"]), 2),
                "check_s": round(statistics.median(series["check"]), 2),
                "write_s": round(statistics.median(series["write"]), 2),
                "total_s": round(statistics.median(series["total"]), 2),
                "check_rows_per_s": round(rows / statistics.median(series["check"])),
                "write_rows_per_s": round(rows / statistics.median(series["write"])),
                "total_rows_per_s": round(rows / statistics.median(series["total"])),
            }
        return answer
    finally:
        teardown_databases(old, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--formats", default="xlsx,csv", help="xlsx, csv or both")
    parser.add_argument("--json", action="store_true", help="print only the JSON")
    parser.add_argument("--worker", default="", help=argparse.SUPPRESS)  # files, as JSON
    options = parser.parse_args()
    if options.worker:
        print(json.dumps(measure(json.loads(options.worker), options.runs)))
        return
    from communitygate.registry.services.importing import import_limits

    assert options.rows <= import_limits()[1], "more rows than one import takes"
    with tempfile.TemporaryDirectory(prefix="cg-bench-import-") as folder:
        started = time.perf_counter()
        rows = generated_rows(options.rows)
        files = write_files(rows, Path(folder), tuple(options.formats.split(",")))
        sizes = {kind: path.stat().st_size for kind, path in files.items()}
        print(
            f"generated {len(rows)} residents in {time.perf_counter() - started:.0f} s: "
            + ", ".join(f"{kind} {size / 1e6:.1f} MB" for kind, size in sizes.items()),
            file=sys.stderr,
        )
        results = []
        for database in options.databases.split(","):
            environment = dict(os.environ)
            if database == "postgres":
                environment["DATABASE_URL"] = os.environ.get("DATABASE_URL_POSTGRES", POSTGRES_URL)
            else:
                environment.pop("DATABASE_URL", None)
            worker = subprocess.run(  # noqa: S603 (this script, our own arguments)
                [
                    sys.executable,
                    __file__,
                    "--runs",
                    str(options.runs),
                    "--worker",
                    json.dumps({kind: str(path) for kind, path in files.items()}),
                ],
                env=environment,
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            )
            results.append(json.loads(worker.stdout.strip().splitlines()[-1]))
    report = {"rows": options.rows, "runs": options.runs, "file_bytes": sizes, "results": results}
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if options.json:
        return
    print(f"\nmedians of {options.runs} runs, {options.rows:,} residents per import")
    print(
        f"{'database':<11} {'file':<5} {'check rows/s':>13} {'write rows/s':>13} {'overall rows/s':>15}  (check / write / total s)"
    )
    for result in results:
        for kind in ("xlsx", "csv"):
            if kind not in result:
                continue
            line = result[kind]
            print(
                f"{result['database']:<11} {kind:<5} {line['check_rows_per_s']:>13,} "
                f"{line['write_rows_per_s']:>13,} {line['total_rows_per_s']:>15,}  "
                f"({line['check_s']} / {line['write_s']} / {line['total_s']})"
            )


if __name__ == "__main__":
    main()
