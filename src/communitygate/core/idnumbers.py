"""居民身份号码: the resident identity number of GB 11643-1999, checked, upgraded and masked.

Eighteen characters: a six-digit address code (where the person was first registered), the
birth date YYYYMMDD, a three-digit sequence (odd for men, even for women) and an ISO 7064
MOD 11-2 check character. The address code is never revalidated when districts merge, so any
code under a known province is accepted: Shibei residents still carry 370205 and 370204.
"""

import datetime as dt
import random
import re
import unicodedata

from communitygate.core import clock
from communitygate.core.crypto import Sealed, blind_index, seal
from communitygate.core.errors import InvalidValue

CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
EARLIEST_BIRTH_DATE = dt.date(1880, 1, 1)

# First two digits: mainland provinces (GB/T 2260), 71 Taiwan, and the residence permits of
# Hong Kong (81), Macao (82) and Taiwan (83) residents living on the mainland.
PROVINCE_PREFIXES = frozenset(
    f"{code:02d}"
    for low, high in (
        (11, 15),
        (21, 23),
        (31, 37),
        (41, 46),
        (50, 54),
        (61, 65),
        (71, 71),
        (81, 83),
    )
    for code in range(low, high + 1)
)

SEXES = ("male", "female")

_EIGHTEEN_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_DIGITS = re.compile(r"[0-9]+")
_WHITESPACE = re.compile(r"\s+")


class InvalidIdNumber(InvalidValue):
    """The text is not a valid 居民身份号码; the message says which part is wrong (and never
    echoes the number)."""

    field = "id_number"
    lead_zh = "身份证号码无效："
    lead_en = "Invalid ID number: "


def id_check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    if len(first17) != 17 or not _DIGITS.fullmatch(first17):
        raise ValueError("id_check_character needs exactly 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, CHECK_WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def upgrade_legacy_id_number(number15: str) -> str:
    """A pre-1999 15-digit number as its 18-character form: "19" before the year, plus a check."""
    if len(number15) != 15 or not _DIGITS.fullmatch(number15):
        raise InvalidIdNumber("旧版身份证号码应为 15 位数字。", "a legacy ID number has 15 digits.")
    first17 = f"{number15[:6]}19{number15[6:]}"
    return first17 + id_check_character(first17)


def normalise_id_number(raw: str, *, today: dt.date | None = None) -> str:
    """The canonical 18-character number (upper-case X), or InvalidIdNumber naming the problem.

    Accepts full-width characters, spaces and a lower-case x, and upgrades 15-digit numbers.
    `today` (default: the clock's) bounds the birth date; an import checking many numbers reads
    the clock once and passes it (reading it was a quarter of this function's time).
    """
    number = _without_spacing(raw)
    if not number:
        raise InvalidIdNumber("请填写身份证号码。", "enter the ID number.")
    if len(number) == 15:
        if not _DIGITS.fullmatch(number):
            raise InvalidIdNumber(
                "15 位旧版号码只能包含数字。", "a 15-digit legacy number has digits only."
            )
        number = upgrade_legacy_id_number(number)
    if len(number) != 18:
        raise InvalidIdNumber(
            f"应为 18 位（旧版为 15 位），实际为 {len(number)} 位。",
            f"it must have 18 characters (15 for a legacy number), not {len(number)}.",
        )
    if not _EIGHTEEN_SHAPE.fullmatch(number):
        raise InvalidIdNumber(
            "前 17 位只能是数字，最后一位是数字或 X。",
            "the first 17 characters must be digits and the last a digit or X.",
        )
    _check_region(number)
    _check_birth_date(number, today or clock.today())
    _check_check_character(number)
    return number


def is_valid_id_number(raw: str) -> bool:
    try:
        normalise_id_number(raw)
    except InvalidIdNumber:
        return False
    return True


def id_number_birth_date(number: str) -> dt.date:
    """The birth date written in a (normalised, 18- or 15-character) number."""
    number = _as_eighteen(number)
    birth_date = _parse_birth_date(number[6:14])
    if birth_date is None:
        raise InvalidIdNumber(
            "第 7–14 位不是真实的出生日期。", "characters 7–14 are not a real birth date."
        )
    return birth_date


def id_number_sex(number: str) -> str:
    """ "male" when the sequence (the 17th character) is odd, "female" when it is even."""
    sequence_digit = _as_eighteen(number)[16]
    return "male" if int(sequence_digit) % 2 == 1 else "female"


def mask_id_number(number: str) -> str:
    """370203********123X: the address code and the last four only; short text keeps its last 2."""
    if len(number) == 18:
        return f"{number[:6]}{'*' * 8}{number[-4:]}"
    if len(number) <= 2:
        return "*" * len(number)
    return "*" * (len(number) - 2) + number[-2:]


def generate_id_number(rng: random.Random, *, region: str, birth_date: dt.date, sex: str) -> str:
    """A number that validates, for demo data and tests. It may coincide with a real person's:
    show it masked."""
    if len(region) != 6 or not _DIGITS.fullmatch(region):
        raise ValueError("region must be a six-digit address code")
    if sex not in SEXES:
        raise ValueError(f"sex must be one of {SEXES}")
    # 001-999: odd sequences for men, even for women; never 000.
    sequence = rng.randrange(1, 500) * 2 + (1 if sex == "male" else 0)
    first17 = f"{region}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17)


def _without_spacing(raw: str) -> str:
    # NFKC turns full-width digits, Ｘ and the ideographic space into their ASCII forms.
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", raw)).upper()


def _as_eighteen(number: str) -> str:
    number = _without_spacing(number)
    if len(number) == 15:
        return upgrade_legacy_id_number(number)
    if not _EIGHTEEN_SHAPE.fullmatch(number):
        raise InvalidIdNumber(
            "应为 18 位：17 位数字加一位数字或 X。",
            "it must be 18 characters: 17 digits and a digit or X.",
        )
    return number


def _parse_birth_date(yyyymmdd: str) -> dt.date | None:
    try:
        return dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None


def _check_region(number: str) -> None:
    prefix = number[:2]
    if prefix not in PROVINCE_PREFIXES:
        raise InvalidIdNumber(
            f"前两位 {prefix} 不是省级行政区划代码。",
            f"the first two digits {prefix} are not a province code.",
        )


def _check_birth_date(number: str, today: dt.date) -> None:
    birth_date = _parse_birth_date(number[6:14])
    if birth_date is None:
        raise InvalidIdNumber(
            "第 7–14 位不是真实的出生日期。", "characters 7–14 are not a real birth date."
        )
    if birth_date > today:
        raise InvalidIdNumber("出生日期晚于今天。", "the birth date is in the future.")
    if birth_date < EARLIEST_BIRTH_DATE:
        raise InvalidIdNumber("出生日期早于 1880 年。", "the birth date is before 1880.")


def _check_check_character(number: str) -> None:
    expected = id_check_character(number[:17])
    if number[17] != expected:
        raise InvalidIdNumber(
            f"校验码应为 {expected}，而不是 {number[17]}，请核对号码。",
            f"the check character should be {expected}, not {number[17]}; check the number.",
        )


ID_NUMBER_KIND = "id_number"  # the blind index's kind


def id_number_digest(number: str) -> str:
    """The keyed digest that finds a normalised ID number by exact match without storing it."""
    return blind_index(ID_NUMBER_KIND, number)


def seal_id_number(number: str) -> Sealed:
    """A normalised 18-character ID number, sealed with its mask (370203********123X)."""
    return seal(ID_NUMBER_KIND, number, mask_id_number(number))
