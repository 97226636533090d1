"""gunicorn's access log, with the repository's settings (communitygate.gunicorn_conf), masks
ID numbers and phones in the request line and the referrer like every other log (SECURITY check
11b), and leaves task ids, request ids, hashes and long numbers that are no ID number whole."""

import json
import re
from pathlib import Path

import pytest

from tests.servers import get, gunicorn, server_environment

# Its servers run on a SQLite file of their own, whatever DATABASE_URL names: .ci/run's
# PostgreSQL pass leaves it out (`-m "not own_database"`), the SQLite pass runs it.
pytestmark = pytest.mark.own_database

PHONE = "13755556666"
ID_NUMBER = "37020319900101123X"
TASK_ID = "3f2b1c4d-5e6f-4a7b-8c9d-a13912345678"  # its last part looks like a mobile
REQUEST_ID = "a13912345678bcdef0123456789abcde"
NOT_AN_ID_NUMBER = "202612071530001234"  # 18 digits, no province code
LONG_NUMBER = "1864239877409366016"


def request_with_personal_data_and_identifiers(base: str) -> None:
    get(
        f"{base}/public/matters/track/?phone={PHONE}&id={ID_NUMBER}"
        f"&task={TASK_ID}&n={NOT_AN_ID_NUMBER}&m={LONG_NUMBER}",
        Referer=f"{base}/public/?tel=139-1234-5678",
        **{"X-Request-ID": REQUEST_ID},
    )


def test_the_access_log_masks_personal_data_and_keeps_identifiers(tmp_path: Path) -> None:
    with gunicorn(server_environment(tmp_path), tmp_path) as base:
        request_with_personal_data_and_identifiers(base)
    log = (tmp_path / "web.out").read_text()
    line = next(line for line in log.splitlines() if "/public/matters/track/" in line)
    assert PHONE not in log and ID_NUMBER not in log and "139-1234-5678" not in log
    assert "phone=137****6666&id=370203********123X" in line
    assert "?tel=139****5678" in line
    assert f"task={TASK_ID}&n={NOT_AN_ID_NUMBER}&m={LONG_NUMBER}" in line
    assert line.endswith(f"rid={REQUEST_ID}")
    assert re.search(r'" 200 \d+ \d+ms ', line), line


def test_json_logs_are_masked_too(tmp_path: Path) -> None:
    env = server_environment(tmp_path, COMMUNITYGATE_LOG_FORMAT="json")
    with gunicorn(env, tmp_path) as base:
        request_with_personal_data_and_identifiers(base)
    access = [json.loads(line) for line in (tmp_path / "web.out").read_text().splitlines()]
    errors = [json.loads(line) for line in (tmp_path / "web.err").read_text().splitlines()]
    line = next(entry for entry in access if "/public/matters/track/" in entry["message"])
    assert line["logger"] == "gunicorn.access"
    assert line["level"] == "INFO"
    assert "phone=137****6666&id=370203********123X" in line["message"]
    assert TASK_ID in line["message"] and REQUEST_ID in line["message"]
    assert any(entry["logger"] == "gunicorn.error" for entry in errors)
    assert PHONE not in json.dumps(access + errors)
