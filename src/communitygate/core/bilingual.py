"""Text that must be kept in both languages (an error's zh and en messages, a notification's
two texts): `in_chinese_and_english(text)` renders `text()` once under each language."""

from collections.abc import Callable

from django.db.models import Choices
from django.utils import translation


def in_chinese_and_english(text: Callable[[], str]) -> tuple[str, str]:
    """`text()` in Chinese and in English (a lazy label, a form error, a formatted message)."""
    with translation.override("zh-hans"):
        chinese = text()
    with translation.override("en"):
        english = text()
    return chinese, english


def chinese_label(choices: type[Choices], value: str) -> str:
    """A stored choice's label as a Chinese page shows it, for a printed form or an export in
    Chinese whatever the request's language: the file says what the screen says. A value the
    choices do not know is returned as it is."""
    if value not in choices.values:
        return value
    with translation.override("zh-hans"):
        return str(choices(value).label)


def in_chinese(text: Callable[[], str]) -> str:
    """`text()` in Chinese (a printed form's wording, whatever the request's language)."""
    with translation.override("zh-hans"):
        return text()
