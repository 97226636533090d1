"""Phones: the mobile ranges of DOMAIN.md §4.3 decided by libphonenumber, landlines with their
area code, one digits-only form, and masks that hide the middle."""

import pytest

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
