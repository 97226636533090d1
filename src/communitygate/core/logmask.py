"""A logging filter that masks ID numbers and phone numbers before anything is written.

Logs reach people without the reveal permission (operators, log shippers), so no full 居民身份号码
or phone number may appear in them (SECURITY check 11b). The filter formats the message,
replaces anything shaped like an ID number, a mobile or a landline with its mask, and does the
same to the traceback text; settings.LOGGING puts it on every handler. Services use
`mask_personal_data` too, on free text people type (visit notes, dispute facts).

What counts as a phone: a mobile (1[3-9] and 9 more digits), written plain, split 3-4-4 by
spaces or dashes, or behind +86 / 0086 / 86; and a landline whose area code is set off by a
separator or brackets (0532-88881234, (0532)88881234, 0532 8888 1234, +86 532 8888 1234).
A bare 12-digit run is not taken for a landline, and the subscriber part must be 7 or 8 digits
starting 2–9, so dates (2024-05-01), times (08:30-17:00), opening hours and amounts stay.
A mobile is masked by its shape, not checked against the assigned number blocks: a mistyped or
made-up number in a note is hidden too, and hiding one number too many costs nothing.

What counts as an ID number: 18 characters (17 digits and a digit or X) or a legacy 15 digits,
whose first two digits are a province code and whose characters 7–14 (7–12 for a legacy one) are
a real birth date from 1880 on (core.idnumbers' rules). The check character is NOT required: a
number mistyped by one digit is still the person's, and must not reach a log. Inside a longer
run of digits, every 18-digit stretch that looks so is masked (two numbers typed together), and
nothing else: task numbers, timestamps, tracking and order numbers of 17, 18 or more digits
that are no ID number stay as they are.

Identifiers stay whole: a UUID (the task queue's task ids) and a run of 16 or more hex digits
with a letter among them (request ids, hashes, tokens) are never masked, even where part of one
looks like a mobile (…-a13912345678) or a landline (…-0532-8888-1234-…).
"""

import datetime as dt
import logging
import re

from communitygate.core.idnumbers import EARLIEST_BIRTH_DATE, PROVINCE_PREFIXES, mask_id_number

# Runs of digits that may hold an 18-character ID number (an X only at the end).
_DIGIT_RUN_18 = re.compile(r"(?<!\d)\d{17,}[Xx]?")
_ID_NUMBER_15 = re.compile(r"(?<!\d)\d{15}(?!\d)")
_MOBILE = re.compile(
    r"(?<!\d)"
    r"(?P<prefix>(?:\+86|0086|86)[ \-]?)?"
    r"(?P<head>1[3-9]\d)(?P<sep>[ \-]?)(?P<middle>\d{4})(?P=sep)(?P<last4>\d{4})"
    r"(?!\d)"
)
_LANDLINE = re.compile(
    r"(?<!\d)"
    r"(?P<lead>"
    r"[(（] ?0[1-9]\d{1,2} ?[)）][ \-]?"  # (0532)88881234, （0532）8888-1234
    r"|0[1-9]\d{1,2}[ \-]"  # 0532-88881234, 0532 8888 1234
    r"|(?:\+86|0086)[ \-]?[1-9]\d{1,2}[ \-]"  # +86 532 8888 1234 (the trunk 0 dropped)
    r")"
    r"[2-9]\d{2,3}[ \-]?(?P<last4>\d{4})"
    r"(?!\d)"
)
# Identifiers never masked: UUIDs, and 16+ hex digits with at least one letter a–f.
_IDENTIFIER = re.compile(
    r"(?<![0-9A-Za-z])"
    r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|(?=[0-9]*[a-f])[0-9a-f]{16,})"
    r"(?![0-9A-Za-z])",
    re.IGNORECASE,
)
_ID_LENGTH = 18
_BIRTH_DATE = slice(6, 14)  # of an 18-character number


def _is_birth_date(yyyymmdd: str) -> bool:
    try:
        born = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return born >= EARLIEST_BIRTH_DATE and born.year <= dt.date.today().year


def looks_like_id_number(number: str) -> bool:
    """An 18-character (or legacy 15-digit) number with a province code and a real birth date."""
    if len(number) == 15:
        number = f"{number[:6]}19{number[6:]}"
    return number[:2] in PROVINCE_PREFIXES and _is_birth_date(number[_BIRTH_DATE])


def _masked_digit_run(match: re.Match[str]) -> str:
    run = match.group()
    if len(run) == _ID_LENGTH:
        return mask_id_number(run) if looks_like_id_number(run) else run
    hidden = [False] * len(run)
    for start in range(len(run) - _ID_LENGTH + 1):
        window = run[start : start + _ID_LENGTH]
        if window[:-1].isdigit() and looks_like_id_number(window):
            hidden[start + _BIRTH_DATE.start : start + _BIRTH_DATE.stop] = [True] * 8
    return "".join("*" if hide else char for char, hide in zip(run, hidden, strict=True))


def _masked_id_number_15(match: re.Match[str]) -> str:
    number = match.group()
    return mask_id_number(number) if looks_like_id_number(number) else number


def _masked_mobile(match: re.Match[str]) -> str:
    return f"{match.group('prefix') or ''}{match.group('head')}****{match.group('last4')}"


def _masked_landline(match: re.Match[str]) -> str:
    return f"{match.group('lead')}****{match.group('last4')}"


def _mask_free_text(text: str) -> str:
    text = _DIGIT_RUN_18.sub(_masked_digit_run, text)
    # Mobiles before 15-digit IDs: 0086 and a mobile is 15 digits too.
    text = _MOBILE.sub(_masked_mobile, text)
    text = _ID_NUMBER_15.sub(_masked_id_number_15, text)
    return _LANDLINE.sub(_masked_landline, text)


def mask_personal_data(text: str) -> str:
    """The text with every ID number and phone-shaped run of digits masked; identifiers
    (UUIDs, hex ids and hashes) left whole."""
    pieces: list[str] = []
    done = 0
    for identifier in _IDENTIFIER.finditer(text):
        pieces.append(_mask_free_text(text[done : identifier.start()]))
        pieces.append(identifier.group())
        done = identifier.end()
    pieces.append(_mask_free_text(text[done:]))
    return "".join(pieces)


class MaskPersonalData(logging.Filter):
    """Rewrites each record's message (and traceback) with personal numbers masked; drops none."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the handler's to report
            return True
        record.msg = mask_personal_data(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set, so the masked traceback is what is written.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True
