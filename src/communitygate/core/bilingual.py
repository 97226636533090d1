"""Text that must be kept in both languages (an error's zh and en messages, a notification's
two texts): `in_chinese_and_english(text)` renders `text()` once under each language."""

from collections.abc import Callable

from django.utils import translation


def in_chinese_and_english(text: Callable[[], str]) -> tuple[str, str]:
    """`text()` in Chinese and in English (a lazy label, a form error, a formatted message)."""
    with translation.override("zh-hans"):
        chinese = text()
    with translation.override("en"):
        english = text()
    return chinese, english
