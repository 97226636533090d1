"""Logs carry no full ID number or mobile (SECURITY check 11b): the filter masks the formatted
message and the traceback, and settings put it on every handler."""

import io
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings

from communitygate.core.logmask import MaskPersonalData, mask_personal_data

# The shapes the SECURITY scan looks for in captured logs.
FULL_ID_NUMBER = re.compile(r"\d{17}[\dX]")
FULL_MOBILE = re.compile(r"1[3-9]\d{9}")


@pytest.fixture
def masked_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger whose only handler writes through the filter to a buffer."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(MaskPersonalData())
    logger = logging.getLogger("communitygate.tests.logmask")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    yield logger, buffer
    logger.removeHandler(handler)
    logger.propagate = True


def test_a_logged_id_number_and_phone_come_out_masked(masked_log) -> None:
    logger, buffer = masked_log
    logger.warning("resident %s called from %s", "37020319900101123X", "13912345678")
    assert buffer.getvalue() == "resident 370203********123X called from 139****5678\n"


def test_a_lower_case_x_and_a_legacy_number_are_masked(masked_log) -> None:
    logger, buffer = masked_log
    logger.info("ids 37020319900101123x and 130503670401001")
    assert buffer.getvalue() == "ids 370203********123x and *************01\n"


def test_a_traceback_is_masked(masked_log) -> None:
    logger, buffer = masked_log
    try:
        raise ValueError("no resident with 13912345678 / 37020319900101123X")
    except ValueError:
        logger.exception("lookup failed")
    output = buffer.getvalue()
    assert "Traceback" in output
    assert "139****5678" in output
    assert not FULL_ID_NUMBER.search(output)
    assert not FULL_MOBILE.search(output)


def test_chinese_text_around_the_numbers_is_kept() -> None:
    assert (
        mask_personal_data("居民身份证37020319900101123X，电话13912345678。")
        == "居民身份证370203********123X，电话139****5678。"
    )


def test_other_numbers_are_left_alone() -> None:
    text = "task 12345, ts 1732700000000, order 139123456789, code 370203"
    assert mask_personal_data(text) == text


def test_a_long_run_of_digits_leaves_no_id_number_shape() -> None:
    assert not FULL_ID_NUMBER.search(mask_personal_data("9" * 40))


def test_a_broken_format_string_is_not_the_filters_to_raise() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s %s", ("one",), None)
    assert MaskPersonalData().filter(record) is True


def test_every_configured_handler_masks() -> None:
    logging_settings: dict[str, Any] = settings.LOGGING
    filters = logging_settings["filters"]
    for handler in logging_settings["handlers"].values():
        assert any(filters[name]["()"].endswith(".MaskPersonalData") for name in handler["filters"])
    configured = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, MaskPersonalData) for f in handler.filters)
    ]
    assert configured, "the console handler from settings.LOGGING carries the filter"
