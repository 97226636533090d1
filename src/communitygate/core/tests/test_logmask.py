"""Logs carry no full ID number or mobile (SECURITY check 11b): the filter masks the formatted
message and the traceback, and settings put it on every handler."""

import io
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

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


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("+8613912345678", "+86139****5678"),
        ("8613912345678", "86139****5678"),
        ("008613912345678", "0086139****5678"),
        ("+86 139 1234 5678", "+86 139****5678"),
        ("+86-13912345678", "+86-139****5678"),
        ("139-1234-5678", "139****5678"),
        ("139 1234 5678", "139****5678"),
        ("0532-88881234", "0532-****1234"),
        ("(0532)88881234", "(0532)****1234"),
        ("（0532）8888-1234", "（0532）****1234"),
        ("0532 8888 1234", "0532 ****1234"),
        ("010-62345678", "010-****5678"),
        ("0755-8888123", "0755-****8123"),
        ("+86 532 8888 1234", "+86 532 ****1234"),
        ("申请人电话0532-88881234，", "申请人电话0532-****1234，"),
    ],
)
def test_prefixed_mobiles_and_landlines_are_masked(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "2024-05-01 08:30-17:00",
        "营业时间 0900-2100，金额 ¥1,234.50 元，2024年5月1日",
        "20240501 1030",
        "合同 0532 号，共 12 份",
        "order 139123456789",
        "053288881234",  # a bare 12-digit run is not taken for a landline
        "1986 年",
    ],
)
def test_dates_times_and_amounts_are_left_alone(text: str) -> None:
    assert mask_personal_data(text) == text


MOBILES = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
MOBILE_PREFIXES = st.sampled_from(["", "+86", "86", "0086", "+86 ", "+86-", "0086 "])
AREA_CODES = st.one_of(
    st.sampled_from(["010", "020", "021", "022", "023", "024", "025", "027", "028", "029"]),
    st.from_regex(r"0[3-9][0-9]{2}", fullmatch=True),
)
SUBSCRIBERS = st.from_regex(r"[2-9][0-9]{6,7}", fullmatch=True)
SURROUNDINGS = st.sampled_from(["", "电话", "tel: ", "（", "，请回电。", " 转 "])


@given(MOBILES, MOBILE_PREFIXES, SURROUNDINGS, SURROUNDINGS)
def test_any_mobile_with_any_country_prefix_keeps_only_its_ends(
    mobile: str, prefix: str, before: str, after: str
) -> None:
    masked = mask_personal_data(f"{before}{prefix}{mobile}{after}")
    assert mobile not in masked
    assert masked == f"{before}{prefix}{mobile[:3]}****{mobile[-4:]}{after}"


@given(AREA_CODES, SUBSCRIBERS, st.sampled_from(["{a}-{s}", "({a}){s}", "{a} {s}"]))
def test_any_landline_with_a_separated_area_code_hides_its_subscriber_number(
    area: str, subscriber: str, shape: str
) -> None:
    masked = mask_personal_data(f"电话 {shape.format(a=area, s=subscriber)} 联系")
    assert subscriber not in masked
    assert masked == f"电话 {shape.format(a=area, s='****' + subscriber[-4:])} 联系"


@given(st.dates(), st.times(), st.decimals(min_value=0, max_value=10**9, places=2))
def test_dates_times_and_amounts_are_never_masked(day, moment, amount) -> None:
    text = (
        f"{day.isoformat()} {moment.strftime('%H:%M:%S')} {day:%Y年%m月%d日} ¥{amount:,} {amount}"
    )
    assert mask_personal_data(text) == text


def test_an_id_number_inside_a_longer_run_of_digits_is_masked() -> None:
    assert mask_personal_data("no. 0000370203199001011234 12") == "no. 0000370203********1234 12"
    assert not FULL_ID_NUMBER.search(mask_personal_data("370203199001011234" * 3))


def test_a_mistyped_id_number_is_still_masked() -> None:
    """The check character is not required: 37020319900101123X with its last digit mistyped is
    still the person's number."""
    assert mask_personal_data("id 370203199001011230") == "id 370203********1230"


@pytest.mark.parametrize(
    "text",
    [
        # Task ids (the task queue's UUIDs), request ids and hashes, even where a part of one
        # looks like a mobile, a landline or a legacy ID number.
        "task 3f2b1c4d-5e6f-4a7b-8c9d-a13912345678 finished",
        "task 12345678-0532-8888-1234-130503670401 queued",
        "request_id=a13912345678bcdef0123456789abcde",
        "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "token deadbeef13912345678cafe",
        # Numbers of 17, 18 and more digits that are no ID number: no province code or no date.
        "job 202612071530001234 done",  # 20… is no province
        "order 370203202613451234",  # 2026-13-45 is no date
        "snowflake 1864239877409366016",
        "nanoseconds 1765097400123456789",
        "tracking 12345678901234567",
        "epoch ms 1765097400123",
    ],
)
def test_identifiers_and_numbers_that_are_no_id_number_are_left_whole(text: str) -> None:
    assert mask_personal_data(text) == text


def test_a_phone_next_to_an_identifier_is_still_masked() -> None:
    assert (
        mask_personal_data("task 3f2b1c4d-5e6f-4a7b-8c9d-a1b2c3d4e5f6 phone 13912345678")
        == "task 3f2b1c4d-5e6f-4a7b-8c9d-a1b2c3d4e5f6 phone 139****5678"
    )
    assert mask_personal_data("tel13912345678") == "tel139****5678"


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


@pytest.mark.parametrize("logger_name", ["django.server", "django.request", "django"])
def test_the_servers_access_log_and_djangos_own_loggers_mask(logger_name: str) -> None:
    """The development server logs each request line through "django.server"; Django's own
    default handlers for it (and for "django") wrote them unmasked. Every stream handler the
    record reaches (settings.LOGGING's; pytest's capture aside) writes it masked."""
    logger = logging.getLogger(logger_name)
    reached = (
        logger.handlers
        if not logger.propagate
        else [*logger.handlers, *logging.getLogger().handlers]
    )
    handlers = list({id(h): h for h in reached if type(h) is logging.StreamHandler}.values())
    assert handlers, f"{logger_name} writes nowhere"
    written = io.StringIO()
    originals = [(handler, handler.stream) for handler in handlers]
    for handler in handlers:
        handler.stream = written
    try:
        logger.warning(
            '"GET /public/matters/track/?phone=13912345678&id=370203199001011234 HTTP/1.1" 200 5'
        )
    finally:
        for handler, stream in originals:
            handler.stream = stream
    output = written.getvalue()
    assert "139****5678" in output, output
    assert "13912345678" not in output and "370203199001011234" not in output
