"""COMMUNITYGATE_LOG_FORMAT=json (core.logjson): one JSON object per line, with the request's id
during a request, and masked by the same filter as the text lines."""

import contextvars
import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from communitygate.core.context import RequestMeta, reset_request_meta, set_request_meta
from communitygate.core.logjson import JsonFormatter
from communitygate.core.logmask import MaskPersonalData


@pytest.fixture
def json_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(MaskPersonalData())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("communitygate.tests.logjson")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    yield logger, buffer
    logger.removeHandler(handler)
    logger.propagate = True


def lines(buffer: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_a_line_is_one_json_object_with_its_fields_and_the_request_id(json_log) -> None:
    logger, buffer = json_log
    token = set_request_meta(RequestMeta(request_id="req-0123456789", source_ip="127.0.0.1"))
    try:
        logger.warning("居民 %s 来电 %s", "37020319900101123X", "13912345678")
    finally:
        reset_request_meta(token)
    [line] = lines(buffer)
    assert line["message"] == "居民 370203********123X 来电 139****5678"
    assert line["level"] == "WARNING"
    assert line["logger"] == "communitygate.tests.logjson"
    assert line["request_id"] == "req-0123456789"
    assert str(line["time"]).endswith("+00:00")
    assert "居民" in buffer.getvalue()  # Chinese written as is, not \\u escapes


def test_outside_a_request_there_is_no_request_id_and_none_is_invented(json_log) -> None:
    """(A command that recorded an audit event has its "cli-…" id by then, and its lines carry
    it; a fresh context has none.)"""
    logger, buffer = json_log
    contextvars.Context().run(logger.info, "nightly job done")
    [line] = lines(buffer)
    assert "request_id" not in line


def test_a_traceback_is_one_masked_field(json_log) -> None:
    logger, buffer = json_log
    try:
        raise ValueError("no resident with 13912345678")
    except ValueError:
        logger.exception("lookup failed")
    [line] = lines(buffer)
    assert line["message"] == "lookup failed"
    assert "Traceback" in str(line["exception"])
    assert "139****5678" in str(line["exception"])
    assert "13912345678" not in buffer.getvalue()


def test_the_setting_turns_every_configured_handler_to_json(tmp_path) -> None:
    """settings.LOGGING with COMMUNITYGATE_LOG_FORMAT=json: what the application logs (here a
    warning of Django's request logger) comes out as masked JSON lines."""
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('django.request').warning('Not Found: /x?phone=%s', '13912345678')"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", script],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "communitygate.settings",
            "VAR_DIR": str(tmp_path),
            "COMMUNITYGATE_LOG_FORMAT": "json",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    [line] = [json.loads(text) for text in result.stderr.splitlines()]
    assert line["message"] == "Not Found: /x?phone=139****5678"
    assert (line["logger"], line["level"]) == ("django.request", "WARNING")
