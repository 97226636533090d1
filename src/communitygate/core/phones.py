"""Mainland phone numbers: mobiles (11 digits from 1) and landlines with their area code.

Numbers are kept as digits only — 13912345678, 053288881234 — so that equal numbers compare
equal however they were typed. Google's libphonenumber (the `phonenumbers` port) decides which
mobile ranges exist; the UI shows numbers masked (139****5678).
"""

import re
import unicodedata
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

from communitygate.core.crypto import Sealed, blind_index, seal
from communitygate.core.errors import InvalidValue

_SEPARATORS = re.compile(r"[\s\-().]+")
_MOBILE_SHAPE = re.compile(r"1[0-9]{10}")
_LANDLINE_SHAPE = re.compile(r"0[1-9][0-9]{8,10}")
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
_LANDLINE_TYPES = {PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


class InvalidPhone(InvalidValue):
    """The text is not a mainland mobile number or a landline with its area code."""

    field = "phone"
    lead_zh = "电话号码无效："
    lead_en = "Invalid phone number: "


def normalise_phone(raw: str) -> str:
    """Digits only: a mobile as 13912345678, a landline as 053288881234; or InvalidPhone.

    Accepts +86 / 0086, spaces, dashes, brackets and full-width digits.
    """
    digits = _national_digits(raw)
    if not digits:
        raise InvalidPhone("请填写电话号码。", "enter a phone number.")
    if not digits.isdigit():
        raise InvalidPhone(
            "只能包含数字、空格、短横线和 +86。",
            "use digits, spaces, dashes and +86 only.",
        )
    if _MOBILE_SHAPE.fullmatch(digits):
        if _mobile_block_exists(digits[:_MOBILE_BLOCK]):
            return digits
        raise InvalidPhone(
            "该手机号码段不存在，请核对。",
            "no mainland mobile number starts like this; check the number.",
        )
    if _LANDLINE_SHAPE.fullmatch(digits) and _is_valid_china_number(digits, _LANDLINE_TYPES):
        return digits
    if len(digits) in (7, 8) and not digits.startswith(("0", "1")):
        raise InvalidPhone(
            "固定电话请加区号，例如 0532-88881234。",
            "give a landline with its area code, e.g. 0532-88881234.",
        )
    raise InvalidPhone(
        "应为 11 位手机号码，或带区号的固定电话（例如 0532-88881234）。",
        "enter an 11-digit mobile number or a landline with its area code (e.g. 0532-88881234).",
    )


def is_valid_phone(raw: str) -> bool:
    try:
        normalise_phone(raw)
    except InvalidPhone:
        return False
    return True


def mask_phone(phone: str) -> str:
    """139****5678 for a mobile, 0532****1234 for a landline, else all but the last 4 hidden.

    Masks by shape and does not validate: the phones masked are normalised ones (sealing),
    or text typed into a search box, which is hidden either way."""
    digits = _national_digits(phone)
    if _MOBILE_SHAPE.fullmatch(digits):
        return f"{digits[:3]}****{digits[-4:]}"
    if _LANDLINE_SHAPE.fullmatch(digits):
        return f"{digits[: _area_code_length(digits)]}****{digits[-4:]}"
    if len(phone) <= 4:
        return "*" * len(phone)
    return "*" * (len(phone) - 4) + phone[-4:]


def phone_last4(phone: str) -> str:
    """The last four digits, the part people read out to confirm a number."""
    digits = re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", phone))
    return digits[-4:]


def _national_digits(raw: str) -> str:
    """The number without separators and without the country code (+86 / 0086 / 86)."""
    if raw.isascii() and raw.isdigit():
        text = raw  # already plain digits, as every stored phone and most typed ones are
    else:
        text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
    for prefix in ("+86", "0086"):
        if text.startswith(prefix):
            return _with_trunk_prefix(text[len(prefix) :])
    if len(text) == 13 and text.startswith("861"):
        return text[2:]
    return text


def _with_trunk_prefix(national: str) -> str:
    # After +86 a landline drops its leading 0 (+86 532 8888 1234); put it back.
    if national and not national.startswith(("0", "1")):
        return "0" + national
    return national


# Whether a mobile number exists is decided by its block: the first seven digits (the 号段 and
# the H code) — libphonenumber's mobile ranges look at no more than five. Parsing is the slowest
# step of checking a phone, and an import checks thousands of numbers from a few blocks.
_MOBILE_BLOCK = 7


@lru_cache(maxsize=65536)
def _mobile_block_exists(block: str) -> bool:
    return _is_valid_china_number(block + "0" * (11 - len(block)), _MOBILE_TYPES)


def _is_valid_china_number(digits: str, types: set[int]) -> bool:
    try:
        parsed = phonenumbers.parse(digits, "CN")
    except NumberParseException:
        return False
    return (
        phonenumbers.is_valid_number_for_region(parsed, "CN")
        and phonenumbers.number_type(parsed) in types
    )


def _area_code_length(landline: str) -> int:
    # 010 (Beijing) and 02x (the big cities) have three digits; every other area code four.
    return 3 if landline[1] in "12" else 4


PHONE_KIND = "phone"  # the blind index's kind: equal digits of another kind never match


def phone_digest(phone: str) -> str:
    """The keyed digest that finds a normalised phone by exact match without storing it."""
    return blind_index(PHONE_KIND, phone)


def seal_phone(phone: str) -> Sealed:
    """A normalised phone (digits only), sealed with its mask (139****5678)."""
    return seal(PHONE_KIND, phone, mask_phone(phone))
