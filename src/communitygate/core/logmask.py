"""A logging filter that masks ID numbers and mobile numbers before anything is written.

Logs reach people without the reveal permission (operators, log shippers), so no full 居民身份号码
or mobile number may appear in them (SECURITY check 11b). The filter formats the message,
replaces anything shaped like an ID number or a mobile with its mask, and does the same to the
traceback text; settings.LOGGING puts it on every handler.
"""

import logging
import re

from communitygate.core.idnumbers import mask_id_number
from communitygate.core.phones import mask_phone

# Unbounded on purpose: the SECURITY scan flags any 17 digits followed by a digit or X.
_ID_NUMBER_18 = re.compile(r"\d{17}[\dXx]")
_ID_NUMBER_15 = re.compile(r"(?<!\d)\d{15}(?!\d)")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def mask_personal_data(text: str) -> str:
    """The text with every ID-number-shaped and mobile-shaped run of digits masked."""
    text = _ID_NUMBER_18.sub(lambda match: mask_id_number(match.group()), text)
    text = _ID_NUMBER_15.sub(lambda match: mask_id_number(match.group()), text)
    return _MOBILE.sub(lambda match: mask_phone(match.group()), text)


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
