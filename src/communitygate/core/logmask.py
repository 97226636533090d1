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
"""

import logging
import re

from communitygate.core.idnumbers import mask_id_number

# Unbounded on purpose: the SECURITY scan flags any 17 digits followed by a digit or X.
_ID_NUMBER_18 = re.compile(r"\d{17}[\dXx]")
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


def _masked_mobile(match: re.Match[str]) -> str:
    return f"{match.group('prefix') or ''}{match.group('head')}****{match.group('last4')}"


def _masked_landline(match: re.Match[str]) -> str:
    return f"{match.group('lead')}****{match.group('last4')}"


def mask_personal_data(text: str) -> str:
    """The text with every ID-number-shaped and phone-shaped run of digits masked."""
    text = _ID_NUMBER_18.sub(lambda match: mask_id_number(match.group()), text)
    # Mobiles before 15-digit IDs: 0086 and a mobile is 15 digits too.
    text = _MOBILE.sub(_masked_mobile, text)
    text = _ID_NUMBER_15.sub(lambda match: mask_id_number(match.group()), text)
    return _LANDLINE.sub(_masked_landline, text)


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
