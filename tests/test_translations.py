"""Every UI string has its Chinese translation, and the compiled catalog matches the source."""

import gettext
import re
from pathlib import Path

import communitygate

LOCALE = Path(communitygate.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
ENTRY = re.compile(
    r'^(?P<flags>(?:#[^\n]*\n)*)(?:msgctxt (?P<context>"(?:[^"\\]|\\.)*")\n)?msgid (?P<msgid>"(?:[^"\\]|\\.)*"(?:\n"(?:[^"\\]|\\.)*")*)\n'
    r'(?:msgid_plural [^\n]*(?:\n"[^\n]*")*\n)?'
    r'(?P<strs>(?:msgstr(?:\[\d\])? "(?:[^"\\]|\\.)*"(?:\n"(?:[^"\\]|\\.)*")*\n?)+)',
    re.MULTILINE,
)


def unquote(block: str) -> str:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', block)
    return "".join(parts).encode("raw_unicode_escape").decode("unicode_escape")


def po_entries() -> list[tuple[str, str, str, str]]:
    """(flags, context, msgid, msgstr) of every entry; the context is "" for most."""
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("#~")) + "\n"
    return [
        (
            m.group("flags"),
            unquote(m.group("context") or '""'),
            unquote(m.group("msgid")),
            unquote(m.group("strs")),
        )
        for m in ENTRY.finditer(text)
        if unquote(m.group("msgid"))
    ]


def test_every_message_is_translated_and_none_is_fuzzy() -> None:
    entries = po_entries()
    assert len(entries) > 250
    untranslated = [msgid for _flags, _context, msgid, msgstr in entries if not msgstr.strip()]
    fuzzy = [msgid for flags, _context, msgid, _msgstr in entries if "fuzzy" in flags]
    assert untranslated == []
    assert fuzzy == []


def test_the_compiled_catalog_is_up_to_date() -> None:
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    plural_ids = {
        unquote(m) for m in re.findall(r'^msgid (".*")\nmsgid_plural', text, re.MULTILINE)
    }
    stale = [
        msgid
        for _flags, context, msgid, msgstr in po_entries()
        if msgid not in plural_ids
        and (catalog.pgettext(context, msgid) if context else catalog.gettext(msgid)) != msgstr
    ]
    assert stale == [], "run: communitygate compilemessages -l zh_Hans"
