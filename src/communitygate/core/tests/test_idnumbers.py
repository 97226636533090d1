"""居民身份号码: the vectors of DOMAIN.md §4.1, old Shibei address codes and residence permits
accepted, and the MOD 11-2 check as properties over generated numbers."""

import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from communitygate.core import clock
from communitygate.core.idnumbers import (
    PROVINCE_PREFIXES,
    InvalidIdNumber,
    generate_id_number,
    id_check_character,
    id_number_birth_date,
    id_number_sex,
    is_valid_id_number,
    mask_id_number,
    normalise_id_number,
    upgrade_legacy_id_number,
)

D = dt.date

regions = st.builds(
    lambda prefix, rest: f"{prefix}{rest:04d}",
    st.sampled_from(sorted(PROVINCE_PREFIXES)),
    st.integers(min_value=0, max_value=9999),
)
birth_dates = st.dates(min_value=D(1880, 1, 1), max_value=D(2020, 12, 31))
sexes = st.sampled_from(["male", "female"])
seeds = st.integers(min_value=0, max_value=2**32)


def generated(seed: int, region: str, birth_date: dt.date, sex: str) -> str:
    return generate_id_number(random.Random(seed), region=region, birth_date=birth_date, sex=sex)


# -- the standard's vectors -------------------------------------------------------------------


def test_the_standards_own_example_is_valid() -> None:
    assert normalise_id_number("11010519491231002X") == "11010519491231002X"
    assert id_check_character("11010519491231002") == "X"


def test_the_python_stdnum_example_is_valid() -> None:
    assert is_valid_id_number("360426199101010071")


def test_a_legacy_15_digit_number_is_upgraded() -> None:
    assert upgrade_legacy_id_number("130503670401001") == "130503196704010016"
    assert normalise_id_number("130503670401001") == "130503196704010016"


def test_a_lower_case_x_is_accepted_and_upper_cased() -> None:
    assert normalise_id_number("11010519491231002x") == "11010519491231002X"


def test_full_width_characters_and_spaces_are_accepted() -> None:
    assert normalise_id_number(" １１０１０５ １９４９１２３１ ００２ｘ ") == "11010519491231002X"


def test_birth_date_and_sex_are_read_from_the_number() -> None:
    assert id_number_birth_date("11010519491231002X") == D(1949, 12, 31)
    assert id_number_sex("11010519491231002X") == "female"  # sequence 002
    assert id_number_sex("360426199101010071") == "male"  # sequence 007


# -- address codes: never tied to today's districts -------------------------------------------


def test_shibei_code_with_a_birth_before_1983_is_valid() -> None:
    # python-stdnum rejects this: 370203 did not exist in 1950. The number is still real.
    number = generated(1, "370203", D(1950, 3, 14), "male")
    assert normalise_id_number(number) == number


@pytest.mark.parametrize("abolished_district", ["370205", "370204"])
def test_codes_of_abolished_districts_are_valid(abolished_district: str) -> None:
    number = generated(2, abolished_district, D(1975, 8, 1), "female")
    assert is_valid_id_number(number)


@pytest.mark.parametrize("permit_region", ["810000", "820000", "830000"])
def test_hong_kong_macao_taiwan_residence_permits_are_valid(permit_region: str) -> None:
    number = generated(3, permit_region, D(1988, 2, 29), "male")
    assert is_valid_id_number(number)


def test_an_unknown_province_prefix_is_refused() -> None:
    number = generated(4, "990101", D(1990, 1, 1), "male")
    with pytest.raises(InvalidIdNumber, match="99"):
        normalise_id_number(number)


# -- refusals say what is wrong ---------------------------------------------------------------


def test_a_wrong_check_character_is_refused_naming_the_expected_one() -> None:
    with pytest.raises(InvalidIdNumber) as refused:
        normalise_id_number("110105194912310021")
    assert "校验码应为 X" in refused.value.message_zh
    assert "should be X" in refused.value.message_en
    assert refused.value.problems[0].field == "id_number"


def test_a_future_birth_date_is_refused() -> None:
    clock.pin(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC))
    assert is_valid_id_number(generated(5, "370203", D(2026, 6, 1), "female"))
    with pytest.raises(InvalidIdNumber) as refused:
        normalise_id_number(generated(5, "370203", D(2026, 6, 2), "female"))
    assert "晚于今天" in refused.value.message_zh
    assert "future" in refused.value.message_en


def test_an_impossible_birth_date_is_refused() -> None:
    first17 = "37020319900230001"  # 30 February
    with pytest.raises(InvalidIdNumber, match="birth date"):
        normalise_id_number(first17 + id_check_character(first17))


def test_a_birth_date_before_1880_is_refused() -> None:
    with pytest.raises(InvalidIdNumber, match="1880"):
        normalise_id_number(generated(6, "370203", D(1879, 12, 31), "male"))


@pytest.mark.parametrize("length", [0, 14, 16, 17, 19])
def test_a_wrong_length_is_refused(length: int) -> None:
    with pytest.raises(InvalidIdNumber) as refused:
        normalise_id_number("3702031990010100123"[:length])
    assert refused.value.message_zh.startswith("身份证号码无效")


def test_letters_other_than_a_final_x_are_refused() -> None:
    with pytest.raises(InvalidIdNumber, match="digits"):
        normalise_id_number("3702031990O1010012")


def test_a_refusal_never_repeats_the_number() -> None:
    with pytest.raises(InvalidIdNumber) as refused:
        normalise_id_number("110105194912310021")
    assert "110105194912310021" not in str(refused.value)
    assert "110105194912310021" not in str(refused.value.as_dict())


# -- masks --------------------------------------------------------------------------------------


def test_an_18_character_number_is_masked_to_address_code_and_last_four() -> None:
    assert mask_id_number("37020319900101123X") == "370203********123X"


def test_anything_else_keeps_only_its_last_two_characters() -> None:
    assert mask_id_number("130503670401001") == "*************01"
    assert mask_id_number("12") == "**"


# -- properties ---------------------------------------------------------------------------------


@given(seeds, regions, birth_dates, sexes)
def test_generated_numbers_always_validate(
    seed: int, region: str, birth_date: dt.date, sex: str
) -> None:
    number = generated(seed, region, birth_date, sex)
    assert normalise_id_number(number) == number
    assert id_number_birth_date(number) == birth_date
    assert id_number_sex(number) == sex
    assert number[:6] == region


@given(
    seeds,
    regions,
    birth_dates,
    sexes,
    st.integers(min_value=0, max_value=17),
    st.sampled_from("0123456789X"),
)
def test_changing_any_one_character_makes_the_number_invalid(
    seed: int, region: str, birth_date: dt.date, sex: str, position: int, replacement: str
) -> None:
    number = generated(seed, region, birth_date, sex)
    changed = number[:position] + replacement + number[position + 1 :]
    if changed == number:
        return
    assert not is_valid_id_number(changed)


@given(
    regions,
    st.dates(min_value=D(1900, 1, 1), max_value=D(1999, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
def test_upgrading_a_legacy_number_keeps_its_birth_date_and_sex(
    region: str, birth_date: dt.date, sequence: int
) -> None:
    legacy = f"{region}{birth_date:%y%m%d}{sequence:03d}"
    upgraded = upgrade_legacy_id_number(legacy)
    assert is_valid_id_number(upgraded)
    assert id_number_birth_date(upgraded) == birth_date
    assert id_number_birth_date(upgraded).year // 100 == 19
    assert id_number_sex(upgraded) == ("male" if sequence % 2 else "female")
    assert normalise_id_number(legacy) == upgraded
