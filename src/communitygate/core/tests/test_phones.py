"""Phones: the mobile ranges of DOMAIN.md §4.3 decided by libphonenumber, landlines with their
area code, one digits-only form, and masks that hide the middle."""

import pytest

from communitygate.core import phones
from communitygate.core.phones import (
    InvalidPhone,
    is_valid_phone,
    mask_phone,
    normalise_phone,
    phone_last4,
)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("13912345678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("0086-139-1234-5678", "13912345678"),
        ("８６１３９１２３４５６７８", "13912345678"),
        ("19212345678", "19212345678"),  # China Broadnet
        ("17012345678", "17012345678"),  # virtual operators
        ("16612345678", "16612345678"),
    ],
)
def test_mainland_mobiles_are_accepted_as_eleven_digits(raw: str, normalised: str) -> None:
    assert normalise_phone(raw) == normalised


@pytest.mark.parametrize("raw", ["14812345678", "12312345678"])
def test_mobile_ranges_that_do_not_exist_are_refused(raw: str) -> None:
    with pytest.raises(InvalidPhone) as refused:
        normalise_phone(raw)
    assert "手机号码段不存在" in refused.value.message_zh
    assert "no mainland mobile" in refused.value.message_en


@pytest.mark.parametrize(
    "raw", ["0532-88881234", "0532 8888 1234", "(0532) 88881234", "+86 532 8888 1234"]
)
def test_a_landline_with_its_area_code_is_accepted(raw: str) -> None:
    assert normalise_phone(raw) == "053288881234"


def test_a_beijing_landline_keeps_its_three_digit_area_code() -> None:
    assert normalise_phone("010-12345678") == "01012345678"
    assert mask_phone("01012345678") == "010****5678"


def test_a_landline_without_area_code_is_refused_asking_for_it() -> None:
    with pytest.raises(InvalidPhone) as refused:
        normalise_phone("88881234")
    assert "区号" in refused.value.message_zh
    assert "area code" in refused.value.message_en


@pytest.mark.parametrize("raw", ["", "   ", "1391234567", "139123456789", "phone", "139-1234-567x"])
def test_other_text_is_refused(raw: str) -> None:
    assert not is_valid_phone(raw)
    with pytest.raises(InvalidPhone) as refused:
        normalise_phone(raw)
    assert refused.value.problems[0].field == "phone"


def test_masks_hide_the_middle() -> None:
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("053288881234") == "0532****1234"
    assert mask_phone("+86 139 1234 5678") == "139****5678"


def test_anything_else_keeps_only_its_last_four_characters() -> None:
    assert mask_phone("4008001234") == "******1234"
    assert mask_phone("123") == "***"


def test_last_four_digits() -> None:
    assert phone_last4("13912345678") == "5678"
    assert phone_last4("0532-8888 1234") == "1234"


def test_masks_keep_the_area_code_of_big_cities() -> None:
    assert mask_phone("02112345678") == "021****5678"
    assert mask_phone("+86 21 1234 5678") == "021****5678"


def test_masking_a_phone_does_not_parse_it_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # Sealing masks a phone normalise_phone has just checked: the mask goes by its shape.
    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("mask_phone parsed the number")

    monkeypatch.setattr(phones.phonenumbers, "parse", no_parsing)
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("053288881234") == "0532****1234"
    assert mask_phone("01012345678") == "010****5678"


def test_a_mobile_block_is_looked_up_once(monkeypatch: pytest.MonkeyPatch) -> None:
    phones._mobile_block_exists.cache_clear()
    parsed: list[str] = []
    parse = phones.phonenumbers.parse

    def counting_parse(number: str, region: str) -> object:
        parsed.append(number)
        return parse(number, region)

    monkeypatch.setattr(phones.phonenumbers, "parse", counting_parse)
    assert normalise_phone("13912345678") == "13912345678"
    assert normalise_phone("139 1234 0001") == "13912340001"
    assert len(parsed) == 1
    for _ in range(2):
        with pytest.raises(InvalidPhone):
            normalise_phone("14812345678")
    assert len(parsed) == 2


def test_whether_a_mobile_exists_depends_on_its_block_only() -> None:
    # The block cache relies on libphonenumber deciding mobile ranges by at most seven digits.
    for block in ("1391234", "1481234", "1610123", "1740512", "1740612", "1920000"):
        answers = {
            phones._is_valid_china_number(block + tail, phones._MOBILE_TYPES)
            for tail in ("0000", "1234", "5678", "9999")
        }
        assert answers == {phones._mobile_block_exists(block)}
